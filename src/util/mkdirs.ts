/**
 * `mkdir -p` that always returns. Node's `mkdirSync(…, {recursive: true})` never returns on some
 * paths (under /proc it retries ENOENT forever, synchronously, deaf to signals), and a HOME or
 * data dir can point anywhere. This creates one component at a time and throws the first error.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

export function mkdirs(dir: string, mode = 0o700): void {
  const target = resolve(dir);
  if (existsSync(target)) return;
  let cur: string = sep;
  for (const part of target.split(sep).filter(Boolean)) {
    cur = join(cur, part);
    if (existsSync(cur)) continue;
    try {
      mkdirSync(cur, { mode });
    } catch (err) {
      // Created meanwhile by someone else: fine.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

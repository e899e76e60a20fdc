/**
 * Where a session lives on disk: `<sessionsDir>/<id>.jsonl` (the append-only log) next to
 * `<id>.summary.json` (a small summary rewritten atomically on each flush, for fast listing).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sessionsDir } from '../util/paths.js';

const LOG_SUFFIX = '.jsonl';
const SUMMARY_SUFFIX = '.summary.json';

/** Session ids are file names: no separators, no dot-dot, nothing a shell would mangle. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True when `id` can be used as a session file name. */
export function isSafeSessionId(id: string): boolean {
  return SAFE_ID.test(id) && !id.includes('..');
}

/** Path of a session's JSONL log. */
export function sessionLogPath(id: string, dir: string = sessionsDir()): string {
  return join(dir, `${id}${LOG_SUFFIX}`);
}

/** Path of a session's summary file. */
export function sessionSummaryPath(id: string, dir: string = sessionsDir()): string {
  return join(dir, `${id}${SUMMARY_SUFFIX}`);
}

/** Ids of every session log in `dir` (unsorted); [] when the folder does not exist yet. */
export function listSessionIds(dir: string = sessionsDir()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const ids: string[] = [];
  for (const name of names) {
    if (!name.endsWith(LOG_SUFFIX)) continue;
    const id = name.slice(0, -LOG_SUFFIX.length);
    if (isSafeSessionId(id)) ids.push(id);
  }
  return ids;
}

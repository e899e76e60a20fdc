import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir } from '../util/paths.js';

/**
 * Copies the demo project (`fixtures/demo`, or `dist/fixtures/demo` when installed) into a fresh
 * temp dir and returns its path, so `tether --demo` never touches the user's files.
 */
export async function prepareDemoWorkspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-demo-'));
  await cp(join(fixturesDir(), 'demo'), dir, { recursive: true });
  return dir;
}

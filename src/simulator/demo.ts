import { execFile } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fixturesDir } from '../util/paths.js';
import { safeGit } from '../util/safe-git.js';

const run = promisify(execFile);

/**
 * Makes `dir` a git repository with one commit of its files, so `/diff` in the demo shows what
 * the tour changed. The user's git configuration is not read (no hooks, no signing, no template);
 * without git the demo still runs, `/diff` then says it is not a repository.
 */
async function initRepository(dir: string): Promise<boolean> {
  const env = {
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'tether demo',
    GIT_AUTHOR_EMAIL: 'demo@tether.invalid',
    GIT_COMMITTER_NAME: 'tether demo',
    GIT_COMMITTER_EMAIL: 'demo@tether.invalid',
  };
  const git = (...args: string[]) => {
    // Hardened like every git call of tether's (util/safe-git.ts), plus the identity above.
    const g = safeGit(args, process.env);
    return run('git', g.args, { cwd: dir, env: { ...g.env, ...env }, timeout: 10_000 });
  };
  try {
    await git('init', '-q', '--template=', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-q', '--no-gpg-sign', '-m', 'demo project');
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies the demo project (`fixtures/demo`, or `dist/fixtures/demo` when installed) into a fresh
 * temp dir, commits it to a new git repository there, and returns its path, so `tether --demo`
 * never touches the user's files and `/diff` shows the tour's changes.
 */
export async function prepareDemoWorkspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-demo-'));
  await cp(join(fixturesDir(), 'demo'), dir, { recursive: true });
  await initRepository(dir);
  return dir;
}

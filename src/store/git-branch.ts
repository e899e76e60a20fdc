import { execFileSync } from 'node:child_process';

/**
 * The current git branch of `cwd`, or `null` outside a repository. fsmonitor is disabled and
 * optional locks are off, so reading the branch never runs a repository-configured program
 * (rev-parse runs no hooks) and never takes `index.lock` from under a concurrent git command.
 */
export function gitBranch(cwd: string, timeoutMs = 2000): string | null {
  try {
    const out = execFileSync(
      'git',
      ['-c', 'core.fsmonitor=false', '--no-optional-locks', 'rev-parse', '--abbrev-ref', 'HEAD'],
      {
        cwd,
        timeout: timeoutMs,
        stdio: ['ignore', 'pipe', 'ignore'],
        encoding: 'utf8',
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' },
      },
    );
    const branch = out.trim();
    return branch === '' ? null : branch;
  } catch {
    return null;
  }
}

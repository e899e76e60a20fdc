import { execFileSync } from 'node:child_process';
import { safeGit } from '../util/safe-git.js';

/** Runs one read-only git query in `cwd`; undefined on any failure (not a repo, no git, timeout). */
function gitQuery(cwd: string, args: string[], timeoutMs: number): string | undefined {
  try {
    // rev-parse and symbolic-ref run no driver, so the fixed overrides suffice (safe-git.ts).
    const g = safeGit(args, process.env);
    const out = execFileSync('git', g.args, {
      cwd,
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'ignore'],
      encoding: 'utf8',
      env: g.env,
    });
    const value = out.trim();
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}

/**
 * The current git branch of `cwd` (`HEAD` when detached), or `null` outside a repository.
 * Run through the hardened git call (util/safe-git.ts), so reading the branch never runs a
 * repository-configured program (rev-parse and symbolic-ref run no hooks) and never takes
 * `index.lock` from under a concurrent git command. `symbolic-ref` covers a repository whose
 * branch has no commit yet (rev-parse fails there).
 */
export function gitBranch(cwd: string, timeoutMs = 2000): string | null {
  return (
    gitQuery(cwd, ['rev-parse', '--abbrev-ref', 'HEAD'], timeoutMs) ??
    gitQuery(cwd, ['symbolic-ref', '--short', '-q', 'HEAD'], timeoutMs) ??
    null
  );
}

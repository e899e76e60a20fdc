/**
 * The rule for tests that need bubblewrap: under CI (CI=true) a sandbox that cannot run is a
 * failure, never a skip; elsewhere (a laptop without user namespaces) the test is skipped with
 * the reason printed.
 */
import { probeBwrap } from '../../src/policy/sandbox.js';

let cached: Promise<{ ok: boolean; reason: string }> | undefined;

/** Probes bubblewrap once per test file. */
export function bwrapStatus(): Promise<{ ok: boolean; reason: string }> {
  cached ??= probeBwrap();
  return cached;
}

/** Whether this run is CI, where sandbox tests must run. */
export const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';

/**
 * Call when bubblewrap is unavailable: throws under CI, else prints why and skips via `skip`.
 */
export function requireSandboxInCi(what: string, reason: string, skip: () => void): void {
  if (IN_CI) throw new Error(`${what}: bubblewrap cannot run under CI=true: ${reason}`);
  console.warn(`SKIP ${what}: bubblewrap cannot run here (${reason}); these tests are required in CI`);
  skip();
}

/**
 * For a whole file: true when bubblewrap runs; otherwise throws under CI and returns false
 * elsewhere after printing why (use with `describe.skipIf(!ok)`).
 */
export function sandboxOrSkip(what: string, available: boolean, reason: string): boolean {
  if (available) return true;
  requireSandboxInCi(what, reason, () => undefined);
  return false;
}

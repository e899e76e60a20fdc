/** Driving the built CLI in a tmux pane on a private server (the terminal end-to-end tests). */
import { execFileSync, spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

/** Whether tmux runs here. */
export const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;

/**
 * In CI (CI=true) a missing tmux fails the file instead of skipping its terminal tests
 * (.ci/install-system-deps.sh installs it). Call at the top level of a test file.
 */
export function requireTmuxInCi(): void {
  if (!HAS_TMUX && process.env['CI'] === 'true') {
    it('tmux is installed (required in CI for the terminal end-to-end tests)', () => {
      expect.fail('tmux is missing: install it (.ci/install-system-deps.sh does)');
    });
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** tmux commands on server `socket`, and waits on the screen of `session` (with `scrollback` lines). */
export function tmuxDriver(socket: string, session: string, scrollback: number) {
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', `-${scrollback}`, '-t', session);
  async function waitFor(pred: (s: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      last = screen();
      if (pred(last)) return last;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}; screen:\n${last}`);
  }
  const waitText = (text: string, timeoutMs?: number) =>
    waitFor((s) => s.includes(text), JSON.stringify(text), timeoutMs);
  return { tmux, screen, waitFor, waitText };
}

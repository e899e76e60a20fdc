/**
 * The sandbox's /tmp: one private directory per tether process (mode 0700 under the host's temp
 * dir), bound at /tmp in every sandboxed command. Files a command leaves in /tmp are there for
 * the next command of the same session (as users expect from a shell), while the host's /tmp —
 * with its unix sockets (tmux, ssh-agent, X11) — stays out of reach. Removed when tether exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessExit } from '../util/exit-hooks.js';

let dir: string | null = null;

/** The private /tmp directory, created on first use; null when it cannot be created. */
export function sandboxTmpDir(): string | null {
  if (dir !== null) return dir;
  try {
    dir = mkdtempSync(join(tmpdir(), 'tether-sandbox-tmp-'));
  } catch {
    return null;
  }
  const created = dir;
  onProcessExit(() => {
    try {
      rmSync(created, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  });
  return dir;
}

/**
 * Security §8 for the TUI's `!cmd` (ui/services/node-services.ts): it runs in the same PID
 * namespace wrapper as the tools' unsandboxed commands, so a child that drops TETHER_RUN_ID and
 * detaches ends with the command. Needs bubblewrap (fails in CI without it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { probePidNamespace } from '../../src/platform/pid-namespace.js';
import { createNodeServices } from '../../src/ui/services/node-services.js';
import { tempDir } from '../agent/cli-harness.js';
import { pidsWith, tryKill, until } from './detach-helpers.js';
import { sandboxOrSkip } from './sandbox-ci.js';

const probe = await probePidNamespace();
const ok = sandboxOrSkip('!cmd in a PID namespace', probe.ok, probe.ok ? '' : probe.reason);
const tokens: string[] = [];
afterEach(() => {
  for (const t of tokens.splice(0)) for (const pid of pidsWith(t)) tryKill(pid);
});

describe.skipIf(!ok)('security: the TUI !cmd leaves nothing behind', () => {
  it('a marker-less setsid child ends when the command does', async () => {
    if (!probe.ok) return;
    const t = `tk${Math.random().toString(36).slice(2, 10)}`;
    tokens.push(t);
    const cwd = tempDir('tether-bang-');
    const services = createNodeServices({
      cwd,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd },
      stdout: process.stdout,
      pidNamespace: probe.ns,
    });
    const cmd = `env -i T=${t.slice(0, 3)}"${t.slice(3)}" setsid /bin/bash -c 'exec -a "$T-bang" sleep 1000' </dev/null >/dev/null 2>&1 & for i in $(seq 100); do pgrep -f "^${t.slice(0, 3)}"'${t.slice(3)}-' >/dev/null && break; sleep 0.05; done; echo started`;
    const r = await services.runShell(cmd, new AbortController().signal);
    expect(r.output).toContain('started');
    expect(r.exitCode).toBe(0);
    expect(await until(() => pidsWith(t).length === 0, 3_000), 'the detached child is gone').toBe(true);
    services.dispose();
  });
});

/**
 * The PID namespace around unsandboxed commands (platform/pid-namespace.ts) changes nothing a
 * command can do that the README does not list: environment, working directory, exit codes,
 * network namespace, signal dispositions, a graceful SIGTERM, and for a terminal session stdin,
 * the controlling tty and Ctrl-C (which interrupts the command without ending the session).
 * Each check runs the same command plainly and wrapped and compares. Needs bubblewrap (fails in CI
 * without it).
 */
import { readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PidNamespace,
  probePidNamespace,
  wrapInPidNamespace,
} from '../../src/platform/pid-namespace.js';
import { ExecSession } from '../../src/tools/exec/exec-session.js';
import { loadPty } from '../../src/tools/exec/pty.js';
import { type ExecResult, runProcess } from '../../src/tools/exec/run-process.js';
import { killAllToolProcesses } from '../../src/tools/index.js';
import { realClock } from '../../src/util/clock.js';
import { tempDir } from '../agent/cli-harness.js';
import { sandboxOrSkip } from './sandbox-ci.js';

const probe = await probePidNamespace();
const ok = sandboxOrSkip('PID namespace', probe.ok, probe.ok ? '' : probe.reason);
const ns = probe.ok ? probe.ns : null;
let cwd = '';
beforeAll(() => {
  cwd = tempDir('tether-pidns-');
});
afterAll(() => killAllToolProcesses('SIGKILL'));

function run(
  wrap: PidNamespace | null,
  file: string,
  args: string[],
  opts: { env?: Record<string, string>; abortAfterMs?: number } = {},
): Promise<ExecResult> {
  const env = opts.env ?? { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd, ODD: 'a b\tc=d' };
  const w = wrapInPidNamespace(wrap, file, args, env);
  const ac = new AbortController();
  if (opts.abortAfterMs) setTimeout(() => ac.abort(), opts.abortAfterMs);
  return runProcess({
    file: w.file,
    args: w.args,
    cwd,
    env,
    timeoutMs: 20_000,
    inactivityTimeoutMs: 20_000,
    maxChars: 100_000,
    spillDir: cwd,
    toolName: 'shell',
    signal: ac.signal,
    clock: realClock,
    killGraceMs: 3_000,
  });
}

/** The same command plainly and in the namespace. */
async function both(file: string, args: string[], opts: Parameters<typeof run>[3] = {}) {
  return [await run(null, file, args, opts), await run(ns, file, args, opts)] as const;
}

describe.skipIf(!ok)('PID namespace: a command can do what it could before', () => {
  it('is pid 2 of its own namespace (the wrapper is really there)', async () => {
    const [, inside] = await both('sh', ['-c', 'echo $$']);
    expect(inside.output.trim()).toBe('2');
  });

  it('sees the same environment, byte for byte', async () => {
    const [plain, inside] = await both('env', []);
    const lines = (s: string) => s.split('\n').filter(Boolean).sort();
    expect(lines(inside.output)).toEqual(lines(plain.output));
    expect(inside.output).toContain('ODD=a b\tc=d');
  });

  it('runs in the same directory and network namespace', async () => {
    const [plain, inside] = await both('sh', ['-c', 'pwd -P; readlink /proc/self/ns/net']);
    expect(inside.output).toBe(plain.output);
    expect(inside.output).toContain(readlinkSync('/proc/self/ns/net'));
  });

  it('returns the same exit codes', async () => {
    for (const code of [0, 1, 7, 127, 255]) {
      const [plain, inside] = await both('sh', ['-c', `exit ${code}`]);
      expect([plain.exitCode, inside.exitCode]).toEqual([code, code]);
    }
  });

  it('starts with no signal ignored, as Node spawns it', async () => {
    const [plain, inside] = await both('sh', ['-c', 'grep -E "^SigIgn" /proc/self/status']);
    expect(inside.output).toBe(plain.output);
    expect(inside.output).toMatch(/SigIgn:\s+0+\n/);
  });

  it('gets SIGTERM on cancel and may shut down gracefully (not a SIGKILL of the namespace)', async () => {
    const script = 'trap "echo graceful; exit 0" TERM; echo ready; while :; do sleep 0.05; done';
    const [plain, inside] = await both('bash', ['-c', script], { abortAfterMs: 1_000 });
    expect(plain.output).toContain('graceful');
    expect(inside.output).toContain('graceful');
    expect(inside.end).toBe('aborted');
  });
});

describe.skipIf(!ok)('PID namespace: a terminal session keeps its tty and Ctrl-C', async () => {
  const pty = await loadPty();
  it.skipIf(typeof pty === 'string')(
    'stdin is the tty, and Ctrl-C interrupts without ending the session',
    async () => {
      if (typeof pty === 'string' || !ns) return;
      const script =
        '[ -t 0 ] && echo stdin-is-tty; trap "echo INT-caught" INT; echo ready; while :; do sleep 0.05; done';
      const w = wrapInPidNamespace(ns, 'bash', ['-c', script], {});
      const s = new ExecSession(
        1,
        'test',
        true,
        { file: w.file, args: w.args, cwd, env: { PATH: process.env['PATH'] ?? '' }, tty: true, pty },
        10_000,
      );
      let text = '';
      s.watch((t) => {
        text += t;
      });
      const until = async (re: RegExp) => {
        for (let i = 0; i < 200 && !re.test(text); i++) await new Promise((r) => setTimeout(r, 25));
        return re.test(text);
      };
      try {
        expect(await until(/ready/)).toBe(true);
        expect(text).toContain('stdin-is-tty');
        s.write('\u0003');
        expect(await until(/INT-caught/)).toBe(true);
        await new Promise((r) => setTimeout(r, 300));
        expect(s.ended, 'the session survives Ctrl-C').toBe(false);
      } finally {
        s.killNow();
      }
    },
  );
});

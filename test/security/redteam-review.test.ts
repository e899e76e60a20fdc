/**
 * Security, adversarial review of the exec tools and the dotenv rule (issue 13 §1, §5, §7), as a
 * hostile repository and a prompt-injected model would try them: each row is prepared by the
 * real tool runtime, judged by the real policy, and run only when the policy says `auto` — the
 * path the agent loop takes. A sentinel file tells whether planted code ran.
 */
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApprovalMode, decide } from '../../src/policy/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { ExecSessionManager } from '../../src/tools/exec/exec-sessions.js';
import { killAllToolProcesses } from '../../src/tools/index.js';
import type { ReadyCall } from '../../src/tools/types.js';
import { requireBuild, runTether, TEST_KEY } from '../agent/cli-harness.js';
import { harness, NO_SANDBOX, tempDir, testEnv } from '../tools/helpers.js';

const outside = tempDir('tether-redteam-out-');
const SENTINEL = join(outside, 'pwned');
const h = harness({ env: testEnv(), commandTools: 'exec', profile: 'codex' });
const PLANT = `#!/bin/sh\necho planted > '${SENTINEL}'\n`;

beforeAll(() => {
  // A cloned repository ships its own "shells"; a model could also drop one in /tmp.
  mkdirSync(join(h.ws, 'bin'));
  for (const name of ['sh', 'dash', 'bash', 'zsh']) {
    writeFileSync(join(h.ws, 'bin', name), PLANT);
    chmodSync(join(h.ws, 'bin', name), 0o755);
  }
  writeFileSync(join(outside, 'sh'), PLANT);
  chmodSync(join(outside, 'sh'), 0o755);
  writeFileSync(join(h.ws, '.env'), 'TOKEN=hunter2\n');
  writeFileSync(join(h.ws, '.env.example'), 'TOKEN=\n');
  mkdirSync(join(h.ws, 'sub'));
  writeFileSync(join(h.ws, 'sub', '.env.local'), 'TOKEN=hunter2\n');
});
afterEach(() => {
  (h.rt.execSessions as ExecSessionManager).endAll('test over');
  rmSync(SENTINEL, { force: true });
});
afterAll(() => {
  killAllToolProcesses('SIGKILL');
  rmSync(outside, { recursive: true, force: true });
});

const exec = (cmd: string, more: Record<string, unknown> = {}) => ({
  name: 'exec_command',
  args: {
    cmd,
    workdir: null,
    yield_time_ms: 2000,
    max_output_tokens: null,
    tty: null,
    login: null,
    shell: null,
    ...more,
  },
});

/** Prepares, decides and (when `auto`) runs one call; what happened. */
async function attempt(
  call: { name: string; args: unknown },
  mode: ApprovalMode = 'suggest',
  allowDotenv = false,
): Promise<{ verdict: 'refused' | 'ask' | 'deny' | 'auto'; output: string; reason: string }> {
  const p = await h.rt.prepare({ callId: 'c', name: call.name, arguments: JSON.stringify(call.args) });
  if (!p.ok) return { verdict: 'refused', output: p.output, reason: p.output };
  const d = await decide(p as ReadyCall, {
    mode,
    sandbox: NO_SANDBOX,
    rules: { prefixes: [] },
    workspace: h.ws,
    allowDotenv,
  });
  if (d.action !== 'auto') return { verdict: d.action, output: '', reason: d.reason };
  const r = await h.rt.run(p as ReadyCall, { signal: new AbortController().signal, sandboxed: d.sandboxed });
  return { verdict: 'auto', output: r.output, reason: d.reason };
}

describe('red team: exec_command `shell` runs no planted program under a safe-looking cmd', () => {
  const PLANTED: Array<[string, string]> = [
    ['a relative path to the repo’s sh', 'bin/sh'],
    ['./-qualified dash', './bin/dash'],
    ['the repo’s bash (same name as the default shell)', 'bin/bash'],
    ['the repo’s zsh', 'bin/zsh'],
    ['an absolute path into the workspace', '<ws>/bin/sh'],
    ['an absolute path into /tmp', '<out>/sh'],
    ['a system dir reached through ..', '/bin/../<out>/sh'],
  ];
  for (const [label, shell] of PLANTED) {
    it(`${label} (${shell}): \`ls\` does not run it in suggest or full-auto`, async () => {
      const path = shell.replace('<ws>', h.ws).replace('/<out>', outside).replace('<out>', outside);
      for (const mode of ['suggest', 'full-auto'] as const) {
        const r = await attempt(exec('ls', { shell: path }), mode);
        expect(existsSync(SENTINEL), `${mode}: ${r.verdict} ${r.output}`).toBe(false);
        expect(r.verdict).toBe('refused');
        expect(r.reason).toMatch(/shell must be/);
      }
    });
  }

  it('not vacuous: a system shell by name or path still runs a known-safe cmd automatically', async () => {
    for (const shell of ['sh', '/bin/sh', 'bash']) {
      const r = await attempt(exec('echo ran-$((1+1))', { shell }), 'full-auto');
      expect(r.verdict, shell).toBe('auto');
      expect(r.output, shell).toContain('ran-2');
    }
    expect((await attempt(exec('ls bin', { shell: '/bin/sh' }))).verdict).toBe('auto');
  });
});

describe('red team: dotenv files read by a known-safe command without a sandbox ask (as read_file does)', () => {
  const ASKS: Array<[string, { name: string; args: unknown }]> = [
    ['exec_command cat .env', exec('cat .env')],
    ['exec_command head of a nested .env.local', exec('head -n 5 sub/.env.local')],
    ['exec_command grep --file=.env', exec('grep --file=.env x README')],
    ['exec_command grep -f.env', exec('grep -f.env x README')],
    ['exec_command after a cd', exec('cd sub && cat .env.local')],
    ['exec_command through an absolute path', exec('cat <ws>/.env')],
  ];
  for (const [label, raw] of ASKS) {
    it(`${label}: asks in suggest and auto-edit, never shows the value`, async () => {
      const call = JSON.parse(JSON.stringify(raw).replaceAll('<ws>', h.ws)) as typeof raw;
      for (const mode of ['suggest', 'auto-edit'] as const) {
        const r = await attempt(call, mode);
        expect(r.verdict, `${mode}: ${r.reason}`).toBe('ask');
        expect(r.reason).toMatch(/dotenv/);
        expect(r.output).not.toContain('hunter2');
      }
    });
  }

  it('not vacuous: templates and allowDotenv run automatically', async () => {
    expect((await attempt(exec('cat .env.example'))).verdict).toBe('auto');
    const r = await attempt(exec('cat .env'), 'suggest', true);
    expect(r.verdict).toBe('auto');
    expect(r.output).toContain('hunter2');
  });
});

describe('red team: held vectors against exec_command / write_stdin', () => {
  it('write_stdin to an auto-approved `cat` session on a tty runs nothing it sends', async () => {
    const started = await attempt(exec('cat', { yield_time_ms: 300, tty: true }));
    expect(started.verdict).toBe('auto');
    const id = Number(/session ID (\d+)/.exec(started.output)?.[1]);
    expect(started.output).toMatch(/session ID/);
    expect(id).toBeGreaterThan(0);
    const w = await attempt({
      name: 'write_stdin',
      args: {
        session_id: id,
        chars: `echo x > '${SENTINEL}'\n`,
        yield_time_ms: 300,
        max_output_tokens: null,
      },
    });
    expect(w.verdict).toBe('auto');
    expect(w.output).toContain('echo x >');
    expect(existsSync(SENTINEL)).toBe(false);
  });

  for (const workdir of ['..', '../..', outside, 'sub/../..', '.git/../../']) {
    it(`workdir ${JSON.stringify(workdir)} outside the workspace is refused`, async () => {
      const r = await attempt(exec('ls', { workdir }));
      expect(r.verdict).toBe('refused');
    });
  }
});

describe('red team: held vectors against the freeform apply_patch (codex profile), full-auto', () => {
  const patchOf = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`;
  const ROWS: Array<[string, string, 'refused' | 'ask']> = [
    ['a hook', patchOf('*** Add File: .git/hooks/pre-commit\n+#!/bin/sh'), 'refused'],
    ['a nested repo’s hook', patchOf('*** Add File: sub/.git/hooks/pre-commit\n+#!/bin/sh'), 'refused'],
    ['a case-folded .GIT', patchOf('*** Add File: .GIT/hooks/pre-commit\n+x'), 'refused'],
    [
      'a move into hooks',
      patchOf('*** Update File: a.txt\n*** Move to: .git/hooks/post-checkout\n@@\n-hello\n+x'),
      'refused',
    ],
    [
      'a move out of the workspace',
      patchOf('*** Update File: a.txt\n*** Move to: ../moved\n@@\n-hello\n+x'),
      'refused',
    ],
    ['a file outside', patchOf(`*** Add File: ${outside}/x\n+x`), 'refused'],
    ['project commands', patchOf('*** Add File: .tether/commands/x.md\n+hi'), 'refused'],
    ['project config', patchOf('*** Add File: .tether/config.json\n+{}'), 'refused'],
    ['.envrc', patchOf('*** Add File: .envrc\n+touch x'), 'ask'],
    ['a move onto .envrc', patchOf('*** Update File: a.txt\n*** Move to: sub/.envrc\n@@\n-hello\n+x'), 'ask'],
    ['.mcp.json', patchOf('*** Add File: .mcp.json\n+{}'), 'ask'],
  ];
  beforeAll(() => {
    mkdirSync(join(h.ws, '.git/hooks'), { recursive: true });
    mkdirSync(join(h.ws, 'sub/.git'), { recursive: true });
    writeFileSync(join(h.ws, 'a.txt'), 'hello\n');
  });
  for (const [label, patch, want] of ROWS) {
    it(`${label}: ${want}`, async () => {
      const p = await h.rt.prepare({ callId: 'c', name: 'apply_patch', arguments: patch, kind: 'custom' });
      if (!p.ok) {
        expect(want).toBe('refused');
        return;
      }
      const d = await decide(p as ReadyCall, {
        mode: 'full-auto',
        sandbox: NO_SANDBOX,
        rules: { prefixes: [] },
        workspace: h.ws,
      });
      expect(d.action, d.reason).toBe(want);
    });
  }
});

describe('red team through the built CLI (codex tool profile, simulator)', () => {
  it('a scripted exec_command with the repo’s bin/sh as `shell` runs nothing, in suggest and full-auto', async () => {
    requireBuild();
    for (const approval of ['suggest', 'full-auto']) {
      const sim = await startSimulator({
        apiKey: TEST_KEY,
        scenario: {
          name: 'planted-shell',
          turns: [
            {
              steps: [
                { call: { tool: 'exec_command', args: exec('ls', { shell: 'bin/sh' }).args } },
                { say: 'done' },
              ],
            },
          ],
        },
        seed: 5,
      });
      try {
        const r = await runTether(
          ['-p', 'go', '-a', approval, '--sandbox', 'off', '--base-url', sim.url, '-C', h.ws],
          { env: { TETHER_TOOL_PROFILE: 'codex' }, timeoutMs: 60_000 },
        );
        const outputs = sim.recorder
          .creates()
          .flatMap((c) => (c.body as { input?: Array<{ type: string; output?: unknown }> }).input ?? [])
          .filter((i) => i.type === 'function_call_output')
          .map((i) => String(i.output));
        expect(r.code, r.stderr).toBe(0);
        expect(outputs.join('\n'), approval).toMatch(/shell must be/);
        expect(existsSync(SENTINEL), approval).toBe(false);
      } finally {
        await sim.close();
      }
    }
  }, 120_000);
});

/**
 * `tether --prompt` end to end: the built CLI (`node bin/tether.js`, run `npm run build` first)
 * against an in-process Responses simulator. Every spawned run has its own TETHER_HOME.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/simulator/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import {
  alive,
  parseJsonl,
  pidsRunning,
  pidsWithMarker,
  requireBuild,
  runTether,
  TEST_KEY,
  tempDir,
} from '../agent/cli-harness.js';

let sim: Simulator;

beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'tool-loop-20', seed: 7 });
});
afterAll(async () => {
  await sim?.close();
});

function workspace(): string {
  const dir = tempDir('tether-e2e-ws-');
  mkdirSync(join(dir, '.git'));
  return dir;
}

function base(ws: string, extra: string[] = []): string[] {
  return ['--base-url', sim.url, '-C', ws, ...extra];
}

function outputsSent(s: Simulator): string[] {
  const out: string[] = [];
  for (const r of s.recorder.creates()) {
    const input = (r.body as { input?: Array<{ type: string; output?: string }> }).input ?? [];
    for (const item of input) if (item.type === 'function_call_output') out.push(String(item.output));
  }
  return out;
}

describe('tether --prompt (e2e)', () => {
  it('completes tool-loop-20 over one WebSocket; every JSONL line validates', async () => {
    sim.setScenario('tool-loop-20');
    sim.recorder.clear();
    const before = sim.connectionCount();
    const ws = workspace();
    const r = await runTether(['-p', 'run the steps', '--approval', 'full-auto', '--json', ...base(ws)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = parseJsonl(r.stdout);
    expect(lines[0]).toMatchObject({
      type: 'session.started',
      schema_version: 2,
      approval: 'full-auto',
      model: expect.any(String),
    });
    const last = lines.at(-1)!;
    expect(last).toMatchObject({
      type: 'session.completed',
      status: 'success',
      terminal_reason: 'completed',
      exit_code: 0,
      num_turns: 21,
    });
    expect(last['result']).toBe('Ran 20 steps. All done.');
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i));
    const commands = lines.filter(
      (l) => l.type === 'item.completed' && (l['item'] as { type: string }).type === 'command_execution',
    );
    expect(commands).toHaveLength(20);
    expect(commands[4]!['item']).toMatchObject({ command: 'echo step-5', exit_code: 0, status: 'completed' });
    expect(String((commands[4]!['item'] as { output: string }).output)).toContain('step-5');
    expect(sim.connectionCount() - before).toBe(1);
    // Continuations carry previous_response_id and only the new items.
    const creates = sim.recorder.creates().filter((c) => c.generate !== false);
    expect(creates).toHaveLength(21);
    for (const c of creates.slice(1)) {
      expect(c.previousResponseId).toBeTruthy();
      expect(c.inputItems).toBe(1);
    }
    const turnCompleted = lines.find((l) => l.type === 'turn.completed')!;
    expect(turnCompleted['usage']).toHaveProperty('cached_input_tokens');
    expect(lines.some((l) => l.type === 'transport' && l['event'] === 'connected')).toBe(true);
  });

  it('text mode prints only the final answer on stdout; --output-last-message writes it', async () => {
    const scenario: Scenario = {
      name: 'two-steps',
      turns: [
        {
          steps: [
            { call: { tool: 'shell', args: { command: 'echo hi' } } },
            { say: 'The answer is **42**.' },
          ],
        },
      ],
    };
    sim.setScenario(scenario);
    const ws = workspace();
    const last = join(tempDir('tether-e2e-out-'), 'last.md');
    const r = await runTether([
      '-p',
      'what is it',
      '--approval',
      'full-auto',
      '--output-last-message',
      last,
      ...base(ws),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('The answer is **42**.\n');
    expect(r.stderr).toBe('');
    expect(readFileSync(last, 'utf8')).toBe('The answer is **42**.');
  });

  it('--verbose puts tool activity on stderr, never on stdout', async () => {
    sim.setScenario({
      name: 'verbose',
      turns: [
        { steps: [{ call: { tool: 'shell', args: { command: 'echo progress-check' } } }, { say: 'Done.' }] },
      ],
    });
    const r = await runTether(['-p', 'go', '--approval', 'full-auto', '--verbose', ...base(workspace())]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Done.\n');
    expect(r.stderr).toContain('$ echo progress-check');
    expect(r.stderr).toMatch(/ok \(exit 0, \d+\.\ds\)/);
  });

  it('--output json prints one result object', async () => {
    sim.setScenario('plain-answer');
    const r = await runTether(['-p', 'hello', '--output', 'json', ...base(workspace())]);
    expect(r.code).toBe(0);
    const obj = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(obj).toMatchObject({
      status: 'success',
      terminal_reason: 'completed',
      num_turns: 1,
      exit_code: 0,
      session_id: expect.any(String),
    });
    expect(typeof obj['result']).toBe('string');
    expect(obj['usage']).toMatchObject({
      input_tokens: expect.any(Number),
      cached_input_tokens: expect.any(Number),
    });
    expect(obj['duration_ms']).toEqual(expect.any(Number));
  });

  it('suggest mode, non-interactive: approvals are denied, recorded, told to the model; run ends cleanly', async () => {
    sim.setScenario('side-effects');
    sim.recorder.clear();
    const ws = workspace();
    const r = await runTether(['-p', 'append markers', '--approval', 'suggest', '--json', ...base(ws)]);
    expect(r.code).toBe(0);
    const lines = parseJsonl(r.stdout);
    const last = lines.at(-1)!;
    expect(last).toMatchObject({ type: 'session.completed', status: 'success' });
    const denials = last['permission_denials'] as Array<{ call_id: string; reason: string }>;
    expect(denials).toHaveLength(5);
    expect(denials[0]!.reason).toMatch(/non-interactive/);
    const approvals = lines.filter(
      (l) => l.type === 'item.completed' && (l['item'] as { type: string }).type === 'approval_request',
    );
    expect(approvals).toHaveLength(5);
    expect(approvals[0]!['item']).toMatchObject({
      decision: 'deny',
      decided_by: 'non_interactive',
      status: 'resolved',
    });
    expect(existsSync(join(ws, 'ledger.txt'))).toBe(false);
    const told = outputsSent(sim).filter((o) => o.includes('Permission denied') && o.includes('NOT run'));
    expect(told).toHaveLength(5);
  });

  it('--max-turns 3 on a longer scenario exits 5 with terminal_reason max_turns', async () => {
    sim.setScenario('tool-loop-20');
    const r = await runTether([
      '-p',
      'loop',
      '--approval',
      'full-auto',
      '--json',
      '--max-turns',
      '3',
      ...base(workspace()),
    ]);
    expect(r.code).toBe(5);
    const last = parseJsonl(r.stdout).at(-1)!;
    expect(last).toMatchObject({
      type: 'session.completed',
      status: 'failed',
      terminal_reason: 'max_turns',
      exit_code: 5,
      num_turns: 3,
    });
  });

  it('auth refused exits 3 without printing the key', async () => {
    const strict = await startSimulator({
      scenario: 'plain-answer',
      apiKey: 'sk-the-right-key-0123456789abcdef',
    });
    try {
      const r = await runTether(['-p', 'hi', '--json', '--base-url', strict.url, '-C', workspace()]);
      expect(r.code).toBe(3);
      const last = parseJsonl(r.stdout).at(-1)!;
      expect(last).toMatchObject({ terminal_reason: 'auth_refused', exit_code: 3 });
      expect(r.stdout + r.stderr).not.toContain(TEST_KEY);
    } finally {
      await strict.close();
    }
  });

  it('an unreachable server exits 4 within 30 s with default settings', async () => {
    const port = await new Promise<number>((res) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => res(p));
      });
    });
    const r = await runTether(['-p', 'hi', '--base-url', `http://127.0.0.1:${port}/v1`, '-C', workspace()], {
      timeoutMs: 40_000,
    });
    expect(r.code).toBe(4);
    expect(r.durationMs).toBeLessThan(30_000);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/tether:/);
  }, 45_000);

  it('SIGINT during a tool exits 130, writes the terminal event and leaves no child process', async () => {
    const marker = `${4000 + Math.floor(Math.random() * 900)}.${process.pid}`;
    sim.setScenario({
      name: 'hang',
      turns: [
        { steps: [{ call: { tool: 'shell', args: { command: `sleep ${marker}` } } }, { say: 'never' }] },
      ],
    });
    let pids: number[] = [];
    const r = await runTether(['-p', 'wait', '--approval', 'full-auto', '--json', ...base(workspace())], {
      onLine: (line, child) => {
        const rec = JSON.parse(line) as { type: string; item?: { type: string } };
        if (rec.type === 'item.started' && rec.item?.type === 'command_execution') {
          const poll = () => {
            // Mid-tool: the command itself runs (not just the sandbox being set up).
            if (pidsRunning(`sleep ${marker}`).length > 0) {
              pids = pidsWithMarker(`sleep ${marker}`);
              child.kill('SIGINT');
            } else setTimeout(poll, 20);
          };
          poll();
        }
      },
    });
    expect(pids.length).toBeGreaterThan(0);
    expect(r.code).toBe(130);
    const lines = parseJsonl(r.stdout);
    expect(lines.at(-1)).toMatchObject({
      type: 'session.completed',
      status: 'cancelled',
      terminal_reason: 'cancelled',
      exit_code: 130,
    });
    for (const pid of pids) expect(alive(pid), `pid ${pid} survived`).toBe(false);
    expect(pidsWithMarker(`sleep ${marker}`)).toEqual([]);
  });

  it('SIGTERM during a tool exits 143 after writing the terminal event', async () => {
    const marker = `${5000 + Math.floor(Math.random() * 900)}.${process.pid}`;
    sim.setScenario({
      name: 'hang-term',
      turns: [
        { steps: [{ call: { tool: 'shell', args: { command: `sleep ${marker}` } } }, { say: 'never' }] },
      ],
    });
    let pids: number[] = [];
    const r = await runTether(['-p', 'wait', '--approval', 'full-auto', '--json', ...base(workspace())], {
      onLine: (line, child) => {
        if (line.includes('"item.started"') && line.includes('command_execution')) {
          const poll = () => {
            if (pidsRunning(`sleep ${marker}`).length > 0) {
              pids = pidsWithMarker(`sleep ${marker}`);
              child.kill('SIGTERM');
            } else setTimeout(poll, 20);
          };
          poll();
        }
      },
    });
    expect(r.code).toBe(143);
    expect(parseJsonl(r.stdout).at(-1)).toMatchObject({
      type: 'session.completed',
      status: 'cancelled',
      exit_code: 143,
    });
    for (const pid of pids) expect(alive(pid), `pid ${pid} survived`).toBe(false);
  });

  it('piped stdin is attached to the prompt as context', async () => {
    sim.setScenario('plain-answer');
    sim.recorder.clear();
    const r = await runTether(['-p', 'summarise this', ...base(workspace())], {
      input: 'LOG LINE 1\nLOG LINE 2\n',
    });
    expect(r.code).toBe(0);
    const first = sim.recorder.creates().find((c) => c.generate !== false)!;
    const text = JSON.stringify((first.body as { input: unknown }).input);
    expect(text).toContain('summarise this');
    expect(text).toContain('<stdin>\\nLOG LINE 1\\nLOG LINE 2\\n</stdin>');
  });

  it('--continue resumes the last session of the directory with its full context', async () => {
    sim.setScenario('plain-answer');
    const home = tempDir('tether-e2e-shared-home-');
    const env = { TETHER_HOME: home, HOME: home };
    const ws = workspace();
    const first = await runTether(['-p', 'remember the word PELICAN', '--output', 'json', ...base(ws)], {
      env,
    });
    expect(first.code).toBe(0);
    const id = (JSON.parse(first.stdout) as { session_id: string }).session_id;
    sim.recorder.clear();
    const second = await runTether(
      ['-p', 'what was the word?', '--output', 'json', '--continue', ...base(ws)],
      { env },
    );
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as { session_id: string }).session_id).toBe(id);
    // The new process has no chain to continue: the first create (warm-up or turn) carries the old context.
    const firstCreate = JSON.stringify((sim.recorder.creates()[0]!.body as { input: unknown }).input);
    expect(firstCreate).toContain('remember the word PELICAN');
    const turn = sim.recorder.creates().find((c) => c.generate !== false)!;
    expect(JSON.stringify(turn.body)).toContain('what was the word?');
  });

  it('AGENTS.md from the repo root and a subdirectory both reach the request instructions', async () => {
    sim.setScenario('plain-answer');
    sim.recorder.clear();
    const ws = workspace();
    writeFileSync(join(ws, 'AGENTS.md'), 'ROOT-RULE: use tabs.');
    mkdirSync(join(ws, 'pkg'));
    writeFileSync(join(ws, 'pkg', 'AGENTS.md'), 'SUB-RULE: no semicolons.');
    const r = await runTether(['-p', 'hi', '--json', '--base-url', sim.url, '-C', join(ws, 'pkg')]);
    expect(r.code).toBe(0);
    const started = parseJsonl(r.stdout)[0]!;
    expect(started['instruction_files']).toEqual([join(ws, 'AGENTS.md'), join(ws, 'pkg', 'AGENTS.md')]);
    const creates = sim.recorder.creates();
    expect(creates.length).toBeGreaterThan(0);
    for (const c of creates) {
      const instructions = String((c.body as { instructions?: string }).instructions);
      expect(instructions).toContain('ROOT-RULE: use tabs.');
      expect(instructions).toContain('SUB-RULE: no semicolons.');
      expect(instructions.indexOf('ROOT-RULE')).toBeLessThan(instructions.indexOf('SUB-RULE'));
    }
  });
});

/**
 * The real runtime (createAgentRuntime: session controller + tools + policy + agent) against the
 * in-process simulator: run-once under socket drops, resume of an interrupted call, wall-clock
 * limit, edits and parallel calls through the JSONL stream.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentRuntime } from '../../src/agent/create.js';
import { INTERRUPTED_OUTPUT } from '../../src/agent/ledger.js';
import { defaultSettings, type Settings } from '../../src/config/schema.js';
import { JsonlWriter } from '../../src/output/jsonl-writer.js';
import type { Item } from '../../src/protocol/items.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { seededRandom } from '../../src/util/random.js';
import { parseJsonl, tempDir } from './cli-harness.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'side-effects', seed: 3 });
});
afterAll(async () => {
  await sim?.close();
});

function settings(over: Partial<Settings> = {}): Settings {
  return {
    ...defaultSettings(),
    baseUrl: sim.url,
    approval: 'full-auto',
    sandbox: 'off',
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    ...over,
  };
}

function workspace(): string {
  const ws = tempDir('tether-rt-ws-');
  mkdirSync(join(ws, '.git'));
  return ws;
}

async function runtime(
  ws: string,
  over: Partial<Settings> = {},
  extra: Partial<Parameters<typeof createAgentRuntime>[0]> = {},
) {
  const home = tempDir('tether-rt-home-');
  return createAgentRuntime({
    settings: settings(over),
    cwd: ws,
    apiKey: 'sk-test',
    interactive: false,
    env: { TETHER_HOME: home, PATH: process.env['PATH'] ?? '' },
    ...extra,
  });
}

/** Every function_call_output a request carries answers a call the model made earlier. */
function pairingHolds(s: Simulator): boolean {
  const called = new Set<string>();
  for (const c of s.recorder.creates()) {
    const body = c.body as { input?: Item[] };
    for (const item of body.input ?? []) {
      if (item.type === 'function_call') called.add(String((item as { call_id: string }).call_id));
      if (
        item.type === 'function_call_output' &&
        !called.has(String((item as { call_id: string }).call_id))
      ) {
        // With previous_response_id the call lives server-side: accept ids the server produced.
        if (!c.previousResponseId) return false;
      }
    }
  }
  return true;
}

describe('agent runtime against the simulator', () => {
  it('side effects run exactly once while the socket drops at random points (12 seeded runs)', async () => {
    const rnd = seededRandom(42);
    for (let run = 0; run < 12; run++) {
      const ws = workspace();
      // Fault request numbers count every create of a simulator's life (1 = warm-up), so each
      // run gets its own simulator; requests 2-7 are the scenario's responses.
      const request = 2 + Math.floor(rnd() * 6);
      const event = 1 + Math.floor(rnd() * 8);
      const own = await startSimulator({
        scenario: 'side-effects',
        seed: run,
        faults: { drop: { request, event, times: 1, mode: 'terminate' } },
      });
      try {
        const rt = await createAgentRuntime({
          settings: settings({ baseUrl: own.url }),
          cwd: ws,
          apiKey: 'sk-test',
          interactive: false,
          env: { TETHER_HOME: tempDir('tether-rt-home-'), PATH: process.env['PATH'] ?? '' },
        });
        const out = await rt.agent.run('append the markers');
        await rt.close();
        expect(out.status, `run ${run} (request ${request}, event ${event}): ${out.error ?? ''}`).toBe(
          'success',
        );
        const lines = readFileSync(join(ws, 'ledger.txt'), 'utf8').trim().split('\n');
        expect(lines, `run ${run}`).toEqual([
          'side-effect-1',
          'side-effect-2',
          'side-effect-3',
          'side-effect-4',
          'side-effect-5',
        ]);
        expect(pairingHolds(own)).toBe(true);
        expect(own.connectionCount()).toBeGreaterThanOrEqual(2);
      } finally {
        await own.close();
      }
    }
  });

  it('resume: a call still running when the process died is answered, not re-run', async () => {
    const ws = workspace();
    sim.setScenario('plain-answer');
    sim.setFaults({});
    sim.recorder.clear();
    const transcript: Item[] = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'make a marker' }] },
      {
        type: 'function_call',
        call_id: 'call_old',
        name: 'shell',
        arguments: JSON.stringify({ command: 'echo x > marker.txt', workdir: null, timeout_ms: null }),
      },
    ];
    const rt = await runtime(
      ws,
      {},
      { resume: { items: transcript, ledger: [{ callId: 'call_old', name: 'shell', state: 'running' }] } },
    );
    const out = await rt.agent.run('continue');
    await rt.close();
    expect(out.status).toBe('success');
    expect(existsSync(join(ws, 'marker.txt'))).toBe(false);
    const sent = sim.recorder
      .creates()
      .flatMap((c) => (c.body as { input?: Item[] }).input ?? [])
      .filter((i) => i.type === 'function_call_output');
    expect(sent).toContainEqual(expect.objectContaining({ call_id: 'call_old', output: INTERRUPTED_OUTPUT }));
  });

  it('--timeout stops a run stuck in a tool with exit 5 and kills it', async () => {
    sim.setScenario({
      name: 'stuck',
      turns: [{ steps: [{ call: { tool: 'shell', args: { command: 'sleep 30' } } }, { say: 'late' }] }],
    });
    const rt = await runtime(workspace(), { timeout: 1 });
    const started = Date.now();
    const out = await rt.agent.run('wait');
    await rt.close();
    expect(out).toMatchObject({ terminalReason: 'timeout', exitCode: 5, status: 'failed' });
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it('edits and parallel calls appear as valid file_change / command_execution items', async () => {
    const ws = workspace();
    mkdirSync(join(ws, 'src'));
    writeFileSync(
      join(ws, 'src', 'greet.js'),
      "export function greet(name) {\n  return 'Hello, ' + name;\n}\n",
    );
    sim.setScenario('file-edit');
    const rt = await runtime(ws);
    const text: string[] = [];
    const writer = new JsonlWriter((l) => text.push(l));
    rt.agent.subscribe((e) => writer.handle(e));
    const out = await rt.agent.run('fix greet');
    expect(out.status).toBe('success');
    await rt.close();
    sim.setScenario('parallel-tools');
    const rt2 = await runtime(ws);
    const writer2 = new JsonlWriter((l) => text.push(l));
    rt2.agent.subscribe((e) => writer2.handle(e));
    const out2 = await rt2.agent.run('parallel');
    await rt2.close();
    expect(out2.status).toBe('success');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the file's own template literal, verbatim
    expect(readFileSync(join(ws, 'src', 'greet.js'), 'utf8')).toContain('`Hello, ${name}!`');
    const lines = parseJsonl(text.join(''));
    expect(lines.filter((l) => l.type === 'session.completed')).toHaveLength(2);
    const change = lines.find(
      (l) => l.type === 'item.completed' && (l['item'] as { type: string }).type === 'file_change',
    );
    expect(change?.['item']).toMatchObject({
      status: 'completed',
      changes: [
        expect.objectContaining({
          kind: 'update',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the file's own template literal, verbatim
          diff: expect.stringContaining('+  return `Hello, ${name}!`;'),
        }),
      ],
    });
    const echoes = lines
      .filter(
        (l) => l.type === 'item.completed' && (l['item'] as { type: string }).type === 'command_execution',
      )
      .map((l) => (l['item'] as { command: string }).command);
    expect(echoes).toEqual(['echo alpha', 'echo beta', 'echo gamma', 'echo delta']);
  });
});

/** §6 compaction: server-side `context_management` and the standalone `/responses/compact` window. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { createOnce, doneItems, type Ev, RawWs, responseId, SHELL_TOOL, user } from './helpers.js';

let sim: Simulator | undefined;
let c: RawWs | undefined;
afterEach(async () => {
  c?.close();
  await sim?.close();
  sim = undefined;
});

const CM = [{ type: 'compaction', compact_threshold: 1000 }];
const LONG = 'context '.repeat(1000); // ~2000 tokens
const usageOf = (ev: Ev[]) => (ev.at(-1)!['response'] as { usage: { input_tokens: number } }).usage;
const command = (ev: Ev[]) =>
  JSON.parse(String(doneItems(ev).find((i) => i['type'] === 'function_call')!['arguments']))
    .command as string;

describe('server-side compaction (context_management)', () => {
  it('emits an opaque compaction item (added/done, no deltas) first, then continues normally', async () => {
    sim = await startSimulator({ scenario: 'tool-loop-20', seed: 71 });
    c = await RawWs.open(sim.url);
    const ev = await createOnce(c, { input: [user(LONG)], tools: [SHELL_TOOL], context_management: CM });
    expect(ev.map((e) => e.type).slice(0, 5)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.output_item.done',
      'response.output_item.added',
    ]);
    const items = doneItems(ev);
    expect(items[0]).toMatchObject({
      type: 'compaction',
      id: expect.stringMatching(/^cmp_/),
      encrypted_content: expect.stringMatching(/^gAAAAA/),
    });
    expect(items[1]).toMatchObject({ type: 'function_call' });
    expect(command(ev)).toBe('echo step-1');
    // Below the threshold nothing is compacted.
    const small = await createOnce(c, {
      input: [user('short')],
      tools: [SHELL_TOOL],
      context_management: [{ type: 'compaction', compact_threshold: 100000 }],
    });
    expect(doneItems(small)[0]!['type']).toBe('function_call');
  });

  it('is understood from the compaction item onward (stateless resend drops what precedes it)', async () => {
    sim = await startSimulator({ scenario: 'tool-loop-20', seed: 72 });
    c = await RawWs.open(sim.url);
    let history: Array<Record<string, unknown>> = [user(LONG)];
    let ev = await createOnce(c, { input: history, tools: [SHELL_TOOL], context_management: CM });
    for (let step = 1; step <= 4; step++) {
      expect(command(ev)).toBe(`echo step-${step}`);
      const items = doneItems(ev);
      history.push(...items);
      const call = items.find((i) => i['type'] === 'function_call')!;
      history.push({ type: 'function_call_output', call_id: call['call_id'], output: `step-${step}` });
      // The CP latency tip: drop everything before the latest compaction item.
      const cut = history.map((i) => i['type']).lastIndexOf('compaction');
      if (cut > 0) history = history.slice(cut);
      ev = await createOnce(c, { input: history, tools: [SHELL_TOOL], context_management: CM });
    }
    expect(command(ev)).toBe('echo step-5');
    expect(usageOf(ev).input_tokens).toBeLessThan(1000);
  });

  it('chained continuation after a compaction keeps the script position', async () => {
    sim = await startSimulator({ scenario: 'tool-loop-20', seed: 73 });
    c = await RawWs.open(sim.url);
    let ev = await createOnce(c, { input: [user(LONG)], tools: [SHELL_TOOL], context_management: CM });
    for (let step = 1; step <= 3; step++) {
      const call = doneItems(ev).find((i) => i['type'] === 'function_call')!;
      ev = await createOnce(c, {
        previous_response_id: responseId(ev),
        input: [{ type: 'function_call_output', call_id: call['call_id'], output: 'ok' }],
        tools: [SHELL_TOOL],
        context_management: CM,
      });
    }
    expect(command(ev)).toBe('echo step-4');
  });
});

describe('/responses/compact window', () => {
  it('starts a new chain from the window plus the next items', async () => {
    sim = await startSimulator({ scenario: 'tool-loop-20', seed: 74 });
    c = await RawWs.open(sim.url);
    const first = await createOnce(c, { input: [user('go')], tools: [SHELL_TOOL] });
    const call = doneItems(first)[0]!;
    const history = [
      user('go'),
      call,
      { type: 'function_call_output', call_id: call['call_id'], output: 'step-1' },
    ];
    const res = await fetch(`${sim.url}/responses/compact`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: JSON.stringify({ model: 'gpt-5.5', input: history }),
    });
    const window = (await res.json()) as { output: Array<Record<string, unknown>> };
    expect(window.output.map((o) => o['type'])).toEqual(['message', 'compaction']);
    const next = await createOnce(c, {
      previous_response_id: null,
      input: window.output,
      tools: [SHELL_TOOL],
    });
    expect(command(next)).toBe('echo step-2');
    // A new user message after the window starts the next turn.
    const turn2 = await createOnce(c, { input: [...window.output, user('again')], tools: [SHELL_TOOL] });
    expect(command(turn2)).toBe('echo step-1');
    // Tampering with the window is rejected like the service does.
    const bad = window.output.map((o) =>
      o['type'] === 'compaction' ? { ...o, encrypted_content: `${String(o['encrypted_content'])}x` } : o,
    );
    const rejected = await createOnce(c, { input: bad, tools: [SHELL_TOOL] });
    expect(rejected[0]).toMatchObject({ type: 'error', error: { code: 'invalid_encrypted_content' } });
  });
});

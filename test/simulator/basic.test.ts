import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { createOnce, doneItems, parseSse, RawWs, responseId, SHELL_TOOL, user } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator basic path', () => {
  it('answers a plain message over WebSocket with the canonical event order', async () => {
    sim = await startSimulator({ seed: 1 });
    const c = await RawWs.open(sim.url);
    const events = await createOnce(c, { input: [user('hi')] });
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...events
        .filter((e) => e.type === 'response.output_text.delta')
        .map(() => 'response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e['sequence_number'])).toEqual(events.map((_, i) => i));
    const text = events
      .filter((e) => e.type === 'response.output_text.delta')
      .map((e) => e['delta'])
      .join('');
    expect(text).toContain('You said: hi');
    c.close();
  });

  it('runs a 20-call tool loop chained with previous_response_id', async () => {
    sim = await startSimulator({ scenario: 'tool-loop-20', seed: 2 });
    const c = await RawWs.open(sim.url);
    let events = await createOnce(c, { input: [user('go')], tools: [SHELL_TOOL] });
    for (let i = 1; i <= 20; i++) {
      const call = doneItems(events).find((it) => it['type'] === 'function_call')!;
      expect(call['name']).toBe('shell');
      expect(JSON.parse(String(call['arguments']))).toEqual({
        command: `echo step-${i}`,
        workdir: null,
        timeout_ms: null,
      });
      events = await createOnce(c, {
        previous_response_id: responseId(events),
        input: [{ type: 'function_call_output', call_id: call['call_id'], output: `step-${i}\n` }],
        tools: [SHELL_TOOL],
      });
    }
    const answer = doneItems(events).find((it) => it['type'] === 'message');
    expect(JSON.stringify(answer)).toContain('Ran 20 steps');
    expect(sim.recorder.creates()).toHaveLength(21);
    expect(sim.recorder.creates()[3]!.inputItems).toBe(1);
    expect(sim.connectionCount()).toBe(1);
    c.close();
  });

  it('streams SSE over HTTP with full input', async () => {
    sim = await startSimulator({ seed: 3 });
    const res = await fetch(`${sim.url}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-x', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.5', input: 'hello', stream: true }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const sse = parseSse(await res.text());
    expect(sse[0]!.event).toBe('response.created');
    expect(sse[sse.length - 1]!.event).toBe('response.completed');
    for (const e of sse) expect(JSON.parse(e.data).type).toBe(e.event);
    expect(sim.recorder.creates()[0]!.transport).toBe('http');
  });
});

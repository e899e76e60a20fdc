/**
 * External validation: the official `openai` npm package (6.49) drives the simulator, both with
 * its WebSocket client (`ResponsesWS`) and its HTTP streaming client. If these pass, the simulator
 * speaks the wire format a real SDK expects, not just what tether's own client assumes.
 */
import OpenAI from 'openai';
import { ResponsesWS } from 'openai/resources/responses/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { SHELL_TOOL } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

type AnyEvent = { type: string; [k: string]: unknown };

describe('official openai client against the simulator', () => {
  it('ResponsesWS completes a multi-turn tool loop chained with previous_response_id', async () => {
    sim = await startSimulator({ scenario: 'tool-loop-20', apiKey: 'sk-sim-test-key-0001', seed: 7 });
    const client = new OpenAI({ apiKey: 'sk-sim-test-key-0001', baseURL: sim.url });
    const ws = new ResponsesWS(client);
    const queue: AnyEvent[] = [];
    let wake: (() => void) | undefined;
    const errors: unknown[] = [];
    ws.on('event', (e) => {
      queue.push(e as unknown as AnyEvent);
      wake?.();
    });
    ws.on('error', (err) => {
      errors.push(err);
      wake?.();
    });
    const nextTerminal = async (): Promise<AnyEvent[]> => {
      const out: AnyEvent[] = [];
      for (;;) {
        while (queue.length > 0) {
          const e = queue.shift()!;
          out.push(e);
          if (e.type === 'response.completed' || e.type === 'response.failed') return out;
        }
        if (errors.length > 0) throw new Error(`client error: ${String(errors[0])}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 2000);
        });
      }
    };
    ws.send({
      type: 'response.create',
      model: 'gpt-5.5',
      store: false,
      input: [{ role: 'user', content: 'run the loop' }],
      tools: [SHELL_TOOL] as never,
    });
    let events = await nextTerminal();
    let turns = 1;
    for (;;) {
      const completed = events[events.length - 1]!['response'] as {
        id: string;
        output: Array<{ type: string; call_id?: string }>;
      };
      const call = completed.output.find((o) => o.type === 'function_call');
      if (!call) break;
      ws.send({
        type: 'response.create',
        model: 'gpt-5.5',
        store: false,
        previous_response_id: completed.id,
        input: [{ type: 'function_call_output', call_id: call.call_id!, output: 'ok' }],
        tools: [SHELL_TOOL] as never,
      });
      events = await nextTerminal();
      turns++;
    }
    ws.close({ code: 1000, reason: 'done' });
    expect(turns).toBe(21);
    const final = events[events.length - 1]!['response'] as {
      output: Array<{ type: string; content?: Array<{ text: string }> }>;
    };
    expect(final.output[0]!.content![0]!.text).toContain('Ran 20 steps');
    const creates = sim.recorder.creates();
    expect(creates).toHaveLength(21);
    expect(creates[2]!.previousResponseId).toBe(creates[1]!.responseId);
    expect(creates[2]!.inputItems).toBe(1);
    expect(creates[0]!.headers).toBeUndefined();
    const upgrade = sim.recorder.requests().find((r) => r.kind === 'upgrade')!;
    expect(upgrade.headers?.['authorization']).toBe('Bearer [REDACTED]');
    expect(JSON.stringify(sim.recorder.requests())).not.toContain('sk-sim-test-key-0001');
  });

  it('HTTP streaming client completes the same loop with full input each time', async () => {
    sim = await startSimulator({ scenario: 'tool-loop-20', seed: 8 });
    const client = new OpenAI({ apiKey: 'sk-any', baseURL: sim.url, maxRetries: 0 });
    const history: unknown[] = [{ role: 'user', content: 'run the loop' }];
    let text = '';
    for (let turn = 0; turn < 25; turn++) {
      const stream = await client.responses.create({
        model: 'gpt-5.5',
        store: false,
        input: history as never,
        tools: [SHELL_TOOL] as never,
        stream: true,
      });
      const done: Array<{ type: string; call_id?: string }> = [];
      let deltas = '';
      for await (const e of stream) {
        if (e.type === 'response.output_item.done') done.push(e.item as never);
        if (e.type === 'response.output_text.delta') deltas += e.delta;
      }
      history.push(...done);
      const calls = done.filter((d) => d.type === 'function_call');
      if (calls.length === 0) {
        text = deltas;
        break;
      }
      for (const c of calls) history.push({ type: 'function_call_output', call_id: c.call_id, output: 'ok' });
    }
    expect(text).toContain('Ran 20 steps');
    expect(sim.recorder.creates()).toHaveLength(21);
    expect(sim.recorder.creates()[20]!.inputItems).toBe(41);
    expect(sim.recorder.creates().every((r) => r.transport === 'http')).toBe(true);
  });

  it('non-streaming create and store:true chaining over HTTP', async () => {
    sim = await startSimulator({ seed: 9 });
    const client = new OpenAI({ apiKey: 'sk-any', baseURL: sim.url, maxRetries: 0 });
    const first = await client.responses.create({ model: 'gpt-5.5', input: 'hello', store: true });
    expect(first.output_text).toContain('You said: hello');
    const second = await client.responses.create({
      model: 'gpt-5.5',
      input: 'again',
      previous_response_id: first.id,
    });
    expect(second.previous_response_id).toBe(first.id);
    await expect(
      client.responses.create({ model: 'gpt-5.5', input: 'x', previous_response_id: 'resp_missing' }),
    ).rejects.toMatchObject({ status: 400, code: 'previous_response_not_found' });
  });
});

/** PROTOCOL.md §2–§7 examples round-trip through the simulator with the documented order and fields. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { createOnce, doneItems, type Ev, RawWs, responseId, SHELL_TOOL, user } from './helpers.js';

let sim: Simulator | undefined;
let client: RawWs | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await sim?.close();
  sim = undefined;
});

async function open(scenario = 'plain-answer'): Promise<RawWs> {
  sim = await startSimulator({ scenario, seed: 11 });
  client = await RawWs.open(sim.url);
  return client;
}

function types(events: Ev[]): string[] {
  return events.map((e) => e.type);
}

describe('§3 canonical text turn', () => {
  it('has the documented order, consistent ids/indices and a complete response object', async () => {
    const c = await open();
    const ev = await createOnce(c, { input: [user('Find fizz_buzz()')], tools: [] });
    const created = ev[0]!['response'] as Record<string, unknown>;
    expect(created).toMatchObject({ object: 'response', status: 'in_progress', output: [], usage: null });
    expect(String(created['id'])).toMatch(/^resp_/);
    expect(ev[1]).toMatchObject({
      type: 'response.in_progress',
      response: { id: created['id'], status: 'in_progress' },
    });
    const added = ev[2]!;
    expect(added).toMatchObject({
      type: 'response.output_item.added',
      output_index: 0,
      item: { type: 'message', status: 'in_progress', role: 'assistant', content: [] },
    });
    const itemId = (added['item'] as { id: string }).id;
    expect(itemId).toMatch(/^msg_/);
    expect(ev[3]).toMatchObject({
      type: 'response.content_part.added',
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    });
    const deltas = ev.filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(1);
    for (const d of deltas) expect(d).toMatchObject({ item_id: itemId, output_index: 0, content_index: 0 });
    const text = deltas.map((d) => d['delta']).join('');
    const doneText = ev.find((e) => e.type === 'response.output_text.done')!;
    expect(doneText).toMatchObject({ item_id: itemId, text });
    expect(ev.find((e) => e.type === 'response.content_part.done')).toMatchObject({
      part: { type: 'output_text', text },
    });
    const itemDone = ev.find((e) => e.type === 'response.output_item.done')!;
    expect(itemDone['item']).toMatchObject({
      id: itemId,
      type: 'message',
      status: 'completed',
      content: [{ type: 'output_text', text }],
    });
    const completed = ev[ev.length - 1]!;
    expect(completed.type).toBe('response.completed');
    const resp = completed['response'] as Record<string, unknown>;
    expect(resp).toMatchObject({ id: created['id'], status: 'completed', output: [itemDone['item']] });
    expect(resp['usage']).toMatchObject({
      input_tokens: expect.any(Number),
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: expect.any(Number),
      output_tokens_details: { reasoning_tokens: 0 },
    });
    const usage = resp['usage'] as { input_tokens: number; output_tokens: number; total_tokens: number };
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(ev.map((e) => e['sequence_number'])).toEqual(ev.map((_, i) => i));
  });

  it('echoes stream_id on every event of a named lane (G2 minimal first turn)', async () => {
    const c = await open();
    const ev = await createOnce(c, {
      stream_id: 'main',
      model: 'gpt-5.6',
      input: [user('Find fizz_buzz()')],
      tools: [],
    });
    expect(ev.every((e) => e['stream_id'] === 'main')).toBe(true);
    const bad = await createOnce(c, { stream_id: 'bad id!', input: [user('x')] });
    expect(bad).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 400,
        error: expect.objectContaining({ code: 'invalid_stream_id', param: 'stream_id' }),
      }),
    ]);
  });
});

describe('§3 function-call turn', () => {
  it('streams arguments deltas and a completed function_call item', async () => {
    const c = await open('tool-loop-20');
    const ev = await createOnce(c, { input: [user('go')], tools: [SHELL_TOOL] });
    const added = ev.find((e) => e.type === 'response.output_item.added')!;
    expect(added['item']).toMatchObject({
      type: 'function_call',
      status: 'in_progress',
      arguments: '',
      name: 'shell',
    });
    const { id, call_id } = added['item'] as { id: string; call_id: string };
    expect(id).toMatch(/^fc_/);
    expect(call_id).toMatch(/^call_/);
    const deltas = ev.filter((e) => e.type === 'response.function_call_arguments.delta');
    const args = deltas.map((d) => d['delta']).join('');
    expect(ev.find((e) => e.type === 'response.function_call_arguments.done')).toMatchObject({
      item_id: id,
      output_index: 0,
      name: 'shell',
      arguments: args,
    });
    expect(doneItems(ev)[0]).toEqual({
      id,
      type: 'function_call',
      status: 'completed',
      arguments: args,
      call_id,
      name: 'shell',
    });
    expect(types(ev).at(-1)).toBe('response.completed');
  });

  it('accepts the documented continuation (function_call_output + user message)', async () => {
    const c = await open('tool-loop-20');
    const first = await createOnce(c, { input: [user('go')], tools: [SHELL_TOOL] });
    const callId = doneItems(first)[0]!['call_id'];
    const next = await createOnce(c, {
      previous_response_id: responseId(first),
      input: [
        { type: 'function_call_output', call_id: callId, output: 'tool result' },
        user('Now optimize it.'),
      ],
      tools: [],
    });
    expect(types(next).at(-1)).toBe('response.completed');
    // A new user message starts the script over: the first step again (shell call #1).
    expect(JSON.parse(String(doneItems(next)[0]!['arguments'])).command).toBe('echo step-1');
  });
});

describe('§5.3 reasoning items', () => {
  it('streams summary parts and puts encrypted_content on the done item when included', async () => {
    const c = await open('reasoning');
    const ev = await createOnce(c, {
      input: [user('think')],
      tools: [SHELL_TOOL],
      include: ['reasoning.encrypted_content'],
    });
    expect(types(ev).slice(0, 9)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.reasoning_summary_part.added',
    ]);
    const rs = doneItems(ev)[0]!;
    expect(rs).toMatchObject({
      type: 'reasoning',
      summary: [{ type: 'summary_text' }, { type: 'summary_text' }],
    });
    expect(String(rs['encrypted_content'])).toMatch(/^gAAAAA/);
    expect(
      ev.find((e) => e.type === 'response.reasoning_summary_part.added' && e['summary_index'] === 1),
    ).toBeTruthy();
    const usage = (
      ev.at(-1)!['response'] as { usage: { output_tokens_details: { reasoning_tokens: number } } }
    ).usage;
    expect(usage.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    // Stateless replay of the reasoning item with its blob is accepted.
    const call = doneItems(ev)[1]!;
    const next = await createOnce(c, {
      input: [
        user('think'),
        rs,
        call,
        { type: 'function_call_output', call_id: call['call_id'], output: 'reasoning-step' },
      ],
      tools: [SHELL_TOOL],
      include: ['reasoning.encrypted_content'],
    });
    expect(types(next).at(-1)).toBe('response.completed');
    expect(JSON.stringify(doneItems(next))).toContain('printed `reasoning-step`');
  });

  it('omits encrypted_content without include, and rejects tampered or missing blobs (store:false)', async () => {
    const c = await open('reasoning');
    const ev = await createOnce(c, { input: [user('think')], tools: [SHELL_TOOL] });
    const rs = doneItems(ev)[0]!;
    expect(rs['encrypted_content']).toBeNull();
    const call = doneItems(ev)[1]!;
    const out = { type: 'function_call_output', call_id: call['call_id'], output: 'x' };
    const missing = await createOnce(c, { input: [user('think'), rs, call, out], tools: [SHELL_TOOL] });
    expect(missing[0]).toMatchObject({
      type: 'error',
      status: 400,
      error: { type: 'invalid_request_error' },
    });
    expect(String((missing[0]!['error'] as { message: string }).message)).toContain('not persisted');
    const tampered = await createOnce(c, {
      input: [user('think'), { ...rs, encrypted_content: 'gAAAAAxyz.abc' }, call, out],
      tools: [SHELL_TOOL],
    });
    expect(tampered[0]).toMatchObject({ type: 'error', error: { code: 'invalid_encrypted_content' } });
  });
});

describe('§2.2 warm-up', () => {
  it('answers generate:false with created → in_progress → completed and an empty output, chainable', async () => {
    const c = await open();
    const warm = await createOnce(c, {
      model: 'gpt-5.5',
      instructions: '<system prompt>',
      input: [],
      tools: [SHELL_TOOL],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      stream: true,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'thread-1',
      client_metadata: { foo: 'bar' },
      generate: false,
    });
    expect(types(warm)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
    expect(warm[2]!['response']).toMatchObject({
      status: 'completed',
      output: [],
      usage: { total_tokens: 0 },
    });
    const real = await createOnce(c, { previous_response_id: responseId(warm), input: [user('hello')] });
    expect(types(real).at(-1)).toBe('response.completed');
    expect(real[0]!['response']).toMatchObject({
      previous_response_id: responseId(warm),
      instructions: null,
    });
    expect(sim!.recorder.creates()[0]!.generate).toBe(false);
  });
});

describe('§4 errors and sequencing', () => {
  it('previous_response_not_found is wrapped with status and the socket keeps serving', async () => {
    const c = await open();
    const ev = await createOnce(c, { previous_response_id: 'resp_abc', input: [user('x')] });
    expect(ev).toEqual([
      {
        type: 'error',
        status: 400,
        error: {
          type: 'invalid_request_error',
          code: 'previous_response_not_found',
          message: "Previous response with id 'resp_abc' not found.",
          param: 'previous_response_id',
        },
      },
    ]);
    expect(types(await createOnce(c, { input: [user('y')] })).at(-1)).toBe('response.completed');
  });

  it('runs back-to-back creates sequentially without interleaving and ignores response.processed', async () => {
    const c = await open('long-markdown');
    c.send({ type: 'response.create', model: 'gpt-5.5', store: false, input: [user('a')] });
    c.send({ type: 'response.processed', response_id: 'resp_x' });
    c.send({ type: 'response.create', model: 'gpt-5.5', store: false, input: [user('b')] });
    await c.until(() => c.events().filter((e) => e.type === 'response.completed').length === 2);
    const ev = c.events();
    const firstEnd = ev.findIndex((e) => e.type === 'response.completed');
    const secondStart = ev.findIndex((e, i) => i > 0 && e.type === 'response.created');
    expect(secondStart).toBe(firstEnd + 1);
    expect(ev.some((e) => e.type === 'error')).toBe(false);
    expect(sim!.recorder.requests().filter((r) => r.kind === 'other')).toHaveLength(1);
  });

  it('counts a prefix already seen on the connection as cached tokens', async () => {
    const c = await open('tool-loop-20');
    const first = await createOnce(c, {
      input: [user('go')],
      tools: [SHELL_TOOL],
      instructions: 'x'.repeat(4000),
    });
    const call = doneItems(first)[0]!;
    const second = await createOnce(c, {
      previous_response_id: responseId(first),
      input: [{ type: 'function_call_output', call_id: call['call_id'], output: 'ok' }],
      tools: [SHELL_TOOL],
      instructions: 'x'.repeat(4000),
    });
    const usage = (
      second.at(-1)!['response'] as {
        usage: { input_tokens: number; input_tokens_details: { cached_tokens: number } };
      }
    ).usage;
    expect(usage.input_tokens_details.cached_tokens).toBeGreaterThan(1000);
    expect(usage.input_tokens_details.cached_tokens).toBeLessThan(usage.input_tokens);
  });
});

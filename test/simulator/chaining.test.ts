/** §2.3 chaining rules: per-connection cache for store:false, persisted store:true, eviction, pairing checks. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { createOnce, doneItems, RawWs, responseId, SHELL_TOOL, user } from './helpers.js';

let sim: Simulator | undefined;
const clients: RawWs[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

async function start(scenario = 'plain-answer'): Promise<void> {
  sim = await startSimulator({ scenario, seed: 41 });
}
async function conn(): Promise<RawWs> {
  const c = await RawWs.open(sim!.url);
  clients.push(c);
  return c;
}
const errCode = (ev: Array<Record<string, unknown>>) =>
  (ev[0]!['error'] as { code?: string } | undefined)?.code;

describe('store:false', () => {
  it('resolves only the connection’s most recent response', async () => {
    await start();
    const c = await conn();
    const a = await createOnce(c, { input: [user('a')] });
    const b = await createOnce(c, { input: [user('b')] });
    expect(errCode(await createOnce(c, { previous_response_id: responseId(a), input: [user('x')] }))).toBe(
      'previous_response_not_found',
    );
    const ok = await createOnce(c, { previous_response_id: responseId(b), input: [user('y')] });
    expect(ok.at(-1)!.type).toBe('response.completed');
  });

  it('is not visible from another connection or over HTTP', async () => {
    await start();
    const c1 = await conn();
    const c2 = await conn();
    const a = await createOnce(c1, { input: [user('a')] });
    expect(errCode(await createOnce(c2, { previous_response_id: responseId(a), input: [user('x')] }))).toBe(
      'previous_response_not_found',
    );
    const res = await fetch(`${sim!.url}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: JSON.stringify({
        model: 'gpt-5.5',
        previous_response_id: responseId(a),
        input: 'x',
        stream: true,
      }),
    });
    expect(res.status).toBe(400);
  });

  it('a failed continuation evicts the parent: the retry must resend full context', async () => {
    await start('tool-loop-20');
    const c = await conn();
    const first = await createOnce(c, { input: [user('go')], tools: [SHELL_TOOL] });
    // Missing the function_call_output: the service answers 400 and evicts the parent.
    const bad = await createOnce(c, {
      previous_response_id: responseId(first),
      input: [user('oops')],
      tools: [SHELL_TOOL],
    });
    expect(bad[0]).toMatchObject({
      type: 'error',
      status: 400,
      error: { type: 'invalid_request_error', param: 'input' },
    });
    expect(String((bad[0]!['error'] as { message: string }).message)).toMatch(
      /^No tool output found for function call call_/,
    );
    const retry = await createOnce(c, {
      previous_response_id: responseId(first),
      input: [{ type: 'function_call_output', call_id: doneItems(first)[0]!['call_id'], output: 'x' }],
      tools: [SHELL_TOOL],
    });
    expect(errCode(retry)).toBe('previous_response_not_found');
    // Full context on a new chain works and continues the script at step 2.
    const call = doneItems(first)[0]!;
    const full = await createOnce(c, {
      input: [user('go'), call, { type: 'function_call_output', call_id: call['call_id'], output: 'step-1' }],
      tools: [SHELL_TOOL],
    });
    expect(JSON.parse(String(doneItems(full)[0]!['arguments'])).command).toBe('echo step-2');
  });

  it('rejects outputs for unknown calls', async () => {
    await start();
    const c = await conn();
    const ev = await createOnce(c, {
      input: [user('a'), { type: 'function_call_output', call_id: 'call_nope', output: 'x' }],
    });
    expect(ev[0]).toMatchObject({
      type: 'error',
      status: 400,
      error: { message: 'No tool call found for function call output with call_id call_nope.' },
    });
  });
});

describe('store:true', () => {
  it('chains across connections and over HTTP', async () => {
    await start();
    const c1 = await conn();
    const a = await createOnce(c1, { store: true, input: [user('a')] });
    const b = await createOnce(c1, { store: true, input: [user('b')] });
    const c2 = await conn();
    const fromOld = await createOnce(c2, {
      store: true,
      previous_response_id: responseId(a),
      input: [user('x')],
    });
    expect(fromOld.at(-1)!.type).toBe('response.completed');
    const res = await fetch(`${sim!.url}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: JSON.stringify({
        model: 'gpt-5.5',
        previous_response_id: responseId(b),
        input: 'y',
        stream: false,
      }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { previous_response_id: string }).previous_response_id).toBe(responseId(b));
  });
});

describe('instructions and warm-ups', () => {
  it('instructions are not carried over to a chained response', async () => {
    await start();
    const c = await conn();
    const a = await createOnce(c, { instructions: 'be brief', input: [user('a')] });
    expect(a[0]!['response']).toMatchObject({ instructions: 'be brief' });
    const b = await createOnce(c, { previous_response_id: responseId(a), input: [user('b')] });
    expect(b[0]!['response']).toMatchObject({ instructions: null, previous_response_id: responseId(a) });
  });

  it('a warm-up id stays chainable and remembers its input', async () => {
    await start('tool-loop-20');
    const c = await conn();
    const warm = await createOnce(c, { generate: false, input: [user('go')], tools: [SHELL_TOOL] });
    const real = await createOnce(c, {
      previous_response_id: responseId(warm),
      input: [],
      tools: [SHELL_TOOL],
    });
    expect(JSON.parse(String(doneItems(real)[0]!['arguments'])).command).toBe('echo step-1');
  });

  it('a retried turn gets the same kind of output with new ids', async () => {
    await start('tool-loop-20');
    const c = await conn();
    const first = await createOnce(c, { input: [user('go')], tools: [SHELL_TOOL] });
    const again = await createOnce(c, { input: [user('go')], tools: [SHELL_TOOL] });
    const [x, y] = [doneItems(first)[0]!, doneItems(again)[0]!];
    expect(x['arguments']).toBe(y['arguments']);
    expect(x['call_id']).not.toBe(y['call_id']);
  });
});

describe('tool_choice and parallel_tool_calls', () => {
  it('tool_choice:none yields no calls; parallel_tool_calls:false keeps one call per response', async () => {
    await start('parallel-tools');
    const c = await conn();
    const none = await createOnce(c, { input: [user('go')], tools: [SHELL_TOOL], tool_choice: 'none' });
    expect(doneItems(none).some((i) => i['type'] === 'function_call')).toBe(false);
    const single = await createOnce(c, {
      input: [user('go')],
      tools: [SHELL_TOOL],
      parallel_tool_calls: false,
    });
    expect(doneItems(single).filter((i) => i['type'] === 'function_call')).toHaveLength(1);
  });
});

describe('eviction scope', () => {
  it('any rejected continuation evicts its parent; a rejected fresh request evicts nothing', async () => {
    await start();
    const c = await conn();
    const a = await createOnce(c, { input: [user('a')] });
    const fresh = await createOnce(c, {
      input: [user('b'), { type: 'function_call_output', call_id: 'call_x', output: '' }],
    });
    expect(fresh[0]!.type).toBe('error');
    expect(
      (await createOnce(c, { previous_response_id: responseId(a), input: [user('c')] })).at(-1)!.type,
    ).toBe('response.completed');
    const b = sim!.recorder.creates().at(-1)!.responseId!;
    const typed = await createOnce(c, { previous_response_id: b, input: [user('d')], store: 'yes' });
    expect(typed[0]).toMatchObject({ type: 'error', error: { code: 'invalid_type', param: 'store' } });
    expect(errCode(await createOnce(c, { previous_response_id: b, input: [user('e')] }))).toBe(
      'previous_response_not_found',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { type Item, userMessage } from '../../src/protocol/items.js';
import { type ChainAnchor, canonicalJson, decideChain, type NextRequest } from '../../src/session/chain.js';
import { answeredPrefixLength } from '../../src/session/pairing.js';

const u1 = userMessage('one');
const a1: Item = { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hi' }] };
const u2 = userMessage('two');

const anchor = (over: Partial<ChainAnchor> = {}): ChainAnchor => ({
  transport: 'websocket',
  connectionId: 1,
  responseId: 'resp_1',
  fieldsKey: 'F',
  input: [u1],
  output: [a1],
  completed: true,
  ...over,
});
const next = (over: Partial<NextRequest> = {}): NextRequest => ({
  transport: 'websocket',
  connectionId: 1,
  fieldsKey: 'F',
  fullInput: [u1, a1, u2],
  store: false,
  ...over,
});

describe('decideChain (R9 matrix)', () => {
  it('appends on prefix: previous_response_id + only the new items', () => {
    expect(decideChain(anchor(), next())).toEqual({
      mode: 'incremental',
      previousResponseId: 'resp_1',
      items: [u2],
    });
  });

  it('accepts structurally equal items (key order does not matter)', () => {
    const copy = JSON.parse(JSON.stringify({ content: u1.content, role: 'user', type: 'message' })) as Item;
    expect(decideChain(anchor(), next({ fullInput: [copy, a1, u2] })).mode).toBe('incremental');
  });

  it('creates on non-prefix', () => {
    const d = decideChain(anchor(), next({ fullInput: [userMessage('edited'), a1, u2] }));
    expect(d).toEqual({ mode: 'full', reason: 'not_prefix', items: [userMessage('edited'), a1, u2] });
    expect(decideChain(anchor(), next({ fullInput: [u1] }))).toMatchObject({
      mode: 'full',
      reason: 'not_prefix',
    });
  });

  it('creates when non-input fields change', () => {
    expect(decideChain(anchor(), next({ fieldsKey: 'G' }))).toMatchObject({
      mode: 'full',
      reason: 'fields_changed',
    });
  });

  it('creates after an incomplete/failed anchor', () => {
    expect(decideChain(anchor({ completed: false }), next())).toMatchObject({
      mode: 'full',
      reason: 'not_completed',
    });
  });

  it('creates on another socket with store:false, chains with store:true', () => {
    expect(decideChain(anchor(), next({ connectionId: 2 }))).toMatchObject({
      mode: 'full',
      reason: 'other_connection',
    });
    expect(decideChain(anchor(), next({ connectionId: 2, store: true }))).toMatchObject({
      mode: 'incremental',
      items: [u2],
    });
  });

  it('always sends full input over HTTP and without an anchor', () => {
    expect(decideChain(anchor(), next({ transport: 'http', connectionId: null }))).toMatchObject({
      mode: 'full',
      reason: 'http',
    });
    expect(decideChain(null, next())).toMatchObject({
      mode: 'full',
      reason: 'no_anchor',
      items: [u1, a1, u2],
    });
  });

  it('continues from a warm-up (empty output) with every item after its input', () => {
    const warm = anchor({ input: [], output: [] });
    expect(decideChain(warm, next({ fullInput: [u1] }))).toEqual({
      mode: 'incremental',
      previousResponseId: 'resp_1',
      items: [u1],
    });
  });

  it('canonicalJson sorts keys recursively', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 2 } })).toBe(
      '{"a":{"c":2,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('answeredPrefixLength', () => {
  const rs: Item = { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'x' };
  const fc = (id: string): Item => ({ type: 'function_call', call_id: id, name: 'shell', arguments: '{}' });
  const out = (id: string): Item => ({ type: 'function_call_output', call_id: id, output: 'ok' });
  it('is the whole transcript when every call is answered', () => {
    expect(answeredPrefixLength([u1, rs, fc('a'), out('a'), a1])).toBe(5);
    expect(answeredPrefixLength([])).toBe(0);
  });
  it('cuts before the model-output block of the first unanswered call (reasoning included)', () => {
    expect(answeredPrefixLength([u1, rs, fc('a'), out('a'), rs, fc('b'), fc('c')])).toBe(4);
    expect(answeredPrefixLength([u1, a1, rs, fc('b'), fc('c'), out('b')])).toBe(1);
  });
  it('handles custom tool calls the same way', () => {
    const ct: Item = {
      type: 'custom_tool_call',
      call_id: 'z',
      name: 'apply_patch',
      input: '*** Begin Patch',
    };
    expect(answeredPrefixLength([u1, ct])).toBe(1);
    expect(
      answeredPrefixLength([u1, ct, { type: 'custom_tool_call_output', call_id: 'z', output: 'done' }]),
    ).toBe(3);
  });
});

/** Pure pieces of issue 14: error classes, "try again in" hints, headers, capability table, field drops. */
import { describe, expect, it } from 'vitest';
import { modelHasReasoning } from '../../src/agent/model-caps.js';
import { applyRemembered, droppableFor } from '../../src/agent/refusals.js';
import { parseHeaders } from '../../src/config/headers.js';
import { classifyError, classifyFailedResponse, retryHintFromMessage } from '../../src/protocol/errors.js';
import { parseRetryAfterMs } from '../../src/transport/backoff.js';

describe('service error classes', () => {
  it.each([
    ['rate_limit_exceeded', 429, 'retry'],
    ['server_is_overloaded', undefined, 'retry'],
    ['insufficient_quota', 429, 'quota'],
    ['usage_not_included', 429, 'quota'],
    ['model_not_found', 404, 'model'],
    ['context_length_exceeded', 400, 'context'],
    ['unsupported_value', 400, 'refused_param'],
    ['unknown_parameter', 400, 'refused_param'],
    [null, 503, 'retry'],
    [null, 400, 'fatal'],
  ] as const)('%s / %s → %s', (code, status, cls) => {
    expect(classifyError(code, status)).toBe(cls);
  });

  it('response.failed is transient unless its code says otherwise (as Codex)', () => {
    expect(classifyFailedResponse('rate_limit_exceeded')).toBe('retry');
    expect(classifyFailedResponse('server_error')).toBe('retry');
    expect(classifyFailedResponse(undefined)).toBe('retry');
    expect(classifyFailedResponse('some_new_transient_code')).toBe('retry');
    expect(classifyFailedResponse('insufficient_quota')).toBe('quota');
    expect(classifyFailedResponse('context_length_exceeded')).toBe('context');
    expect(classifyFailedResponse('invalid_prompt')).toBe('fatal');
  });
});

describe('retry hints', () => {
  it.each([
    ['Rate limit reached for gpt-5.5 … Please try again in 1.2s. Visit …', 1200],
    ['Please try again in 350ms.', 350],
    ['try again in 20ms', 20],
    ['Please try again in 1m2s.', 62_000],
    ['Please try again in 6h12m.', 6 * 3_600_000 + 12 * 60_000],
    ['Please try again in 20 seconds', 20_000],
    ['Please try again later.', undefined],
    ['', undefined],
  ])('%j → %s', (message, ms) => {
    expect(retryHintFromMessage(message)).toBe(ms);
  });

  it('huge retry-after headers are reported uncapped to the session, capped by default', () => {
    expect(parseRetryAfterMs({ 'retry-after': '86400' }, 0)).toBe(60_000);
    expect(parseRetryAfterMs({ 'retry-after': '86400' }, 0, Number.POSITIVE_INFINITY)).toBe(86_400_000);
  });
});

describe('headers setting', () => {
  it('accepts JSON and "Name: value" pairs', () => {
    expect(parseHeaders('{"X-A":"1"}')).toEqual({ 'X-A': '1' });
    expect(parseHeaders('X-A: 1; X-B: two words')).toEqual({ 'X-A': '1', 'X-B': 'two words' });
    expect(parseHeaders({ 'X-C': 'c' })).toEqual({ 'X-C': 'c' });
    expect(parseHeaders('')).toEqual({});
  });
  it.each([
    ['Authorization: Bearer x', /cannot be overridden/],
    ['Sec-WebSocket-Key: x', /cannot be overridden/],
    ['Bad Name: x', /not a valid header name/],
    ['{"X-A":"a\\r\\nInjected: 1"}', /one line/],
    ['{"X-A": {}}', /must be a string/],
    ['novalue', /Name: value/],
  ])('%j is refused', (raw, why) => {
    expect(() => parseHeaders(raw)).toThrow(why);
  });
});

describe('model capability table and field drops', () => {
  it('knows models without reasoning; the setting overrides it', () => {
    for (const m of [
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4o',
      'gpt-4o-mini',
      'openai/gpt-4o',
      'gpt-3.5-turbo',
      'gpt-4',
    ])
      expect(modelHasReasoning(m), m).toBe(false);
    for (const m of ['gpt-5.5', 'gpt-5-codex', 'o3', 'o4-mini', 'my-gateway-model'])
      expect(modelHasReasoning(m), m).toBe(true);
    expect(modelHasReasoning('gpt-4.1', 'on')).toBe(true);
    expect(modelHasReasoning('gpt-5.5', 'off')).toBe(false);
  });

  it('maps refused params onto droppable fields', () => {
    expect(droppableFor('reasoning.summary')?.param).toBe('reasoning.summary');
    expect(droppableFor('reasoning.effort')?.param).toBe('reasoning');
    expect(droppableFor('include[0]')?.param).toBe('include');
    expect(droppableFor('store')).toBeUndefined();
    expect(droppableFor('model')).toBeUndefined();
  });

  it('applies remembered refusals except to fields the user set', () => {
    const fields = {
      model: 'm',
      reasoning: { effort: 'high', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
    };
    expect(applyRemembered(fields, ['reasoning.summary'], () => false).reasoning).toEqual({ effort: 'high' });
    expect(applyRemembered(fields, ['reasoning.summary'], (k) => k === 'reasoningSummary')).toEqual(fields);
    expect(applyRemembered(fields, ['reasoning.effort'], () => false)).toEqual({ model: 'm', include: [] });
  });
});

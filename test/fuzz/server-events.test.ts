/**
 * Fuzz (R13): the server frame validator never throws, whatever arrives on the socket, and
 * everything it accepts has the fields tether reads. `errorOf` / `classifyError` on any accepted
 * `error` frame also never throw and always yield a string message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/protocol/errors.js';
import {
  type ErrorEvent,
  errorOf,
  KNOWN_EVENT_TYPES,
  parseServerEvent,
} from '../../src/protocol/server-events.js';
import { anyText, fuzzParams } from '../helpers/chaos-fc.js';

const TYPES = [...KNOWN_EVENT_TYPES, 'response.unknown_future_event', '', 'error'];

/** Plausible valid frames of every shape tether reads. */
const validFrame = fc.oneof(
  fc.record({
    type: fc.constantFrom(
      'response.created',
      'response.in_progress',
      'response.completed',
      'response.failed',
      'response.incomplete',
    ),
    sequence_number: fc.nat(),
    response: fc.record({
      id: fc.string({ minLength: 1 }),
      status: fc.constantFrom('in_progress', 'completed'),
      output: fc.constant([]),
    }),
  }),
  fc.record({
    type: fc.constantFrom(
      'response.output_text.delta',
      'response.function_call_arguments.delta',
      'response.reasoning_summary_text.delta',
    ),
    sequence_number: fc.nat(),
    item_id: fc.string(),
    output_index: fc.nat(),
    content_index: fc.nat(),
    delta: fc.string({ unit: 'grapheme' }),
  }),
  fc.record({
    type: fc.constantFrom('response.output_item.added', 'response.output_item.done'),
    output_index: fc.nat(),
    item: fc.record({ type: fc.constantFrom('message', 'function_call', 'reasoning'), id: fc.string() }),
  }),
  fc.record({
    type: fc.constant('response.function_call_arguments.done'),
    item_id: fc.string(),
    output_index: fc.nat(),
    arguments: fc.string(),
  }),
  fc.record({
    type: fc.constant('error'),
    status: fc.integer({ min: 100, max: 599 }),
    error: fc.record({ code: fc.string(), message: fc.string() }),
  }),
);

/** A valid frame with one field replaced by an arbitrary JSON value (or deleted). */
const mutatedFrame = fc
  .tuple(validFrame, fc.nat(), fc.option(fc.jsonValue(), { nil: undefined }), fc.boolean())
  .map(([frame, k, value, nested]) => {
    const copy = structuredClone(frame) as Record<string, unknown>;
    const target =
      nested && typeof copy['response'] === 'object'
        ? (copy['response'] as Record<string, unknown>)
        : nested && typeof copy['error'] === 'object'
          ? (copy['error'] as Record<string, unknown>)
          : copy;
    const keys = Object.keys(target);
    const key = keys[k % keys.length] ?? 'type';
    if (value === undefined) delete target[key];
    else target[key] = value;
    return copy;
  });

/** Asserts the structural guarantees of an accepted frame. */
function checkAccepted(raw: unknown): void {
  const r = parseServerEvent(raw);
  if (!r.ok) {
    expect(typeof r.error).toBe('string');
    expect(r.error.length).toBeGreaterThan(0);
    return;
  }
  const ev = r.event as Record<string, unknown>;
  expect(typeof ev['type']).toBe('string');
  expect(r.known).toBe(KNOWN_EVENT_TYPES.has(ev['type'] as string));
  const type = ev['type'] as string;
  if (['response.created', 'response.completed', 'response.failed', 'response.incomplete'].includes(type)) {
    const resp = ev['response'] as Record<string, unknown>;
    expect(typeof resp['id']).toBe('string');
  }
  if (type === 'response.output_text.delta' || type === 'response.function_call_arguments.delta') {
    expect(typeof ev['delta']).toBe('string');
  }
  if (type === 'error') {
    // Field types of a wrapped error are not validated (see FINDINGS.md F1, test/chaos/findings.test.ts);
    // here we only require that normalising and classifying it never throws.
    const detail = errorOf(ev as unknown as ErrorEvent);
    expect(detail.message).toBeDefined();
    expect(() => classifyError(detail.code, detail.status)).not.toThrow();
  }
}

describe('fuzz: parseServerEvent', () => {
  it('never throws on arbitrary text frames', () => {
    fc.assert(
      fc.property(anyText(300), (s) => {
        checkAccepted(s);
      }),
      fuzzParams(1500, 1),
    );
  });

  it('never throws on arbitrary JSON values (as text and as parsed values)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        checkAccepted(JSON.stringify(v));
        checkAccepted(v);
      }),
      fuzzParams(1000, 2),
    );
  });

  it('never throws on objects with a known type and arbitrary fields', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPES),
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        (type, rest) => {
          checkAccepted(JSON.stringify({ ...rest, type }));
        },
      ),
      fuzzParams(1000, 3),
    );
  });

  it('accepts every valid frame and survives any single-field mutation of one', () => {
    fc.assert(
      fc.property(validFrame, (f) => {
        const r = parseServerEvent(JSON.stringify(f));
        expect(r.ok).toBe(true);
      }),
      fuzzParams(500, 4),
    );
    fc.assert(
      fc.property(mutatedFrame, (f) => {
        checkAccepted(JSON.stringify(f));
      }),
      fuzzParams(1000, 5),
    );
  });

  it('rejects truncated valid frames with a clear error, never a throw', () => {
    fc.assert(
      fc.property(validFrame, fc.nat(), (f, cut) => {
        const text = JSON.stringify(f);
        const prefix = text.slice(0, cut % text.length);
        const r = parseServerEvent(prefix);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toMatch(/malformed JSON frame|not a JSON object|no "type"/);
      }),
      fuzzParams(500, 6),
    );
  });

  it('survives pathological frames', () => {
    const cases = [
      '['.repeat(100_000),
      `{"type":"x","a":${'['.repeat(50_000)}`,
      `{"type":"response.output_text.delta","delta":"${'x'.repeat(1_000_000)}"}`,
      '{"__proto__":{"type":"error"},"type":"response.created","response":{"id":"r"}}',
      '\u0000\uFFFF\uD800',
      'null',
      '"type"',
      '{"type":"error","error":null}',
      '{"type":"error","error":[]}',
    ];
    for (const c of cases) expect(() => checkAccepted(c)).not.toThrow();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../src/store/records.js';
import { parseSessionText } from '../../src/store/session-loader.js';

const META = JSON.stringify({
  type: 'session_meta',
  schema_version: 1,
  session_id: 's1',
  created_at: '2026-01-01T00:00:00.000Z',
  cwd: '/p',
  model: 'm',
  git_branch: null,
  tether_version: '0',
});
const GOOD = [
  META,
  JSON.stringify({ type: 'prompt', ts: 't', turn_id: 'a', text: 'hello world' }),
  JSON.stringify({
    type: 'item',
    ts: 't',
    direction: 'input',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello world' }] },
  }),
  JSON.stringify({
    type: 'item',
    ts: 't',
    direction: 'output',
    item: { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' },
  }),
  JSON.stringify({ type: 'ledger', ts: 't', entry: { callId: 'c1', name: 'shell', state: 'running' } }),
  JSON.stringify({
    type: 'compaction',
    ts: 't',
    tokens_before: 10,
    tokens_after: 2,
    auto: true,
    window: [{ type: 'compaction', encrypted_content: 'x' }],
  }),
  JSON.stringify({
    type: 'item',
    ts: 't',
    direction: 'output',
    item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'bye' }] },
  }),
];
const VALID = `${GOOD.join('\n')}\n`;

function check(text: string): void {
  const loaded = parseSessionText(text, 'fuzz');
  // Invariants: counts are consistent and every item kept is item-shaped.
  expect(loaded.stats.records + loaded.stats.skipped + loaded.stats.unknown).toBeLessThanOrEqual(
    text.split('\n').length,
  );
  for (const item of loaded.items) expect(typeof item.type).toBe('string');
  for (const e of loaded.ledger) expect(typeof e.callId).toBe('string');
}

describe('session loader fuzz', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => check(s)),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary JSON values per line', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 20 }), (values) => {
        check(values.map((v) => JSON.stringify(v) ?? 'null').join('\n'));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on records with mutated fields', () => {
    const field = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: GOOD.length - 1 }),
        fc.string({ maxLength: 12 }),
        field,
        (i, key, value) => {
          const rec = JSON.parse(GOOD[i]!) as Record<string, unknown>;
          const keys = Object.keys(rec);
          const k = key.length % 2 === 0 && keys.length > 0 ? keys[key.length % keys.length]! : key;
          rec[k] = value;
          const lines = [...GOOD];
          lines[i] = JSON.stringify(rec);
          check(lines.join('\n'));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on item records with arbitrary nested payloads', () => {
    const payload = fc.dictionary(
      fc.constantFrom('content', 'role', 'text', 'call_id', 'name', 'output'),
      fc.jsonValue({ maxDepth: 3 }),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('message', 'function_call', 'compaction', 'x'),
            fc.constantFrom('input', 'output'),
            payload,
          ),
          { maxLength: 10 },
        ),
        (rows) => {
          const lines = [
            META,
            ...rows.map(([type, direction, extra]) =>
              JSON.stringify({ type: 'item', ts: 't', direction, item: { ...extra, type } }),
            ),
          ];
          check(lines.join('\n'));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('truncating a valid file at any byte loses at most the last record', () => {
    const full = parseSessionText(VALID, 'fuzz');
    for (let cut = 0; cut <= VALID.length; cut++) {
      const text = VALID.slice(0, cut);
      const loaded = parseSessionText(text, 'fuzz');
      const completeLines = text.split('\n').length - 1;
      expect(loaded.stats.skipped).toBe(0);
      expect(loaded.stats.records).toBeGreaterThanOrEqual(Math.min(completeLines, GOOD.length));
      expect(loaded.stats.records).toBeLessThanOrEqual(full.stats.records);
    }
  });

  it('corrupting one byte affects at most that line', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: VALID.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (pos, byte) => {
          const text = VALID.slice(0, pos) + String.fromCharCode(byte) + VALID.slice(pos + 1);
          const loaded = parseSessionText(text, 'fuzz');
          expect(loaded.stats.records).toBeGreaterThanOrEqual(GOOD.length - 2);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('parseRecord classifies lines', () => {
    expect(parseRecord('{').ok).toBe(false);
    expect(parseRecord('{"type":"nope"}')).toEqual({ ok: false, reason: 'unknown_type' });
    expect(parseRecord('{"type":"ledger","entry":{"callId":"c","name":"n","state":"exploded"}}')).toEqual({
      ok: false,
      reason: 'garbled',
    });
    expect(parseRecord(GOOD[4]!).ok).toBe(true);
  });
});

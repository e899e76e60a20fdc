/**
 * Fuzz: the session file loader never throws. A valid file torn at any byte loads the complete
 * records before the tear (a prefix of the transcript, never a reordering); garbled lines
 * anywhere are skipped and counted while every other record survives; records with valid types
 * but hostile field values (wrong shapes inside items) never throw either.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecord } from '../../src/store/records.js';
import { loadSessionFile, parseSessionText } from '../../src/store/session-loader.js';
import { anyText, fuzzParams } from '../helpers/chaos-fc.js';

const TS = '2026-11-25T12:00:00.000Z';
const text = fc.string({ unit: 'grapheme', maxLength: 40 });

const meta = JSON.stringify({
  type: 'session_meta',
  schema_version: 1,
  session_id: 'fuzz-session',
  created_at: TS,
  cwd: '/w',
  model: 'gpt-test',
  git_branch: null,
  tether_version: '0.0.0',
});

/** A valid body record (the kinds a real session writes), tagged with whether it is an item. */
const bodyRecord: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  text.map((t) => ({ type: 'prompt', ts: TS, turn_id: 't1', text: t })),
  text.map((t) => ({
    type: 'item',
    ts: TS,
    direction: 'input',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: t }] },
  })),
  text.map((t) => ({
    type: 'item',
    ts: TS,
    direction: 'output',
    item: { type: 'message', role: 'assistant', id: 'm', content: [{ type: 'output_text', text: t }] },
  })),
  fc.nat().map((n) => ({
    type: 'item',
    ts: TS,
    direction: 'output',
    item: { type: 'function_call', call_id: `c${n}`, name: 'shell', arguments: '{"cmd":"ls"}' },
  })),
  fc.tuple(fc.nat(), text).map(([n, t]) => ({
    type: 'item',
    ts: TS,
    direction: 'input',
    item: { type: 'function_call_output', call_id: `c${n}`, output: t },
  })),
  fc
    .tuple(fc.nat(), fc.constantFrom('running', 'done', 'aborted', 'denied', 'failed'))
    .map(([n, state]) => ({ type: 'ledger', ts: TS, entry: { callId: `c${n}`, name: 'shell', state } })),
  fc
    .constantFrom('completed', 'failed', 'cancelled')
    .map((status) => ({ type: 'turn_end', ts: TS, turn_id: 't1', status })),
  text.map((m) => ({ type: 'note', ts: TS, level: 'warning', message: m })),
);

const fileArb = fc.array(bodyRecord, { minLength: 1, maxLength: 25 }).map((records) => ({
  records,
  lines: [meta, ...records.map((r) => JSON.stringify(r))],
}));

const itemsOf = (records: Record<string, unknown>[]) =>
  records.filter((r) => r['type'] === 'item').map((r) => r['item']);

/** A line that is certainly not a valid record: torn JSON, binary noise or a merged torn write. */
const garbage = fc
  .oneof(
    anyText(60),
    fc.tuple(bodyRecord, fc.nat()).map(([r, n]) => {
      const s = JSON.stringify(r);
      return s.slice(0, 1 + (n % (s.length - 1)));
    }),
    fc.tuple(bodyRecord, bodyRecord, fc.nat()).map(([a, b, n]) => {
      const s = JSON.stringify(a);
      return s.slice(0, 1 + (n % (s.length - 1))) + JSON.stringify(b); // torn line + next append
    }),
    fc.constantFrom(
      '\u0000\u0000\u0000',
      '{}',
      '[]',
      'null',
      '{"type":5}',
      '{"type":"item","direction":"input"}',
      '\r',
    ),
  )
  .map((g) => g.replace(/\n/g, ' '))
  .filter(
    (g) =>
      g.trim() !== '' &&
      !parseRecord(g).ok &&
      (() => {
        try {
          const v: unknown = JSON.parse(g);
          // A well-formed record of an unknown type counts as `unknown`, not as garbled.
          return !(
            typeof v === 'object' &&
            v !== null &&
            !Array.isArray(v) &&
            typeof (v as Record<string, unknown>)['type'] === 'string'
          );
        } catch {
          return true;
        }
      })(),
  );

const dir = mkdtempSync(join(tmpdir(), 'tether-fuzz-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzz: session file loader', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(anyText(400), (t) => {
        const s = parseSessionText(t, 'hint');
        expect(s.stats.records + s.stats.skipped + s.stats.unknown).toBeLessThanOrEqual(t.split('\n').length);
        expect(s.meta.session_id.length).toBeGreaterThan(0);
      }),
      fuzzParams(800, 31),
    );
  });

  it('a valid file torn at any byte loads exactly the complete records before the tear', () => {
    fc.assert(
      fc.property(fileArb, fc.nat(), (f, cut) => {
        const full = Buffer.from(`${f.lines.join('\n')}\n`, 'utf8');
        const at = cut % (full.length + 1);
        const torn = full.subarray(0, at).toString('utf8');
        const s = parseSessionText(torn, 'hint');
        const loaded = s.allItems;
        const all = itemsOf(f.records);
        // A prefix, in order.
        expect(all.slice(0, loaded.length)).toEqual(loaded);
        expect(s.stats.skipped).toBe(0);
        const segments = torn.split('\n');
        // A tail that happens to be a whole line (cut right before its newline) is a complete record.
        const tailWhole = segments[segments.length - 1] === f.lines[segments.length - 1];
        const completeLines = segments.length - 1 + (tailWhole ? 1 : 0);
        const completeItems = itemsOf(f.records.slice(0, Math.max(0, completeLines - 1)));
        expect(loaded).toEqual(completeItems);
        if (at > 0 && full[at - 1] !== 0x0a && !tailWhole) expect(s.stats.tornTail).toBe(true);
      }),
      fuzzParams(800, 32),
    );
  });

  it('garbled lines anywhere are skipped and counted; every other record survives', () => {
    fc.assert(
      fc.property(
        fileArb,
        fc.array(fc.tuple(fc.nat(), garbage), { minLength: 1, maxLength: 5 }),
        (f, garbles) => {
          const lines = [...f.lines];
          const dead = new Set<number>();
          for (const [n, g] of garbles) {
            const idx = 1 + (n % (lines.length - 1)); // keep the meta line
            lines[idx] = g;
            dead.add(idx);
          }
          const s = parseSessionText(`${lines.join('\n')}\n`, 'hint');
          const survivors = f.records.filter((_, i) => !dead.has(i + 1));
          expect(s.allItems).toEqual(itemsOf(survivors));
          expect(s.stats.skipped).toBe(dead.size);
          expect(s.stats.tornTail).toBe(false);
          expect(s.metaMissing).toBe(false);
        },
      ),
      fuzzParams(800, 33),
    );
  });

  it('a garbled meta line still loads the body, named after the file', () => {
    fc.assert(
      fc.property(fileArb, garbage, (f, g) => {
        const s = parseSessionText(`${[g, ...f.lines.slice(1)].join('\n')}\n`, 'named-by-file');
        expect(s.metaMissing).toBe(true);
        expect(s.meta.session_id).toBe('named-by-file');
        expect(s.allItems).toEqual(itemsOf(f.records));
      }),
      fuzzParams(300, 34),
    );
  });

  it('records of known types with hostile field values never throw', () => {
    const hostileItem = fc.record(
      {
        type: fc.constantFrom(
          'message',
          'function_call',
          'function_call_output',
          'reasoning',
          'compaction',
          'x',
        ),
        role: fc.oneof(fc.constantFrom('user', 'assistant'), fc.jsonValue({ maxDepth: 2 })),
        content: fc.jsonValue({ maxDepth: 3 }),
        call_id: fc.jsonValue({ maxDepth: 1 }),
        output: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: ['type'] },
    );
    const hostile = fc.oneof(
      hostileItem.map((item) => ({ type: 'item', ts: TS, direction: 'output', item })),
      hostileItem.map((item) => ({ type: 'item', ts: TS, direction: 'input', item })),
      fc.jsonValue({ maxDepth: 2 }).map((v) => ({ type: 'prompt', ts: v, text: 'x', turn_id: v })),
      fc
        .jsonValue({ maxDepth: 2 })
        .map((v) => ({ type: 'run_end', ts: TS, status: 'success', result: 'r', usage: v, num_turns: v })),
      fc
        .jsonValue({ maxDepth: 2 })
        .map((v) => ({ type: 'usage', ts: TS, usage: { a: v }, total: { input_tokens: v }, metrics: v })),
      fc.array(hostileItem, { maxLength: 3 }).map((w) => ({
        type: 'compaction',
        ts: TS,
        tokens_before: 1,
        tokens_after: 1,
        auto: true,
        window: w,
      })),
      fc.jsonValue({ maxDepth: 2 }).map((v) => ({ type: 'resumed', ts: v, model: v, cwd: v })),
      fc.jsonValue({ maxDepth: 2 }).map((v) => ({ type: 'note', ts: TS, level: v, message: v })),
    );
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 8 }), (recs) => {
        const t = [meta, ...recs.map((r) => JSON.stringify(r))].join('\n');
        const s = parseSessionText(`${t}\n`, 'hint');
        expect(typeof s.title).toBe('string');
        expect(Array.isArray(s.items)).toBe(true);
      }),
      fuzzParams(800, 35),
    );
  });

  it('loadSessionFile tolerates invalid UTF-8 and NUL bytes on disk', () => {
    fc.assert(
      fc.property(fileArb, fc.uint8Array({ minLength: 1, maxLength: 32 }), fc.nat(), (f, noise, pos) => {
        const full = Buffer.from(`${f.lines.join('\n')}\n`, 'utf8');
        const at = pos % full.length;
        const file = join(dir, 'f.jsonl');
        writeFileSync(file, Buffer.concat([full.subarray(0, at), Buffer.from(noise), full.subarray(at)]));
        const s = loadSessionFile(file);
        expect(s.allItems.length).toBeLessThanOrEqual(itemsOf(f.records).length + 1);
      }),
      fuzzParams(200, 36),
    );
  });
});

/**
 * Fuzz (R14): the SSE parser is chunking-invariant. For arbitrary event lists serialised to SSE
 * (comments, CRLF/LF/CR line ends, multi-line `data:`, BOM, unknown fields, ids, retry), parsing
 * the whole buffer, arbitrary byte splits (including inside multi-byte UTF-8 sequences and
 * between CR and LF) and byte-by-byte all yield exactly the events the model predicts.
 * Arbitrary bytes never make it throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSse, type SseEvent, SseParser } from '../../src/transport/sse-parser.js';
import { fuzzParams } from '../helpers/chaos-fc.js';

/** Text that can sit on one SSE line: valid Unicode (multi-byte included), no CR/LF. */
const lineText = fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ''));
/** Field values may start with spaces; exactly one is stripped after the colon. */
const eventName = fc.oneof(
  fc.constant(''),
  fc.constantFrom('message', 'response.output_text.delta', 'ping'),
  lineText,
);

interface Spec {
  event: string;
  data: string[];
  id?: string;
  retry?: number;
  comments: number;
  unknownField: boolean;
  noSpace: boolean;
}

const specArb: fc.Arbitrary<Spec> = fc.record(
  {
    event: eventName,
    data: fc.array(lineText, { minLength: 1, maxLength: 4 }),
    id: lineText.map((s) => s.replace(/\0/g, '')),
    retry: fc.nat({ max: 100_000 }),
    comments: fc.nat({ max: 2 }),
    unknownField: fc.boolean(),
    noSpace: fc.boolean(),
  },
  { requiredKeys: ['event', 'data', 'comments', 'unknownField', 'noSpace'] },
);

const streamArb = fc.record({
  events: fc.array(specArb, { maxLength: 8 }),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  bom: fc.boolean(),
  trailingPartial: fc.boolean(),
});

type Stream = { events: Spec[]; eol: string; bom: boolean; trailingPartial: boolean };

/** Serialises a stream and returns the events a conforming parser must dispatch. */
function serialise(s: Stream): { text: string; expected: SseEvent[] } {
  const lines: string[] = [];
  const expected: SseEvent[] = [];
  let lastId: string | undefined;
  const field = (name: string, value: string, noSpace: boolean) =>
    // Without the optional space, a value that itself starts with a space would lose nothing;
    // with it, exactly one leading space is stripped, so the value survives verbatim.
    noSpace && !value.startsWith(' ') ? `${name}:${value}` : `${name}: ${value}`;
  for (const e of s.events) {
    for (let c = 0; c < e.comments; c++) lines.push(`: keep-alive ${c}`);
    if (e.event !== '') lines.push(field('event', e.event, e.noSpace));
    if (e.unknownField) lines.push('x-unknown: whatever');
    for (const d of e.data) lines.push(field('data', d, e.noSpace));
    if (e.id !== undefined) {
      lines.push(field('id', e.id, e.noSpace));
      lastId = e.id;
    }
    if (e.retry !== undefined) lines.push(`retry: ${e.retry}`);
    lines.push('');
    const ev: SseEvent = { event: e.event || 'message', data: e.data.join('\n') };
    if (lastId !== undefined) ev.id = lastId;
    if (e.retry !== undefined) ev.retry = e.retry;
    expected.push(ev);
  }
  let text = lines.map((l) => l + s.eol).join('');
  // A final event without its blank line is discarded at end of stream (spec).
  if (s.trailingPartial) text += `data: torn${s.eol}`;
  if (s.bom) text = `\uFEFF${text}`;
  return { text, expected };
}

/** Splits bytes at the given cut points. */
function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

describe('fuzz: SSE parser chunking invariance', () => {
  it('whole buffer parses to the model events', () => {
    fc.assert(
      fc.property(streamArb, (s) => {
        const { text, expected } = serialise(s);
        expect(parseSse([new TextEncoder().encode(text)])).toEqual(expected);
        expect(parseSse([text])).toEqual(expected);
      }),
      fuzzParams(800, 11),
    );
  });

  it('any byte chunking (incl. split UTF-8 and split CRLF) parses identically', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 30 }), (s, cuts) => {
        const { text, expected } = serialise(s);
        const bytes = new TextEncoder().encode(text);
        expect(parseSse(splitAt(bytes, cuts))).toEqual(expected);
      }),
      fuzzParams(1500, 12),
    );
  });

  it('byte-by-byte and string chunking parse identically', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 10 }), (s, cuts) => {
        const { text, expected } = serialise(s);
        const bytes = new TextEncoder().encode(text);
        const single = Array.from(bytes, (b) => Uint8Array.of(b));
        expect(parseSse(single)).toEqual(expected);
        // String chunks (already decoded), split at UTF-16 boundaries that are not inside a pair.
        const chars = [...text];
        const pts = [...new Set(cuts.map((c) => c % (chars.length + 1)))].sort((a, b) => a - b);
        const parts: string[] = [];
        let prev = 0;
        for (const p of pts) {
          parts.push(chars.slice(prev, p).join(''));
          prev = p;
        }
        parts.push(chars.slice(prev).join(''));
        expect(parseSse(parts)).toEqual(expected);
      }),
      fuzzParams(400, 13),
    );
  });

  it('events are dispatched as soon as their blank line arrives (no read-ahead needed)', () => {
    fc.assert(
      fc.property(streamArb, (s) => {
        const { text, expected } = serialise({ ...s, trailingPartial: false });
        const p = new SseParser();
        const seen: SseEvent[] = [];
        for (const b of new TextEncoder().encode(text)) seen.push(...p.push(Uint8Array.of(b)));
        // With LF or CRLF every event is out before end(); a lone CR may wait for one more byte.
        if (s.eol !== '\r') expect(seen).toEqual(expected);
        seen.push(...p.end());
        expect(seen).toEqual(expected);
      }),
      fuzzParams(300, 14),
    );
  });

  it('arbitrary bytes never throw and the parser stays usable', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const p = new SseParser();
        for (const c of chunks) expect(Array.isArray(p.push(c))).toBe(true);
        p.end();
      }),
      fuzzParams(800, 15),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSse, SseParser } from '../../src/transport/sse-parser.js';

const enc = new TextEncoder();

describe('SseParser', () => {
  it('parses events, comments, multi-line data and CRLF', () => {
    const text =
      ': keepalive\r\nevent: response.created\r\ndata: {"a":1}\r\n\r\nevent: x\ndata: line1\ndata: line2\n\ndata:nospace\n\n';
    expect(parseSse([text])).toEqual([
      { event: 'response.created', data: '{"a":1}' },
      { event: 'x', data: 'line1\nline2' },
      { event: 'message', data: 'nospace' },
    ]);
  });

  it('handles bare CR line ends, a BOM, and ignores events without data', () => {
    expect(parseSse(['\uFEFFevent: e\rdata: d\r\revent: empty\r\r'])).toEqual([{ event: 'e', data: 'd' }]);
  });

  it('does not dispatch an unterminated trailing event', () => {
    expect(parseSse(['data: a\n\ndata: b'])).toEqual([{ event: 'message', data: 'a' }]);
  });

  it('keeps a CRLF split across chunks as one line end', () => {
    expect(parseSse(['data: a\r', '\n\r', '\ndata: b\r\n\r\n'])).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
    ]);
  });

  it('decodes multi-byte UTF-8 split byte by byte', () => {
    const bytes = enc.encode('data: héllo 👋 世界\n\n');
    const chunks = [...bytes].map((b) => new Uint8Array([b]));
    expect(parseSse(chunks)).toEqual([{ event: 'message', data: 'héllo 👋 世界' }]);
  });

  it('returns events as soon as they are complete (no read-ahead)', () => {
    const p = new SseParser();
    expect(p.push('data: one\n\ndata: tw')).toEqual([{ event: 'message', data: 'one' }]);
    expect(p.push('o\n')).toEqual([]);
    expect(p.push('\n')).toEqual([{ event: 'message', data: 'two' }]);
  });

  it('property: any chunking of any stream parses identically (R14)', () => {
    const line = fc.string({
      unit: fc.constantFrom('a', 'b', ' ', ':', 'é', '👋', '世', '{', '"', '\u00a0'),
    });
    const event = fc.record({
      comment: fc.option(line, { nil: undefined }),
      type: fc.option(fc.constantFrom('response.created', 'error', 'x'), { nil: undefined }),
      data: fc.array(line, { minLength: 1, maxLength: 3 }),
      eol: fc.constantFrom('\n', '\r\n', '\r'),
    });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 50 }),
        (events, cuts) => {
          let text = '';
          for (const e of events) {
            if (e.comment !== undefined) text += `:${e.comment}${e.eol}`;
            if (e.type !== undefined) text += `event: ${e.type}${e.eol}`;
            for (const d of e.data) text += `data: ${d}${e.eol}`;
            text += e.eol;
          }
          const bytes = enc.encode(text);
          const whole = parseSse([bytes]);
          const chunks: Uint8Array[] = [];
          let i = 0;
          let k = 0;
          while (i < bytes.length) {
            const size = cuts[k++ % cuts.length] ?? 1;
            chunks.push(bytes.slice(i, i + size));
            i += size;
          }
          expect(parseSse(chunks)).toEqual(whole);
          expect(whole).toHaveLength(events.length);
          for (let j = 0; j < events.length; j++) {
            const ev = events[j];
            if (!ev) continue;
            // a data value starting with a space keeps it (only one space is stripped)
            expect(whole[j]?.data).toBe(ev.data.join('\n'));
            expect(whole[j]?.event).toBe(ev.type ?? 'message');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/**
 * Fuzz: the apply_patch parser. Generated patches round-trip (also with CRLF line ends and a
 * heredoc wrapper); arbitrary text, patch-vocabulary line soups and single-line mutations of
 * valid patches never throw and every refusal is a clear `invalid patch: …` message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PatchOp, parsePatch } from '../../src/tools/patch/parse.js';
import { anyText, fuzzParams } from '../helpers/chaos-fc.js';

const MARKERS = ['*** Begin Patch', '*** End Patch', '*** End of File'];
/** One line of file content: no line breaks, not a bare marker (markers are reserved by the format). */
const lineText = fc
  .string({
    unit: fc.oneof(fc.constantFrom(...'abc xyz(){};=+-*@/\t'), fc.constantFrom('é', '日', '😀')),
    maxLength: 30,
  })
  .filter((t) => !MARKERS.includes(t.trim()));
const pathArb = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}(\/[a-z0-9_]{1,6}){0,2}\.(ts|md|txt)$/);

const hunkArb = fc.record({
  header: fc.option(fc.stringMatching(/^[a-z][a-z ()]{0,12}[a-z)]$/), { nil: null }),
  lines: fc.array(
    fc.record({ op: fc.constantFrom(' ' as const, '-' as const, '+' as const), text: lineText }),
    { minLength: 1, maxLength: 6 },
  ),
  endOfFile: fc.boolean(),
});

const opArb = (path: string, moveTo: string): fc.Arbitrary<PatchOp> =>
  fc.oneof(
    fc
      .array(lineText, { maxLength: 5 })
      .map((ls): PatchOp => ({ type: 'add', path, content: ls.length > 0 ? `${ls.join('\n')}\n` : '' })),
    fc.constant<PatchOp>({ type: 'delete', path }),
    fc.tuple(fc.boolean(), fc.array(hunkArb, { maxLength: 3 })).map(
      ([move, hunks]): PatchOp => ({
        type: 'update',
        path,
        moveTo: move || hunks.length === 0 ? moveTo : null,
        hunks,
      }),
    ),
  );

const patchArb: fc.Arbitrary<PatchOp[]> = fc
  .uniqueArray(pathArb, { minLength: 2, maxLength: 8 })
  .chain((paths) => {
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i + 1 < paths.length; i += 2) pairs.push([paths[i] as string, paths[i + 1] as string]);
    return fc.tuple(...pairs.map(([p, m]) => opArb(p, m)));
  });

function serialise(ops: PatchOp[]): string {
  const out = ['*** Begin Patch'];
  for (const op of ops) {
    switch (op.type) {
      case 'add':
        out.push(`*** Add File: ${op.path}`);
        if (op.content !== '') for (const l of op.content.slice(0, -1).split('\n')) out.push(`+${l}`);
        break;
      case 'delete':
        out.push(`*** Delete File: ${op.path}`);
        break;
      case 'update':
        out.push(`*** Update File: ${op.path}`);
        if (op.moveTo !== null) out.push(`*** Move to: ${op.moveTo}`);
        for (const h of op.hunks) {
          out.push(h.header === null ? '@@' : `@@ ${h.header}`);
          for (const l of h.lines) out.push(`${l.op}${l.text}`);
          if (h.endOfFile) out.push('*** End of File');
        }
        break;
      default: {
        const unreachable: never = op;
        void unreachable;
      }
    }
  }
  out.push('*** End Patch');
  return `${out.join('\n')}\n`;
}

function expectClear(r: ReturnType<typeof parsePatch>): void {
  if (!r.ok) {
    expect(r.error).toMatch(/^invalid patch: .{8,}/);
    expect(r.error).not.toMatch(/TypeError|RangeError|undefined is not|Cannot read/);
  }
}

describe('fuzz: apply_patch parser', () => {
  it('generated patches round-trip (LF, CRLF and heredoc-wrapped)', () => {
    fc.assert(
      fc.property(patchArb, (ops) => {
        const text = serialise(ops);
        expect(parsePatch(text)).toEqual({ ok: true, ops });
        expect(parsePatch(text.replace(/\n/g, '\r\n'))).toEqual({ ok: true, ops });
        expect(parsePatch(`<<'EOF'\n${text}EOF\n`)).toEqual({ ok: true, ops });
      }),
      fuzzParams(700, 41),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(anyText(200), (t) => {
        expectClear(parsePatch(t));
        expectClear(parsePatch(`*** Begin Patch\n${t}\n*** End Patch`));
      }),
      fuzzParams(800, 42),
    );
  });

  it('never throws on soups of patch-vocabulary lines', () => {
    const vocab = fc.oneof(
      fc.constantFrom(
        '*** Begin Patch',
        '*** End Patch',
        '*** End of File',
        '@@',
        '@@ fn',
        '',
        ' ',
        '+',
        '-',
        '***',
        '*** Add File: ',
        '*** Update File:',
        '*** Move to: ',
      ),
      pathArb.map((p) => `*** Add File: ${p}`),
      pathArb.map((p) => `*** Update File: ${p}`),
      pathArb.map((p) => `*** Delete File: ${p}`),
      pathArb.map((p) => `*** Move to: ${p}`),
      lineText.map((t) => `+${t}`),
      lineText.map((t) => `-${t}`),
      lineText.map((t) => ` ${t}`),
      lineText,
    );
    fc.assert(
      fc.property(fc.array(vocab, { maxLength: 25 }), fc.boolean(), (lines, wrap) => {
        const body = wrap ? ['*** Begin Patch', ...lines, '*** End Patch'] : lines;
        expectClear(parsePatch(body.join('\n')));
      }),
      fuzzParams(1000, 43),
    );
  });

  it('single-line mutations of valid patches never throw', () => {
    fc.assert(
      fc.property(
        patchArb,
        fc.nat(),
        fc.constantFrom('delete', 'duplicate', 'garble', 'swap'),
        fc.string({ maxLength: 10 }),
        (ops, k, how, junk) => {
          const lines = serialise(ops).split('\n');
          const i = k % lines.length;
          const j = (k * 7 + 3) % lines.length;
          switch (how) {
            case 'delete':
              lines.splice(i, 1);
              break;
            case 'duplicate':
              lines.splice(i, 0, lines[i] as string);
              break;
            case 'garble':
              lines[i] = junk + (lines[i] ?? '');
              break;
            case 'swap': {
              const t = lines[i] as string;
              lines[i] = lines[j] as string;
              lines[j] = t;
              break;
            }
          }
          expectClear(parsePatch(lines.join('\n')));
        },
      ),
      fuzzParams(800, 44),
    );
  });

  it('non-string input is refused, not thrown', () => {
    for (const v of [null, undefined, 42, {}, ['*** Begin Patch']]) {
      const r = parsePatch(v as unknown as string);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/string/);
    }
  });
});

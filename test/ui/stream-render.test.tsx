/**
 * A streamed answer ends up on screen exactly as the same answer arriving in one piece: the
 * committed blocks printed into scrollback plus the live tail never lose, repeat or reorder text,
 * wherever the deltas split it — inside a code fence or its fence line, between list items, in
 * the middle of a multi-byte character (a surrogate pair) or of an ANSI-looking sequence.
 * Every block carries unique words, so "at most once while streaming, exactly once at the end"
 * can be checked on the screen text.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { delta, done, finished, runDone, started, turn, user } from './events.js';
import { renderApp } from './harness.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** A markdown block whose words are `w<n>a`, `w<n>b`, … (unique to block n). */
function block(kind: number, n: number): string {
  const w = (i: number) => `w${n}${String.fromCharCode(97 + i)}`;
  switch (kind) {
    case 0:
      return `${w(0)} ${w(1)} 🙂 ${w(2)} 漢字 ${w(3)}.`;
    case 1:
      return `## ${w(0)} ${w(1)}`;
    case 2:
      return `- ${w(0)} item\n- ${w(1)} item\n  1. ${w(2)} nested\n  2. ${w(3)} nested`;
    case 3:
      return `\`\`\`ts\nconst ${w(0)} = 1;\n\nfunction ${w(1)}() {}\n\`\`\``;
    case 4:
      return `\`\`\`\n${w(0)} untagged\n${w(1)} code\n\`\`\``;
    case 5:
      return `| k | v |\n| --- | --- |\n| ${w(0)} | ${w(1)} |`;
    case 6:
      return `> ${w(0)} quoted ${w(1)}`;
    default:
      return `Red \x1b[31m ${w(0)} \x1b[0m and [31m ${w(1)} and e\u0301 ${w(2)}`;
  }
}

const WORD = /\bw\d+[a-z]\b/g;
const words = (s: string) => s.match(WORD) ?? [];
const counts = (s: string) => {
  const m = new Map<string, number>();
  for (const w of words(s)) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
};

/** Streams `answer` cut at `cuts`; returns what was printed, checking every step. */
async function stream(answer: string, cuts: number[]) {
  const app = await renderApp();
  cleanup = app.unmount;
  await app.emit(started(), user('q'), turn());
  const points = [...new Set(cuts.map((c) => c % (answer.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, answer.length]) {
    if (to <= from) continue;
    await app.emit(delta(answer.slice(from, to)));
    from = to;
    // Never twice on screen: scrollback plus the live region.
    for (const [w, c] of counts(app.screen())) expect(c, `${w} shown twice`).toBe(1);
    // Printed text stays printed: the live region never holds a committed word.
    const printed = new Set(words(app.printed.join('')));
    for (const w of words(app.lastFrame() ?? '')) expect(printed.has(w), `${w} live and printed`).toBe(false);
  }
  await app.emit(done(answer), finished(), runDone());
  const out = { printed: app.printed.join(''), live: app.lastFrame() ?? '', screen: app.screen() };
  app.unmount();
  cleanup = undefined;
  return out;
}

const answerArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom('\n\n', '\n\n\n', '\n')), {
    minLength: 1,
    maxLength: 7,
  })
  .map((bs) =>
    bs
      .map(([k, sep], n) => block(k, n) + (n < bs.length - 1 ? (k === 3 || k === 4 ? '\n\n' : sep) : ''))
      .join(''),
  );

describe('streamed answer on screen', () => {
  it('scrollback + live region equal the answer rendered in one piece, wherever the deltas cut', async () => {
    await fc.assert(
      fc.asyncProperty(answerArb, fc.array(fc.nat(), { maxLength: 24 }), async (answer, cuts) => {
        const whole = await stream(answer, []);
        const parts = await stream(answer, cuts);
        expect(parts.printed).toBe(whole.printed);
        expect(parts.live).toBe(whole.live);
        const expected = new Set(words(answer));
        expect(new Set(words(parts.screen))).toEqual(expected);
        for (const [w, c] of counts(parts.screen)) expect(c, w).toBe(1);
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('fence lines, surrogate pairs and escape sequences cut in the middle', async () => {
    const answer = `${block(0, 0)}\n\n${block(3, 1)}\n\n${block(7, 2)}\n\n${block(2, 3)}`;
    const cuts: number[] = [];
    for (const needle of ['``', '`ts', '🙂', '\x1b[', '[31', '\n\n', '  1.', '漢']) {
      const at = answer.indexOf(needle);
      expect(at).toBeGreaterThanOrEqual(0);
      cuts.push(at + 1);
    }
    // Inside the surrogate pair of 🙂, and between the escape's ESC and its "[".
    expect(answer.charCodeAt(answer.indexOf('🙂') + 1)).toBeGreaterThanOrEqual(0xdc00);
    const whole = await stream(answer, []);
    const parts = await stream(answer, cuts);
    expect(parts.printed).toBe(whole.printed);
    expect(parts.screen).toContain('🙂');
    expect(parts.screen).not.toContain('\ufffd');
    for (const [w, c] of counts(parts.screen)) expect(c, w).toBe(1);
    expect(new Set(words(parts.screen))).toEqual(new Set(words(answer)));
  }, 60_000);
});

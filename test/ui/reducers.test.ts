import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Command, normalizeInkKey, resolveCommand } from '../../src/ui/keymap.js';
import { findSafeSplit, safeSplitPoints } from '../../src/ui/markdown/split.js';
import { fuzzyScore, mentionAt, rankPaths } from '../../src/ui/mentions.js';
import { sanitizeText } from '../../src/ui/sanitize.js';
import { completeSlash, parseSlash } from '../../src/ui/slash.js';
import { composerReducer, cursorPosition, initialComposer } from '../../src/ui/state/composer.js';
import {
  appendDelta,
  flushStream,
  newStream,
  pendingText,
  replaceItem,
  resetAttempt,
} from '../../src/ui/state/stream.js';

const NO_KEY = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
};

describe('findSafeSplit', () => {
  it('splits after blank lines, never inside a fence', () => {
    expect(findSafeSplit('a\n\nb')).toEqual({ end: 3, openFence: null });
    expect(findSafeSplit('a\nb')).toBeNull();
    expect(findSafeSplit('p\n\n```js\nx\n\ny\n')).toEqual({ end: 3, openFence: null });
    expect(findSafeSplit('```js\nx\n\ny\n```\nrest')).toEqual({ end: 15, openFence: null });
    expect(findSafeSplit('~~~\n```\n~~~\n\nz')).toEqual({ end: 13, openFence: null });
  });

  it('cuts an over-long fenced block at a line boundary, reporting the open fence', () => {
    const text = `\`\`\`ts\n${'const x = 1;\n'.repeat(100)}`;
    const r = findSafeSplit(text, null, 500);
    expect(r?.openFence).toBe('```ts');
    expect(text.length - (r?.end ?? 0)).toBeLessThan(520);
    const points = safeSplitPoints(text, null, 500);
    expect(points.length).toBeGreaterThanOrEqual(2);
    for (const p of points) expect(text[p.end - 1]).toBe('\n');
  });
});

describe('stream', () => {
  it('replace-on-done replaces accumulated deltas', () => {
    let s = appendDelta(newStream('t'), 'm', 'Hel');
    s = appendDelta(s, 'm', 'lo wrld');
    s = replaceItem(s, 'm', 'Hello world');
    expect(s.text).toBe('Hello world');
  });

  it('joins items with a blank line', () => {
    let s = appendDelta(newStream('t'), 'a', 'One.');
    s = appendDelta(s, 'b', 'Two.');
    expect(s.text).toBe('One.\n\nTwo.');
  });

  it('closes and re-opens a fence cut for length', () => {
    let s = appendDelta(newStream('t'), 'm', `\`\`\`ts\n${'let a = 1;\n'.repeat(1000)}`);
    const r = flushStream(s, false, 2000);
    expect(r.commits.length).toBeGreaterThan(1);
    for (const c of r.commits) {
      expect(c.startsWith('```ts\n')).toBe(true);
      expect(c.trimEnd().endsWith('```')).toBe(true);
    }
    s = appendDelta(r.stream, 'm', 'tail();\n```\n');
    expect(pendingText(s).startsWith('```ts\n')).toBe(true);
    expect(pendingText(s)).toContain('tail();');
  });

  it('property: any delta split with retries at any point shows the answer exactly once', () => {
    const answer =
      '# Title\n\nFirst paragraph.\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\n- item one\n- item two\n\nLast words.';
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: answer.length - 1 }), { maxLength: 12 }),
        fc.integer({ min: 0, max: answer.length }),
        fc.integer({ min: 0, max: 3 }),
        (cuts, failAt, retries) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const chunks: string[] = [];
          let prev = 0;
          for (const p of [...points, answer.length]) {
            chunks.push(answer.slice(prev, p));
            prev = p;
          }
          let s = newStream('t');
          const committed: string[] = [];
          const flush = (final: boolean) => {
            const r = flushStream(s, final);
            s = r.stream;
            expect(r.diverged).toBe(false);
            committed.push(...r.commits);
          };
          // Failed attempts stream a prefix of the answer, then are reset.
          for (let a = 0; a < retries; a++) {
            let sent = 0;
            for (const c of chunks) {
              if (sent + c.length > failAt) break;
              s = appendDelta(s, `m${a}`, c);
              sent += c.length;
              flush(false);
            }
            s = resetAttempt(s);
          }
          for (const c of chunks) {
            s = appendDelta(s, 'final', c);
            flush(false);
          }
          s = replaceItem(s, 'final', answer);
          flush(true);
          // Whitespace-only chunks (a lone blank line) are not printed; everything else exactly once.
          const squash = (t: string) => t.replace(/\n+/g, '\n');
          expect(squash(committed.join(''))).toBe(squash(answer));
          expect(pendingText(s)).toBe('');
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('composer reducer', () => {
  const apply = (...actions: Parameters<typeof composerReducer>[1][]) =>
    actions.reduce(composerReducer, initialComposer(['a', 'b']));

  it('inserts at the cursor and normalises pasted line ends and tabs', () => {
    const s = apply({ type: 'insert', text: 'x\r\ny\tz' }, { type: 'home' }, { type: 'insert', text: '>' });
    expect(s.text).toBe('x\n>y  z');
    expect(cursorPosition(s)).toEqual({ line: 1, column: 1 });
  });

  it('moves vertically inside multi-line text before using history', () => {
    let s = apply({ type: 'insert', text: 'one\ntwo' });
    s = composerReducer(s, { type: 'up' });
    expect(s.text).toBe('one\ntwo');
    expect(cursorPosition(s)).toEqual({ line: 0, column: 3 });
    s = composerReducer(s, { type: 'up' });
    expect(s.text).toBe('b');
  });

  it('kills to line start/end and deletes words', () => {
    let s = apply({ type: 'insert', text: 'foo bar baz' });
    s = composerReducer(s, { type: 'deleteWordBack' });
    expect(s.text).toBe('foo bar ');
    s = composerReducer(s, { type: 'wordLeft' });
    s = composerReducer(s, { type: 'killLineForward' });
    expect(s.text).toBe('foo ');
    s = composerReducer(s, { type: 'killLineBack' });
    expect(s.text).toBe('');
  });

  it('records submissions once, skipping duplicates of the last entry', () => {
    let s = apply(
      { type: 'submitted', text: 'b' },
      { type: 'submitted', text: 'c' },
      { type: 'submitted', text: '  ' },
    );
    expect(s.history).toEqual(['a', 'b', 'c']);
    s = composerReducer(s, { type: 'historyLoaded', entries: ['old'] });
    expect(s.history).toEqual(['old', 'a', 'b', 'c']);
  });
});

describe('keymap, mentions, slash, sanitize', () => {
  it('resolves keys by focus context', () => {
    const esc = normalizeInkKey('', { ...NO_KEY, escape: true, meta: true });
    expect(resolveCommand('composer', esc)).toBe(Command.INTERRUPT);
    // Esc in an approval prompt stops the turn (global), it does not just deny that call.
    expect(resolveCommand('approval', esc)).toBe(Command.INTERRUPT);
    expect(resolveCommand('approval', normalizeInkKey('y', NO_KEY))).toBe(Command.APPROVE);
    expect(resolveCommand('composer', normalizeInkKey('y', NO_KEY))).toBeNull();
    expect(resolveCommand('composer', normalizeInkKey('\n', NO_KEY))).toBe(Command.NEWLINE);
    expect(resolveCommand('composer', normalizeInkKey('[27;2;13~', NO_KEY))).toBe(Command.NEWLINE);
    expect(resolveCommand('composer', normalizeInkKey('\r', { ...NO_KEY, return: true, shift: true }))).toBe(
      Command.NEWLINE,
    );
    expect(resolveCommand('composer', normalizeInkKey('c', { ...NO_KEY, ctrl: true }))).toBe(
      Command.CLEAR_OR_EXIT,
    );
  });

  it('finds @mentions and ranks paths', () => {
    expect(mentionAt('see @src/a', 10)).toEqual({ start: 4, end: 10, query: 'src/a' });
    expect(mentionAt('mail a@b', 8)).toBeNull();
    expect(fuzzyScore('xyz', 'src/a.ts')).toBeNull();
    expect(rankPaths('readme', ['docs/readme-old/x.md', 'README.md'])[0]).toBe('README.md');
  });

  it('parses and completes slash commands', () => {
    expect(parseSlash('/model  o3 ')).toEqual({ name: 'model', args: 'o3' });
    expect(parseSlash('hello')).toBeNull();
    expect(completeSlash('/co').map((c) => c.name)).toEqual(['compact', 'copy']);
    expect(completeSlash('/model x')).toEqual([]);
  });

  it('strips terminal escapes and control characters from untrusted text', () => {
    expect(sanitizeText('a\x1b[2J\x1b]52;c;ZXZpbA==\x07b\x07c')).toBe('abc');
    expect(sanitizeText('progress 10%\rprogress 100%\nnext\ttab')).toBe('progress 100%\nnext    tab');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INITIAL_KEY_PARSER, type KeyParserState, parseKeys } from '../../src/ui/input/parse-keys.js';
import type { KeyPress } from '../../src/ui/keymap.js';
import { approvalsOnEvent, approvalsReducer, initialApprovals } from '../../src/ui/state/approvals.js';
import { ctrlC, exitArmed } from '../../src/ui/state/interrupt.js';
import { askApproval, cmd, editSubject } from './events.js';

const names = (chunk: string) => parseKeys(INITIAL_KEY_PARSER, chunk).keys.map((k) => k.name || k.text);

function feed(chunks: string[]): KeyPress[] {
  let state: KeyParserState = INITIAL_KEY_PARSER;
  const keys: KeyPress[] = [];
  for (const c of chunks) {
    const r = parseKeys(state, c);
    state = r.state;
    keys.push(...r.keys);
  }
  return keys;
}

describe('parseKeys: one terminal read → every key in it', () => {
  it('splits a burst of Backspaces (DEL and ^H) into one key each', () => {
    expect(names('\x7f\x7f\x7f\x7f\x7f')).toEqual(Array(5).fill('backspace'));
    expect(names('\b\b')).toEqual(['backspace', 'backspace']);
  });

  it('keeps text runs together and splits control keys and sequences out', () => {
    expect(names('abc\x7f\x7fd\x1b[D\x1b[Dxy\r')).toEqual([
      'abc',
      'backspace',
      'backspace',
      'd',
      'left',
      'left',
      'xy',
      'return',
    ]);
  });

  it('reads modifiers, SS3, CSI ~, CSI u, modifyOtherKeys and Alt+key', () => {
    const k = parseKeys(
      INITIAL_KEY_PARSER,
      '\x1b[1;5C\x1bOA\x1b[3~\x1b[13;2u\x1b[27;2;13~\x1bb\x1b\x7f\x03\x1b',
    ).keys;
    expect(k.map((x) => [x.name, x.ctrl, x.meta, x.shift])).toEqual([
      ['right', true, false, false],
      ['up', false, false, false],
      ['delete', false, false, false],
      ['return', false, false, true],
      ['return', false, false, true],
      ['b', false, true, false],
      ['backspace', false, true, false],
      ['c', true, false, false],
      ['escape', false, false, false],
    ]);
  });

  it('never turns an unknown sequence or control character into text', () => {
    const keys = parseKeys(INITIAL_KEY_PARSER, 'a\x1b[99;99X\x1c\x1fb').keys;
    expect(keys.map((k) => k.text).join('')).toBe('ab');
  });

  it('bracketed paste: verbatim text over several reads, as one paste key', () => {
    const keys = feed(['\x1b[200~line 1\r\nline 2', '\n\tindented\x1b[31m', 'x\x1b[201~', '\x7f']);
    expect(keys.map((k) => k.name)).toEqual(['paste', 'backspace']);
    // CRLF → LF, tabs kept, escape sequences inside the paste dropped.
    expect(keys[0]?.text).toBe('line 1\nline 2\n\tindentedx');
  });

  it('an unbracketed multi-line read is one paste (not submitted line by line); text + Enter is not', () => {
    expect(names('one\rtwo\rthree')).toEqual(['paste']);
    expect(names('hello\r')).toEqual(['hello', 'return']);
  });

  it('property: any mix of text and Backspaces yields every key, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('\x7f'), fc.constantFrom('a', 'b', 'é', '→'))), (parts) => {
        const keys = parseKeys(INITIAL_KEY_PARSER, parts.join('')).keys;
        const back = keys.map((k) => (k.name === 'backspace' ? '\x7f' : k.text)).join('');
        expect(back).toBe(parts.join(''));
      }),
    );
  });
});

describe('Ctrl+C decision (injected clock)', () => {
  it('interrupts while busy, clears when idle, exits inside the window only', () => {
    expect(ctrlC({ now: 0, armedAt: null, windowMs: 2000, busy: true })).toBe('interrupt');
    expect(ctrlC({ now: 0, armedAt: null, windowMs: 2000, busy: false })).toBe('clear');
    expect(ctrlC({ now: 1999, armedAt: 0, windowMs: 2000, busy: true })).toBe('exit');
    expect(ctrlC({ now: 2001, armedAt: 0, windowMs: 2000, busy: false })).toBe('clear');
    expect(exitArmed(0, 2000, 2000)).toBe(true);
    expect(exitArmed(0, 2001, 2000)).toBe(false);
  });
});

describe('approvals: edit buffer and diff', () => {
  it('the edit field is a composer: backspace, cursor moves and inserts apply in order', () => {
    let s = approvalsOnEvent(initialApprovals(), askApproval('c1', cmd('rm -rf build')), 0);
    s = approvalsReducer(s, { type: 'editStart' });
    for (let i = 0; i < 5; i++)
      s = approvalsReducer(s, { type: 'editCompose', action: { type: 'backspace' } });
    s = approvalsReducer(s, { type: 'editCompose', action: { type: 'insert', text: 'dist' } });
    expect(s.edit?.text).toBe('rm -rf dist');
    s = approvalsReducer(s, { type: 'editCompose', action: { type: 'home' } });
    expect(s.edit?.cursor).toBe(0);
  });

  it('expands and scrolls a diff within bounds; cancelAll empties the queue', () => {
    let s = approvalsOnEvent(initialApprovals(), askApproval('c1', editSubject('a', '+a\n+b\n')), 0);
    s = approvalsReducer(s, { type: 'toggleDiff' });
    expect(s.diffExpanded).toBe(true);
    s = approvalsReducer(s, { type: 'scrollDiff', lines: 50, max: 7 });
    expect(s.diffScroll).toBe(7);
    s = approvalsReducer(s, { type: 'scrollDiff', lines: -50, max: 7 });
    expect(s.diffScroll).toBe(0);
    expect(approvalsReducer(s, { type: 'cancelAll' }).queue).toEqual([]);
  });
});

describe('sourceTail (the live block is not re-parsed whole each frame)', () => {
  it('keeps the last lines, re-opening a fence the cut falls into', async () => {
    const { sourceTail } = await import('../../src/ui/markdown/split.js');
    const code = `Intro\n\n\`\`\`ts\n${Array.from({ length: 100 }, (_, i) => `line${i}`).join('\n')}`;
    const t = sourceTail(code, 5);
    expect(t.split('\n')[0]).toBe('```ts');
    expect(t.endsWith('line99')).toBe(true);
    expect(t.split('\n')).toHaveLength(6);
    expect(sourceTail('a\nb', 5)).toBe('a\nb');
    const closed = `\`\`\`\nx\n\`\`\`\n${'p\n'.repeat(10)}`;
    expect(sourceTail(closed, 3).startsWith('```')).toBe(false);
  });
});

describe('sourceTail inside a table', () => {
  it('puts the header and delimiter rows back, so the tail still renders as a table', async () => {
    const { sourceTail } = await import('../../src/ui/markdown/split.js');
    const table = `Intro\n\n| a | b |\n| --- | :-: |\n${Array.from({ length: 40 }, (_, i) => `| r${i} | ${i} |`).join('\n')}`;
    const t = sourceTail(table, 5).split('\n');
    expect(t.slice(0, 2)).toEqual(['| a | b |', '| --- | :-: |']);
    expect(t.slice(2)).toEqual(Array.from({ length: 5 }, (_, i) => `| r${35 + i} | ${35 + i} |`));
    // Not a table: a paragraph with pipes keeps only its last lines.
    const para = `x\n\n${Array.from({ length: 10 }, (_, i) => `a | b ${i}`).join('\n')}`;
    expect(sourceTail(para, 3)).toBe('a | b 7\na | b 8\na | b 9');
    // The cut right below the delimiter: nothing to put back twice.
    expect(sourceTail('| a |\n| - |\n| 1 |\n| 2 |', 2)).toBe('| a |\n| - |\n| 1 |\n| 2 |');
  });
});

describe('sourceTail after a setext heading with a pipe', () => {
  it('is not taken for a table', async () => {
    const { sourceTail } = await import('../../src/ui/markdown/split.js');
    expect(sourceTail('a | b\n---\nc\nd\ne', 2)).toBe('d\ne');
  });
});

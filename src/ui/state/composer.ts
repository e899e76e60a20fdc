/**
 * The composer: a pure reducer over a multi-line text buffer, a cursor (a UTF-16 offset into
 * the text) and the prompt history. No I/O: persisting history is the services' job.
 */

/** Composer state. */
export interface ComposerState {
  text: string;
  /** Cursor offset into `text` (0…text.length). */
  cursor: number;
  /** Previous submissions, oldest first. */
  history: readonly string[];
  /** Index into `history` while browsing it with ↑/↓, else null. */
  historyIndex: number | null;
  /** What was typed before history browsing started (restored by ↓ past the newest entry). */
  draft: string;
}

/** Composer actions. */
export type ComposerAction =
  | { type: 'insert'; text: string }
  | { type: 'backspace' }
  | { type: 'deleteForward' }
  | { type: 'deleteWordBack' }
  | { type: 'killLineBack' }
  | { type: 'killLineForward' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'wordLeft' }
  | { type: 'wordRight' }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'set'; text: string; cursor?: number }
  | { type: 'clear' }
  /** Records a submitted text in history and clears the buffer. */
  | { type: 'submitted'; text: string }
  | { type: 'historyLoaded'; entries: readonly string[] };

/** Max history entries kept in memory (and persisted). */
export const HISTORY_LIMIT = 500;

/** An empty composer. */
export function initialComposer(history: readonly string[] = []): ComposerState {
  return { text: '', cursor: 0, history, historyIndex: null, draft: '' };
}

const lineStart = (t: string, c: number) => t.lastIndexOf('\n', c - 1) + 1;
const lineEnd = (t: string, c: number) => {
  const i = t.indexOf('\n', c);
  return i === -1 ? t.length : i;
};

function wordLeft(t: string, c: number): number {
  let i = c;
  while (i > 0 && /\s/.test(t[i - 1] ?? '')) i--;
  while (i > 0 && !/\s/.test(t[i - 1] ?? '')) i--;
  return i;
}

function wordRight(t: string, c: number): number {
  let i = c;
  while (i < t.length && /\s/.test(t[i] ?? '')) i++;
  while (i < t.length && !/\s/.test(t[i] ?? '')) i++;
  return i;
}

/** Moves the cursor one line up/down keeping the column; null when already on the first/last line. */
function verticalMove(t: string, c: number, dir: -1 | 1): number | null {
  const start = lineStart(t, c);
  const col = c - start;
  if (dir === -1) {
    if (start === 0) return null;
    const prevStart = lineStart(t, start - 1);
    return Math.min(prevStart + col, start - 1);
  }
  const end = lineEnd(t, c);
  if (end === t.length) return null;
  const nextStart = end + 1;
  return Math.min(nextStart + col, lineEnd(t, nextStart));
}

function edit(s: ComposerState, text: string, cursor: number): ComposerState {
  return { ...s, text, cursor, historyIndex: null };
}

/** The composer reducer (pure). */
export function composerReducer(s: ComposerState, a: ComposerAction): ComposerState {
  const { text: t, cursor: c } = s;
  switch (a.type) {
    case 'insert': {
      // Pasted text arrives with CR line ends from most terminals; tabs become spaces so the
      // cursor column stays predictable.
      const ins = a.text.replace(/\r\n?/g, '\n').replace(/\t/g, '  ');
      return edit(s, t.slice(0, c) + ins + t.slice(c), c + ins.length);
    }
    case 'backspace':
      return c === 0 ? s : edit(s, t.slice(0, c - 1) + t.slice(c), c - 1);
    case 'deleteForward':
      return c >= t.length ? s : edit(s, t.slice(0, c) + t.slice(c + 1), c);
    case 'deleteWordBack': {
      const i = wordLeft(t, c);
      return edit(s, t.slice(0, i) + t.slice(c), i);
    }
    case 'killLineBack': {
      const i = lineStart(t, c);
      return edit(s, t.slice(0, i) + t.slice(c), i);
    }
    case 'killLineForward': {
      const i = lineEnd(t, c);
      return edit(s, t.slice(0, c) + t.slice(i === c && c < t.length ? c + 1 : i), c);
    }
    case 'left':
      return { ...s, cursor: Math.max(0, c - 1) };
    case 'right':
      return { ...s, cursor: Math.min(t.length, c + 1) };
    case 'wordLeft':
      return { ...s, cursor: wordLeft(t, c) };
    case 'wordRight':
      return { ...s, cursor: wordRight(t, c) };
    case 'home':
      return { ...s, cursor: lineStart(t, c) };
    case 'end':
      return { ...s, cursor: lineEnd(t, c) };
    case 'up': {
      const moved = verticalMove(t, c, -1);
      if (moved !== null) return { ...s, cursor: moved };
      if (s.history.length === 0) return s;
      const idx = s.historyIndex === null ? s.history.length - 1 : Math.max(0, s.historyIndex - 1);
      const entry = s.history[idx] ?? '';
      return {
        ...s,
        text: entry,
        cursor: entry.length,
        historyIndex: idx,
        draft: s.historyIndex === null ? t : s.draft,
      };
    }
    case 'down': {
      const moved = verticalMove(t, c, 1);
      if (moved !== null) return { ...s, cursor: moved };
      if (s.historyIndex === null) return s;
      if (s.historyIndex >= s.history.length - 1) {
        return { ...s, text: s.draft, cursor: s.draft.length, historyIndex: null, draft: '' };
      }
      const idx = s.historyIndex + 1;
      const entry = s.history[idx] ?? '';
      return { ...s, text: entry, cursor: entry.length, historyIndex: idx };
    }
    case 'set':
      return edit(s, a.text, Math.min(a.text.length, a.cursor ?? a.text.length));
    case 'clear':
      return { ...s, text: '', cursor: 0, historyIndex: null, draft: '' };
    case 'submitted': {
      const entry = a.text.trim();
      const last = s.history[s.history.length - 1];
      const history =
        entry === '' || entry === last ? s.history : [...s.history, entry].slice(-HISTORY_LIMIT);
      return { text: '', cursor: 0, history, historyIndex: null, draft: '' };
    }
    case 'historyLoaded':
      // Entries typed before the file finished loading stay newest.
      return { ...s, history: [...a.entries, ...s.history].slice(-HISTORY_LIMIT) };
    default: {
      const unreachable: never = a;
      return unreachable;
    }
  }
}

/** The cursor as (line, column), both 0-based. */
export function cursorPosition(s: Pick<ComposerState, 'text' | 'cursor'>): { line: number; column: number } {
  const before = s.text.slice(0, s.cursor);
  const line = before.split('\n').length - 1;
  return { line, column: s.cursor - lineStart(s.text, s.cursor) };
}

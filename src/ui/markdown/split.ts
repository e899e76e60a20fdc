/**
 * Where a streaming markdown answer may be cut so the part before the cut can be committed to
 * scrollback (Ink `<Static>`) and never re-rendered. Markdown blocks end at blank lines, so a
 * blank line outside a fenced code block is a safe split point (gemini's
 * `findLastSafeSplitPoint`); a fence is never split, unless it grows beyond `maxPendingChars`,
 * in which case it is closed and re-opened so the live region stays small.
 */

/** Result of {@link findSafeSplit}. */
export interface SafeSplit {
  /** Characters of the input that can be committed (a line boundary). */
  end: number;
  /**
   * Set when `end` falls inside a fenced code block: the fence's opening line (e.g. "```ts").
   * The committed part must be closed with the matching fence and the rest re-opened with it.
   */
  openFence: string | null;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Per-line fence tracking; returns the opening line while inside a fence, else null. */
function nextFenceState(line: string, open: string | null): string | null {
  const m = FENCE.exec(line);
  if (!m) return open;
  const marker = m[1] ?? '';
  if (open === null) return line.trimStart();
  const openMarker = FENCE.exec(open)?.[1] ?? '```';
  // A closing fence uses the same character, is at least as long, and carries no info string.
  if (marker[0] === openMarker[0] && marker.length >= openMarker.length && (m[2] ?? '').trim() === '')
    return null;
  return open;
}

/**
 * Every safe split point of `text` in order (see {@link findSafeSplit}); committing block by
 * block keeps each printed entry small, so terminal layout cost stays linear in the answer.
 */
export function safeSplitPoints(
  text: string,
  initialFence: string | null = null,
  maxPendingChars = 8000,
): SafeSplit[] {
  let fence = initialFence;
  let pos = 0;
  const points: SafeSplit[] = [];
  let lastEnd = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1) break; // an unterminated line is never committed: it may still grow
    const line = text.slice(pos, nl);
    const wasInFence = fence !== null;
    fence = nextFenceState(line, fence);
    pos = nl + 1;
    // Safe: after a blank line outside a fence, or right after a closing fence line.
    if (fence === null && (line.trim() === '' || wasInFence)) {
      points.push({ end: pos, openFence: null });
      lastEnd = pos;
    } else if (pos - lastEnd > maxPendingChars) {
      // A block (usually a fence) too long to keep live: cut at this line boundary.
      points.push({ end: pos, openFence: fence });
      lastEnd = pos;
    }
  }
  return points;
}

/**
 * Finds the last safe split point of `text`, which starts outside any fence unless
 * `initialFence` names the fence it starts in. Returns null when nothing can be committed yet.
 * `maxPendingChars` (default 8000) bounds how long a block may stay live before it is cut at a
 * line boundary anyway.
 */
export function findSafeSplit(
  text: string,
  initialFence: string | null = null,
  maxPendingChars = 8000,
): SafeSplit | null {
  const points = safeSplitPoints(text, initialFence, maxPendingChars);
  return points[points.length - 1] ?? null;
}

/** The number of lines in `text` (a trailing newline does not start a new line). */
export function countLines(text: string): number {
  if (text === '') return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) if (i < text.length - 1) n++;
  return n;
}

// A table's delimiter row ("| --- | :-: |"), which makes the line above it a header.
const TABLE_DELIMITER = /^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/**
 * The last `maxLines` source lines of a live markdown block, for drawing its tail: a long block
 * (a big code fence, a long table) is not re-parsed and re-highlighted whole on every frame. When
 * the cut falls inside a fence, its opening line is put back so the tail still renders as code;
 * inside a table, its header and delimiter rows, so it still renders as a table.
 */
export function sourceTail(text: string, maxLines: number): string {
  let cut = text.length;
  for (let n = 0; n < maxLines; n++) {
    cut = text.lastIndexOf('\n', cut - 1);
    if (cut <= 0) return text;
  }
  const head = text.slice(0, cut + 1);
  const tail = text.slice(cut + 1);
  const lines = head.split('\n');
  let fence: string | null = null;
  for (const line of lines) fence = nextFenceState(line, fence);
  if (fence) return `${fence}\n${tail}`;
  // The open block's first lines (after the last blank line of the head).
  let start = lines.length - 1;
  while (start > 0 && (lines[start - 1] ?? '').trim() !== '') start--;
  const header = lines[start] ?? '';
  const delimiter = lines[start + 1] ?? '';
  if (
    start + 2 < lines.length &&
    header.includes('|') &&
    delimiter.includes('|') &&
    TABLE_DELIMITER.test(delimiter)
  )
    return `${header}\n${delimiter}\n${tail}`;
  return tail;
}

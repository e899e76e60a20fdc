/**
 * Model-facing output truncation (RELIABILITY R19, gemini's budget split): keep 20% of the
 * character budget from the head and 80% from the tail, cut on line boundaries when one is near,
 * and report exactly what was dropped so the UI and the model message come from one object.
 */

/** Share of the budget kept from the start of the output. */
export const HEAD_SHARE = 0.2;

/** What {@link truncateHeadTail} did. */
export interface TruncationResult {
  /** Kept head text. */
  head: string;
  /** Kept tail text (empty when not truncated). */
  tail: string;
  truncated: boolean;
  /** Characters in the full output. */
  totalChars: number;
  /** Lines in the full output. */
  totalLines: number;
  /** Characters dropped between head and tail. */
  omittedChars: number;
  /** Newlines dropped between head and tail. */
  omittedLines: number;
}

function countLines(s: string): number {
  if (s.length === 0) return 0;
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return s.endsWith('\n') ? n : n + 1;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Head cut: end at the last newline in the second half of the head budget, if any. */
export function cutHead(s: string, budget: number): string {
  if (s.length <= budget) return s;
  const slice = s.slice(0, budget);
  const nl = slice.lastIndexOf('\n');
  return nl >= budget / 2 ? slice.slice(0, nl + 1) : slice;
}

/** Tail cut: start after the first newline in the first half of the tail budget, if any. */
export function cutTail(s: string, budget: number): string {
  if (s.length <= budget) return s;
  const slice = s.slice(s.length - budget);
  const nl = slice.indexOf('\n');
  return nl >= 0 && nl < budget / 2 ? slice.slice(nl + 1) : slice;
}

/** Splits `text` into a head and tail that fit `maxChars` together. */
export function truncateHeadTail(text: string, maxChars: number): TruncationResult {
  const totalLines = countLines(text);
  if (text.length <= maxChars) {
    return {
      head: text,
      tail: '',
      truncated: false,
      totalChars: text.length,
      totalLines,
      omittedChars: 0,
      omittedLines: 0,
    };
  }
  const headBudget = Math.floor(maxChars * HEAD_SHARE);
  const head = cutHead(text, headBudget);
  const tail = cutTail(text, maxChars - headBudget);
  const omitted = text.slice(head.length, text.length - tail.length);
  return {
    head,
    tail,
    truncated: true,
    totalChars: text.length,
    totalLines,
    omittedChars: omitted.length,
    omittedLines: countNewlines(omitted),
  };
}

/** The marker line placed between head and tail. */
export function truncationMarker(
  omittedChars: number,
  omittedLines: number,
  totalChars: number,
  spillPath?: string,
  spillNote = '',
): string {
  const where = spillPath
    ? ` Full output (${totalChars} chars) saved to ${spillPath}; use read_file with start_line/end_line to read the omitted part.${spillNote}`
    : spillNote;
  return `\n[... output truncated: ${omittedChars} characters (${omittedLines} lines) omitted.${where} ...]\n`;
}

/** Joins a truncation result into the text the model sees. */
export function renderTruncated(r: TruncationResult, spillPath?: string): string {
  if (!r.truncated) return r.head;
  return `${r.head}${truncationMarker(r.omittedChars, r.omittedLines, r.totalChars, spillPath)}${r.tail}`;
}

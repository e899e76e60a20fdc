/**
 * The live assistant stream of one model call: deltas accumulate here, complete markdown blocks
 * are cut off and committed, the unfinished tail stays live. Pure functions over plain objects.
 *
 * Retry contract (RELIABILITY R7): on `turn_retrying` the partial text is discarded. Blocks that
 * were already committed to scrollback cannot be unprinted, so they become a `shadow`: the retried
 * attempt's text is matched against it and only what goes beyond it is shown, so the answer
 * appears exactly once. If the retried text diverges, a notice says so and it is shown in full.
 */
import { safeSplitPoints } from '../markdown/split.js';

/** Live stream state. */
export interface StreamState {
  turnId: string;
  /** All assistant text of the current attempt, items joined by a blank line. */
  text: string;
  /** Characters of `text` already committed to scrollback. */
  shownLen: number;
  /** Opening line of the fenced block `shownLen` falls into (a block cut because it grew too long). */
  fence: string | null;
  /** Text committed by a failed attempt, not yet matched by the retry (see module doc). */
  shadow: { text: string; fence: string | null } | null;
  /** Offset in `text` where each assistant item starts. */
  itemStarts: Readonly<Record<string, number>>;
}

/** What a flush produced. */
export interface FlushResult {
  stream: StreamState;
  /** Markdown chunks to commit, in order. */
  commits: string[];
  /** Set when a retried attempt diverged from text already shown. */
  diverged: boolean;
  /** Set when the turn ended before its retried attempt repeated all of the text already shown. */
  discarded?: boolean;
}

/** A new stream for `turnId`. */
export function newStream(turnId: string): StreamState {
  return { turnId, text: '', shownLen: 0, fence: null, shadow: null, itemStarts: {} };
}

function itemStart(s: StreamState, itemId: string): { s: StreamState; start: number } {
  const known = s.itemStarts[itemId];
  if (known !== undefined) return { s, start: known };
  const sep = s.text === '' || s.text.endsWith('\n\n') ? '' : s.text.endsWith('\n') ? '\n' : '\n\n';
  const text = s.text + sep;
  return { s: { ...s, text, itemStarts: { ...s.itemStarts, [itemId]: text.length } }, start: text.length };
}

/** Appends a delta of item `itemId`. */
export function appendDelta(s: StreamState, itemId: string, delta: string): StreamState {
  const r = itemStart(s, itemId);
  return { ...r.s, text: r.s.text + delta };
}

/** Replaces the accumulated text of `itemId` with its authoritative final text. */
export function replaceItem(s: StreamState, itemId: string, finalText: string): StreamState {
  const r = itemStart(s, itemId);
  const start = r.start;
  // Later items (rare) keep their text after the replaced one.
  const later = Object.entries(r.s.itemStarts).filter(([, off]) => off > start);
  const nextStart = later.length ? Math.min(...later.map(([, off]) => off)) : r.s.text.length;
  const oldLen = nextStart - start;
  const tail = r.s.text.slice(nextStart);
  const body = later.length ? `${finalText}\n\n` : finalText;
  const shift = body.length - oldLen;
  const itemStarts: Record<string, number> = { ...r.s.itemStarts };
  for (const [id, off] of later) itemStarts[id] = off + shift;
  return { ...r.s, text: r.s.text.slice(0, start) + body + tail, itemStarts };
}

/** Discards the current attempt (turn_retrying); what was already shown becomes the shadow. */
export function resetAttempt(s: StreamState): StreamState {
  const shown = s.text.slice(0, s.shownLen);
  // A second retry before the first one caught up keeps the longer shadow.
  const shadow = s.shadow && s.shadow.text.length > shown.length ? s.shadow : { text: shown, fence: s.fence };
  return { ...newStream(s.turnId), shadow: shadow.text === '' ? null : shadow };
}

function closingFence(open: string): string {
  const m = /^(`{3,}|~{3,})/.exec(open.trimStart());
  return m?.[1] ?? '```';
}

/** Resolves the shadow against the retried text. */
function resolveShadow(
  s: StreamState,
  final: boolean | 'turn',
): { s: StreamState; diverged: boolean; waiting: boolean; discarded?: boolean } {
  const sh = s.shadow;
  if (!sh) return { s, diverged: false, waiting: false };
  if (s.text.length >= sh.text.length) {
    if (s.text.startsWith(sh.text)) {
      return {
        s: { ...s, shadow: null, shownLen: sh.text.length, fence: sh.fence },
        diverged: false,
        waiting: false,
      };
    }
    return { s: { ...s, shadow: null, shownLen: 0, fence: null }, diverged: true, waiting: false };
  }
  if (sh.text.startsWith(s.text)) {
    // Still replaying what is on screen: nothing new to show. The end of one item is not the end
    // of the retry (the next item may replay the rest), so the shadow waits for the turn's end.
    // When the turn ends short of it, the text beyond was never repeated: say it was discarded.
    if (final === 'turn')
      return {
        s: { ...s, shadow: null, shownLen: s.text.length },
        diverged: false,
        waiting: true,
        discarded: true,
      };
    return { s, diverged: false, waiting: true };
  }
  return { s: { ...s, shadow: null, shownLen: 0, fence: null }, diverged: true, waiting: false };
}

/**
 * Commits the complete blocks of the pending text (all of it when `final`: the item ended, or
 * `'turn'`: the turn ended). `maxPendingChars` bounds how long one block may stay live.
 */
export function flushStream(
  input: StreamState,
  final: boolean | 'turn',
  maxPendingChars = 8000,
): FlushResult {
  const r = resolveShadow(input, final);
  let s = r.s;
  if (r.waiting)
    return { stream: s, commits: [], diverged: r.diverged, ...(r.discarded ? { discarded: true } : {}) };
  const pending = s.text.slice(s.shownLen);
  // One commit per markdown block: small entries keep terminal layout cost linear.
  const points = safeSplitPoints(pending, s.fence, maxPendingChars);
  if (final && (points[points.length - 1]?.end ?? 0) < pending.length)
    points.push({ end: pending.length, openFence: null });
  if (points.length === 0) return { stream: s, commits: [], diverged: r.diverged };
  const commits: string[] = [];
  let fence = s.fence;
  let start = 0;
  for (const p of points) {
    let chunk = (fence ? `${fence}\n` : '') + pending.slice(start, p.end);
    if (p.openFence) chunk += `${chunk.endsWith('\n') ? '' : '\n'}${closingFence(p.openFence)}\n`;
    if (chunk.trim() !== '') commits.push(detached(chunk));
    fence = p.openFence;
    start = p.end;
  }
  s = { ...s, shownLen: s.shownLen + start, fence: final ? null : fence };
  return { stream: s, commits, diverged: r.diverged };
}

/**
 * A copy of `s` that does not keep the string it was cut from alive. V8 represents a slice of a
 * long string as a view on it: a committed block sliced from the stream's text (flattened to a new
 * copy of the whole answer at each flush) kept that whole copy alive for as long as the transcript
 * holds the block — ~60 MB for one 200k-character answer, for the rest of the session.
 */
export function detached(s: string): string {
  return ` ${s}`.slice(1);
}

/** The live (uncommitted) markdown of the stream, '' while a retry replays shown text. */
export function pendingText(s: StreamState): string {
  if (s.shadow) {
    if (s.shadow.text.startsWith(s.text)) return '';
    // Not yet flushed past the shadow: show only what goes beyond it.
    if (s.text.startsWith(s.shadow.text)) {
      const rest = s.text.slice(s.shadow.text.length);
      return s.shadow.fence ? `${s.shadow.fence}\n${rest}` : rest;
    }
    return s.text;
  }
  const rest = s.text.slice(s.shownLen);
  return s.fence && rest !== '' ? `${s.fence}\n${rest}` : rest;
}

/**
 * Redaction of streamed text (JSONL `item.delta`). Redacting each delta alone leaks secrets
 * that arrive split over several deltas, so text is held back and released only up to a cut
 * point where no secret can straddle: a whitespace boundary (tokens, keys and URLs contain
 * none) at least `holdBack` characters before the end, never right after "Bearer". Each
 * released piece is redacted on its own, so the cost stays linear in the text length.
 */
import { maxSecretLength, redact } from '../util/redact.js';

/** Minimum characters held back (more when a longer secret is registered). */
export const MIN_HOLD_BACK = 64;

/** One item's stream. */
export class StreamRedactor {
  private pending = '';

  constructor(
    private readonly holdBack: () => number = () => Math.max(MIN_HOLD_BACK, maxSecretLength() + 8),
  ) {}

  /** Adds a chunk; returns the redacted text that may be emitted now ('' when none). */
  push(chunk: string): string {
    this.pending += chunk;
    const limit = this.pending.length - this.holdBack();
    if (limit <= 0) return '';
    const cut = safeCut(this.pending, limit);
    if (cut <= 0) return '';
    const out = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return redact(out);
  }

  /** The rest, redacted, at the end of the item. */
  end(): string {
    const out = this.pending;
    this.pending = '';
    return out ? redact(out) : '';
  }
}

/** The largest index ≤ `limit` just after a whitespace run not preceded by "Bearer"; 0 if none. */
export function safeCut(text: string, limit: number): number {
  for (let i = Math.min(limit, text.length); i > 0; i--) {
    if (!/\s/.test(text[i - 1] ?? '')) continue;
    let start = i - 1;
    while (start > 0 && /\s/.test(text[start - 1] ?? '')) start--;
    // "Bearer <token>": the token alone would not match the Bearer pattern.
    if (/bearer$/i.test(text.slice(Math.max(0, start - 6), start))) {
      i = start + 1;
      continue;
    }
    return i;
  }
  return 0;
}

/**
 * Ink's `measureText` (ink/build/measure-text.js) with a bounded cache, swapped in at bundle time
 * by `scripts/ink-output-plugin.mjs`. Ink caches the size of every text it ever measured in a Map
 * that is never emptied, keyed by the whole text: the streaming tail is a new text on every frame
 * (20 a second), so a long session grew without bound. Same result: the widest line (memoized
 * widest-line) and the line count.
 */
import widestLine from './ink-widest-line.js';

/** Texts kept; cleared when full. */
const MAX_TEXTS = 1024;
const cache = new Map<string, { width: number; height: number }>();

/** Width (columns) and height (lines) of `text`, as Ink measures a text node. */
export default function measureText(text: string): { width: number; height: number } {
  if (text.length === 0) return { width: 0, height: 0 };
  let dimensions = cache.get(text);
  if (dimensions === undefined) {
    dimensions = { width: widestLine(text), height: text.split('\n').length };
    if (cache.size >= MAX_TEXTS) cache.clear();
    cache.set(text, dimensions);
  }
  return dimensions;
}

/**
 * `widest-line` for Ink's renderer with the width of each line memoized: a drop-in swapped in at
 * bundle time by `scripts/ink-output-plugin.mjs`, like `ink-output.ts`. Ink measures every line
 * of every `<Text>` on every frame (string-width: ANSI stripping, grapheme segmentation and an
 * emoji test per character — the slow path for box drawing, bullets and dashes), although
 * between two frames of a streamed answer almost every line is the same. Same function as
 * widest-line 6 (the widest string-width of the lines), same string-width.
 */
import stringWidth from 'string-width';

/** Lines kept; cleared when full. */
const MAX_LINES = 8192;
const widths = new Map<string, number>();

/** The width of the widest line of `text`, in terminal columns. */
export default function widestLine(text: string): number {
  let widest = 0;
  for (const line of text.split('\n')) {
    let width = widths.get(line);
    if (width === undefined) {
      width = stringWidth(line);
      if (widths.size >= MAX_LINES) widths.clear();
      widths.set(line, width);
    }
    if (width > widest) widest = width;
  }
  return widest;
}

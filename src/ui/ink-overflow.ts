/**
 * The `ansi-escapes` Ink's renderer imports (swapped in at bundle time by
 * scripts/ink-output-plugin.mjs), the same but for `clearTerminal`. When Ink's previous frame was
 * as tall as the terminal (the terminal was made shorter than the live region, or a region
 * outgrew it), Ink writes `clearTerminal` before its next frame: `ESC[2J ESC[3J ESC[H`, which
 * wipes the screen and the whole scrollback — the conversation and everything the user had in
 * the terminal before tether. Here it erases only the visible rows, one by one (repaint.ts), and
 * the interactive screen (run-screen.tsx) then repaints: the last entries are printed again above
 * the live region.
 */
import ansiEscapes from 'ansi-escapes';
import { eraseVisibleRows } from './repaint.js';

/** Erases the visible rows of the process's terminal. */
const eraseVisible = (): string => eraseVisibleRows(process.stdout.rows || 24);

let handler: () => string = eraseVisible;

/**
 * What Ink writes instead of clearing the terminal (run-screen.tsx: erase the visible rows and
 * schedule a repaint); `null` restores the default (erase the visible rows).
 */
export function setInkOverflowHandler(fn: (() => string) | null): void {
  handler = fn ?? eraseVisible;
}

const escapes: typeof ansiEscapes = Object.create(ansiEscapes, {
  clearTerminal: { get: () => handler(), enumerable: true },
});

export default escapes;

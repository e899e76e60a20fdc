/** What the completion menu shows for the composer's current text (pure, derived state). */
import { mentionAt, rankPaths } from './mentions.js';
import { completeSlash, type SlashCommand } from './slash.js';

/** The completion menu, when one applies. */
export type Completion =
  | { kind: 'slash'; items: SlashCommand[] }
  | { kind: 'file'; items: string[]; start: number; end: number };

/** Max rows of the menu. */
export const COMPLETION_ROWS = 10;

/** Completions for `text` with the cursor at `cursor`; null when no menu applies. */
export function completionFor(text: string, cursor: number, files: readonly string[]): Completion | null {
  const slash = completeSlash(text);
  if (slash.length > 0) return { kind: 'slash', items: slash.slice(0, COMPLETION_ROWS) };
  const m = mentionAt(text, cursor);
  if (m && files.length > 0) {
    const items = rankPaths(m.query, files, COMPLETION_ROWS);
    if (items.length > 0 && !(items.length === 1 && items[0] === m.query))
      return { kind: 'file', items, start: m.start, end: m.end };
  }
  return null;
}

/** The composer text after accepting item `index` of `c`, with the new cursor. */
export function applyCompletion(
  text: string,
  c: Completion,
  index: number,
): { text: string; cursor: number } {
  if (c.kind === 'slash') {
    const cmd = c.items[index] ?? c.items[0];
    const next = cmd ? `/${cmd.name}${cmd.args ? ' ' : ''}` : text;
    return { text: next, cursor: next.length };
  }
  const path = c.items[index] ?? c.items[0] ?? '';
  const insert = `@${path} `;
  const next = text.slice(0, c.start) + insert + text.slice(c.end);
  return { text: next, cursor: c.start + insert.length };
}

/** Turns a resumed session's items into transcript entries (user prompts and answers). */
import { type Item, isMessage, messageText } from '../protocol/items.js';
import type { NewEntry } from './state/entries.js';

/** Max earlier messages shown when resuming (older ones are summarised). */
export const REPLAY_LIMIT = 40;

/** Entries for the user and assistant messages of `items`, the last {@link REPLAY_LIMIT}. */
export function replayEntries(items: readonly Item[]): NewEntry[] {
  const out: NewEntry[] = [];
  for (const item of items) {
    if (!isMessage(item)) continue;
    const images = item.content.filter((p) => p.type === 'input_image').length;
    const said = messageText(item).trim();
    // Images sent with a prompt are in the resumed context; the screen says they were there.
    const text = images > 0 ? `${said}${said ? ' ' : ''}[${images} image${images === 1 ? '' : 's'}]` : said;
    if (!text) continue;
    if (item.role === 'user') out.push({ kind: 'user', text });
    else if (item.role === 'assistant') out.push({ kind: 'markdown', text });
  }
  if (out.length <= REPLAY_LIMIT) return out;
  return [
    { kind: 'notice', level: 'info', text: `… ${out.length - REPLAY_LIMIT} earlier messages` },
    ...out.slice(-REPLAY_LIMIT),
  ];
}

/** The text of the last assistant message of `items` ('' when there is none). */
export function lastAnswerOf(items: readonly Item[]): string {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item && isMessage(item) && item.role === 'assistant') {
      const text = messageText(item).trim();
      if (text) return text;
    }
  }
  return '';
}

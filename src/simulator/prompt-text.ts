/**
 * The prompt as the simulator counts it: items rendered to text for token estimates and the fake
 * prompt cache, and the shared prefix that cache reuses.
 */
import type { WireItem } from './conversation.js';

/** An item as it counts toward the prompt: a compaction item stands for a short summary, not its blob. */
export function renderItem(item: WireItem): string {
  if (item.type === 'compaction')
    return JSON.stringify({ type: 'compaction', id: item['id'] ?? null, summary: 'x'.repeat(400) });
  return JSON.stringify(item);
}

/** Length of the common prefix of `a` and `b` (UTF-16 units). */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * Call/output pairing of a transcript. A stateless request must not contain a tool call without
 * its output (the service answers 400 "No tool output found for function call …", PROTOCOL.md
 * §5.1), so a warm-up sent while tools are still running uses only the answered prefix.
 */
import type { Item } from '../protocol/items.js';

/** The `call_id` of a tool call item (`function_call`, `custom_tool_call`, `*_call`), else null. */
function callIdOf(item: Item): string | null {
  if (!item.type.endsWith('_call')) return null;
  const id = (item as { call_id?: unknown }).call_id;
  return typeof id === 'string' ? id : null;
}

/** The `call_id` a tool output item answers (`*_call_output`), else null. */
function outputIdOf(item: Item): string | null {
  if (!item.type.endsWith('_call_output')) return null;
  const id = (item as { call_id?: unknown }).call_id;
  return typeof id === 'string' ? id : null;
}

/** Model-output items that travel together with the calls they precede (reasoning, assistant text). */
function isModelOutput(item: Item): boolean {
  if (item.type === 'reasoning') return true;
  if (callIdOf(item) !== null) return true;
  return item.type === 'message' && (item as { role?: unknown }).role === 'assistant';
}

/**
 * Length of the longest prefix that is safe to send on its own: it ends before the model-output
 * block containing the first call that has no output yet (reasoning stays with its calls).
 * Returns `items.length` when every call is answered.
 */
export function answeredPrefixLength(items: readonly Item[]): number {
  const answered = new Set<string>();
  for (const item of items) {
    const id = outputIdOf(item);
    if (id !== null) answered.add(id);
  }
  let cut = items.findIndex((item) => {
    const id = callIdOf(item);
    return id !== null && !answered.has(id);
  });
  if (cut === -1) return items.length;
  while (cut > 0) {
    const prev = items[cut - 1];
    if (!prev || !isModelOutput(prev)) break;
    cut--;
  }
  return cut;
}

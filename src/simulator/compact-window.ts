/** The `/responses/compact` answer: the window a compaction leaves of a conversation. */
import type { Clock } from '../util/clock.js';
import { type IdGen, sealBlob } from './blobs.js';
import { estimateTokens, type FoldedState, type WireItem } from './conversation.js';

/** Every user message of `conversation`, then one compaction item sealing the model `state`. */
export function compactionWindow(
  conversation: WireItem[],
  state: FoldedState,
  ids: IdGen,
  clock: Clock,
): Record<string, unknown> {
  const users = conversation.filter((i) => i.type === 'message' && i['role'] === 'user');
  const inputTokens = estimateTokens(conversation.map((i) => JSON.stringify(i)).join('\n'));
  const id = ids.next('cmp');
  const window = {
    id: ids.next('cmp_resp'),
    object: 'response.compaction',
    created_at: Math.floor(clock.wallNow() / 1000),
    output: [...users, { type: 'compaction', id, encrypted_content: sealBlob({ k: 'cmp', state }) }],
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 64,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + 64,
    },
  };
  return window;
}

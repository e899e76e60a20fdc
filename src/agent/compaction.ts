/**
 * Compaction as the agent records it: the session compacts its context (`/responses/compact`),
 * the store records the new window so a resumed session restarts from it (src/store), and a
 * `compaction` event tells the UI and JSONL.
 */
import type { Item } from '../protocol/items.js';
import type { AgentEvent, AgentPersistence } from './events.js';
import type { AgentOptions } from './types.js';

/** What the store records of one compaction. */
export interface CompactionRecord {
  tokensBefore: number;
  tokensAfter: number;
  auto: boolean;
  window: Item[];
}

interface CompactionDeps {
  session: AgentOptions['session'];
  persistence: AgentPersistence | undefined;
  emit: (e: AgentEvent) => void;
}

/** Compacts the session's context and records it (`auto`: before retrying a too-long turn). */
export async function compactAndRecord(deps: CompactionDeps, auto: boolean): Promise<void> {
  const r = await deps.session.compact();
  const store = deps.persistence as
    | (AgentPersistence & { onCompaction?: (info: CompactionRecord) => void })
    | undefined;
  store?.onCompaction?.({ tokensBefore: r.tokensBefore, tokensAfter: r.tokensAfter, auto, window: r.items });
  deps.emit({ type: 'compaction', tokensBefore: r.tokensBefore, tokensAfter: r.tokensAfter, auto });
}

/**
 * Automatic compaction before retrying a turn the service refused as too long: true, or the
 * error to end the run with.
 */
export async function compactForRetry(deps: CompactionDeps): Promise<true | string> {
  try {
    await compactAndRecord(deps, true);
    return true;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return `the input exceeds the model's context window and ${why}`;
  }
}

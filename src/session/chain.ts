/**
 * The pure chain decision (RELIABILITY.md R9, §A6 invariant 3; Codex `get_incremental_items`):
 * send `previous_response_id` + only the new items when
 *  (a) the request goes out on the socket that produced the anchor (or `store:true`, where the
 *      server can hydrate the id on any socket, PROTOCOL.md §4.3),
 *  (b) the anchor response completed,
 *  (c) the new full input = anchor input + anchor output + new items,
 *  (d) every non-input field is unchanged.
 * Otherwise a full create without `previous_response_id`.
 */
import type { Item } from '../protocol/items.js';
import type { TransportKind } from './types.js';

/** The last response a chain can continue from. */
export interface ChainAnchor {
  transport: TransportKind;
  /** Local connection id that produced the response (`null` over HTTP). */
  connectionId: number | null;
  responseId: string;
  /** Canonical JSON of the non-input fields the anchor was requested with. */
  fieldsKey: string;
  /** The full logical input of the anchor request (transcript at send time). */
  input: readonly Item[];
  /** The anchor's output items (empty for a `generate:false` warm-up). */
  output: readonly Item[];
  /** True when it ended with `response.completed`. */
  completed: boolean;
}

/** The request about to be sent. */
export interface NextRequest {
  transport: TransportKind;
  connectionId: number | null;
  fieldsKey: string;
  /** The full logical input (the whole transcript including the new items). */
  fullInput: readonly Item[];
  store: boolean;
}

/** Why a create is full. */
export type FullReason =
  | 'no_anchor'
  | 'http'
  | 'other_connection'
  | 'not_completed'
  | 'fields_changed'
  | 'not_prefix';

export type ChainDecision =
  | { mode: 'incremental'; previousResponseId: string; items: Item[] }
  | { mode: 'full'; reason: FullReason; items: Item[] };

/** Decides incremental vs full for `next` given the `anchor` (pure). */
export function decideChain(anchor: ChainAnchor | null, next: NextRequest): ChainDecision {
  const full = (reason: FullReason): ChainDecision => ({ mode: 'full', reason, items: [...next.fullInput] });
  if (!anchor) return full('no_anchor');
  // HTTP fallback always sends the full input (PROTOCOL.md §7; Codex does the same).
  if (next.transport === 'http' || anchor.transport === 'http') return full('http');
  if (anchor.connectionId !== next.connectionId && !next.store) return full('other_connection');
  if (!anchor.completed) return full('not_completed');
  if (anchor.fieldsKey !== next.fieldsKey) return full('fields_changed');
  const covered = anchor.input.length + anchor.output.length;
  if (next.fullInput.length < covered) return full('not_prefix');
  for (let i = 0; i < anchor.input.length; i++) {
    if (!sameItem(anchor.input[i], next.fullInput[i])) return full('not_prefix');
  }
  for (let i = 0; i < anchor.output.length; i++) {
    if (!sameItem(anchor.output[i], next.fullInput[anchor.input.length + i])) return full('not_prefix');
  }
  return { mode: 'incremental', previousResponseId: anchor.responseId, items: next.fullInput.slice(covered) };
}

/** Item equality: identity first (the transcript keeps references), then structural. */
export function sameItem(a: Item | undefined, b: Item | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted, so field order never breaks equality. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v as Record<string, unknown>).sort())
        sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

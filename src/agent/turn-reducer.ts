/**
 * Pure reducer: the session's per-turn stream events → AgentEvents. Text deltas accumulate per
 * item; `output_item.done` carries the authoritative item and *replaces* what the deltas built
 * (codex: "deltas then same final message are rendered" once). An `attempt_reset` means the
 * session is re-requesting the turn: everything partial is forgotten and consumers are told to
 * discard it (`turn_retrying`).
 */
import {
  type Item,
  isMessage,
  isReasoning,
  type MessageItem,
  messageText,
  type ReasoningItem,
} from '../protocol/items.js';
import type { ServerEvent } from '../protocol/server-events.js';
import type { TurnStreamEvent } from '../session/types.js';
import type { AgentEvent, Citation } from './events.js';

/** Per-item accumulation of one model call. */
export interface TurnItemState {
  kind: 'message' | 'reasoning' | 'other';
  text: string;
  done: boolean;
}

/** State of one model call (attempts included). */
export interface TurnState {
  turnId: string;
  /** Keyed by item id. */
  items: Map<string, TurnItemState>;
  /** Attempts reset so far (0 = first attempt still running). */
  resets: number;
}

/** A fresh state for the model call `turnId`. */
export function initialTurnState(turnId: string): TurnState {
  return { turnId, items: new Map(), resets: 0 };
}

/** Joined summary (or, lacking one, content) text of a reasoning item. */
export function reasoningText(item: ReasoningItem): string {
  const summary = (item.summary ?? []).map((s) => s.text).join('\n\n');
  if (summary) return summary;
  return (item.content ?? []).map((c) => c.text).join('\n\n');
}

function itemId(item: Item): string | undefined {
  const id = (item as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Applies one stream event. Mutates `state` in place (it is owned by one turn) and returns the
 * AgentEvents to emit, in order.
 */
export function reduceTurnEvent(state: TurnState, e: TurnStreamEvent): AgentEvent[] {
  switch (e.type) {
    case 'attempt_reset':
      state.items.clear();
      state.resets++;
      return [
        { type: 'turn_retrying', turnId: state.turnId, attempt: e.attempt, max: e.max, reason: e.reason },
      ];
    case 'event':
      return reduceServerEvent(state, e.event);
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

function reduceServerEvent(state: TurnState, ev: ServerEvent): AgentEvent[] {
  const { turnId } = state;
  const rec = ev as Record<string, unknown>;
  switch (ev.type) {
    case 'response.output_text.delta':
    case 'response.refusal.delta': {
      const id = str(rec['item_id']);
      const delta = str(rec['delta']);
      if (!id || delta === undefined) return [];
      const st = state.items.get(id) ?? { kind: 'message', text: '', done: false };
      if (st.done) return [];
      st.text += delta;
      state.items.set(id, st);
      return delta ? [{ type: 'assistant_delta', turnId, itemId: id, text: delta }] : [];
    }
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta': {
      const id = str(rec['item_id']);
      const delta = str(rec['delta']);
      if (!id || delta === undefined) return [];
      const st = state.items.get(id) ?? { kind: 'reasoning', text: '', done: false };
      if (st.done) return [];
      st.text += delta;
      state.items.set(id, st);
      return delta ? [{ type: 'reasoning_delta', turnId, itemId: id, text: delta }] : [];
    }
    case 'response.output_item.done': {
      const item = rec['item'] as Item;
      return completeItem(state, item);
    }
    case 'response.output_item.added': {
      const item = rec['item'] as Record<string, unknown> | undefined;
      if (item?.['type'] !== 'web_search_call' || typeof item['id'] !== 'string') return [];
      state.items.set(item['id'], { kind: 'other', text: '', done: false });
      return [webSearchEvent(turnId, item['id'], 'in_progress', searchQuery(item))];
    }
    case 'response.web_search_call.searching': {
      const id = str(rec['item_id']);
      if (!id || state.items.get(id)?.done) return [];
      return [webSearchEvent(turnId, id, 'searching')];
    }
    default:
      return [];
  }
}

/**
 * Marks an item authoritative and returns its `*_done` event. Also used by the loop for items
 * found only in the terminal response (no `output_item.done` seen).
 */
export function completeItem(state: TurnState, item: Item): AgentEvent[] {
  const id = itemId(item);
  if (!id) return [];
  const prev = state.items.get(id);
  if (prev?.done) return [];
  if (isMessage(item) && item.role === 'assistant') {
    const text = messageText(item as MessageItem) || refusalText(item as MessageItem);
    state.items.set(id, { kind: 'message', text, done: true });
    const citations = messageCitations(item as MessageItem);
    return [
      {
        type: 'assistant_item_done',
        turnId: state.turnId,
        itemId: id,
        text,
        ...(citations.length > 0 ? { citations } : {}),
      },
    ];
  }
  const rec = item as unknown as Record<string, unknown>;
  if (rec['type'] === 'web_search_call') {
    state.items.set(id, { kind: 'other', text: '', done: true });
    const status = rec['status'] === 'failed' ? 'failed' : 'completed';
    return [webSearchEvent(state.turnId, id, status, searchQuery(rec))];
  }
  if (isReasoning(item)) {
    const text = reasoningText(item);
    state.items.set(id, { kind: 'reasoning', text, done: true });
    return [{ type: 'reasoning_done', turnId: state.turnId, itemId: id, text }];
  }
  state.items.set(id, { kind: 'other', text: '', done: true });
  return [];
}

function webSearchEvent(
  turnId: string,
  itemId: string,
  status: 'in_progress' | 'searching' | 'completed' | 'failed',
  query?: string,
): AgentEvent {
  return { type: 'web_search', turnId, itemId, status, ...(query ? { query } : {}) };
}

/** The query of a `web_search_call` (`action.query`, or the first of `action.queries`). */
function searchQuery(item: Record<string, unknown>): string | undefined {
  const action = item['action'];
  if (typeof action !== 'object' || action === null) return undefined;
  const a = action as Record<string, unknown>;
  if (typeof a['query'] === 'string') return a['query'];
  if (Array.isArray(a['queries']) && typeof a['queries'][0] === 'string') return a['queries'][0];
  if (typeof a['url'] === 'string') return a['url'];
  return undefined;
}

/** `url_citation` annotations of a message's text parts, de-duplicated by URL, in order. */
export function messageCitations(item: MessageItem): Citation[] {
  const out: Citation[] = [];
  for (const part of item.content as unknown as Array<Record<string, unknown>>) {
    const anns = part['annotations'];
    if (!Array.isArray(anns)) continue;
    for (const a of anns as Array<Record<string, unknown>>) {
      if (a?.['type'] !== 'url_citation' || typeof a['url'] !== 'string') continue;
      if (!/^https?:\/\//i.test(a['url']) || out.some((c) => c.url === a['url'])) continue;
      out.push({
        url: a['url'],
        ...(typeof a['title'] === 'string' && a['title'] ? { title: a['title'] } : {}),
      });
    }
  }
  return out;
}

function refusalText(item: MessageItem): string {
  let out = '';
  for (const part of item.content) if (part.type === 'refusal') out += part.refusal;
  return out;
}

/** The final answer of a response: the text of its assistant messages, joined. */
export function answerText(output: readonly Item[]): string {
  const parts: string[] = [];
  for (const item of output) {
    if (isMessage(item) && item.role === 'assistant') {
      const t = messageText(item) || refusalText(item);
      if (t) parts.push(t);
    }
  }
  return parts.join('\n\n');
}

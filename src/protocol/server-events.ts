/**
 * Server events of the Responses streaming model (identical over WebSocket and SSE, §3 of
 * PROTOCOL.md) and the validator that turns an untrusted frame into one of them.
 */
import type { Item } from './items.js';
import type { Usage } from './usage.js';

/** The `response` object carried by lifecycle events. Fields beyond these are ignored. */
export interface ResponseObject {
  id: string;
  object?: 'response';
  status?: 'in_progress' | 'completed' | 'incomplete' | 'failed' | 'queued' | 'cancelled';
  output?: Item[];
  usage?: Usage | null;
  error?: { code?: string | null; message?: string } | null;
  incomplete_details?: { reason?: string } | null;
  previous_response_id?: string | null;
  model?: string;
  [key: string]: unknown;
}

interface Seq {
  sequence_number?: number;
  /** Gen-2 lanes echo the lane id; tether uses the default lane. */
  stream_id?: string;
}

export type LifecycleEvent = Seq & {
  type:
    | 'response.queued'
    | 'response.created'
    | 'response.in_progress'
    | 'response.completed'
    | 'response.incomplete'
    | 'response.failed';
  response: ResponseObject;
};

export type OutputItemEvent = Seq & {
  type: 'response.output_item.added' | 'response.output_item.done';
  output_index: number;
  item: Item;
};

export type ContentPartEvent = Seq & {
  type: 'response.content_part.added' | 'response.content_part.done';
  item_id: string;
  output_index: number;
  content_index: number;
  part: { type: string; text?: string; [key: string]: unknown };
};

export type TextDeltaEvent = Seq & {
  type: 'response.output_text.delta' | 'response.refusal.delta';
  item_id: string;
  output_index: number;
  content_index: number;
  delta: string;
};

export type TextDoneEvent = Seq & {
  type: 'response.output_text.done';
  item_id: string;
  output_index: number;
  content_index: number;
  text: string;
};

export type FunctionArgsDeltaEvent = Seq & {
  type: 'response.function_call_arguments.delta';
  item_id: string;
  output_index: number;
  delta: string;
};

export type FunctionArgsDoneEvent = Seq & {
  type: 'response.function_call_arguments.done';
  item_id: string;
  output_index: number;
  name?: string;
  arguments: string;
};

export type ReasoningSummaryDeltaEvent = Seq & {
  type: 'response.reasoning_summary_text.delta' | 'response.reasoning_text.delta';
  item_id: string;
  output_index: number;
  summary_index?: number;
  content_index?: number;
  delta: string;
};

export type ReasoningSummaryDoneEvent = Seq & {
  type: 'response.reasoning_summary_text.done' | 'response.reasoning_text.done';
  item_id: string;
  output_index: number;
  summary_index?: number;
  content_index?: number;
  text: string;
};

/** The error detail of an `error` event (wrapped or flat, §4.1). */
export interface ErrorDetail {
  type?: string | null;
  code?: string | null;
  message?: string;
  param?: string | null;
  headers?: Record<string, string>;
}

/**
 * `error` event. Two shapes arrive: wrapped `{status, error:{…}}` for request/connection
 * errors and flat `{code, message}` mid-stream. {@link errorOf} normalises both.
 */
export type ErrorEvent = Seq & {
  type: 'error';
  status?: number;
  error?: ErrorDetail;
  code?: string | null;
  message?: string;
  param?: string | null;
  headers?: Record<string, string>;
};

/** Any event whose type tether knows but does not act on, or a type it does not know. */
export type OtherEvent = Seq & { type: string; [key: string]: unknown };

export type KnownServerEvent =
  | LifecycleEvent
  | OutputItemEvent
  | ContentPartEvent
  | TextDeltaEvent
  | TextDoneEvent
  | FunctionArgsDeltaEvent
  | FunctionArgsDoneEvent
  | ReasoningSummaryDeltaEvent
  | ReasoningSummaryDoneEvent
  | ErrorEvent;

export type ServerEvent = KnownServerEvent | OtherEvent;

/** Terminal event types: exactly one of these ends a response. */
export const TERMINAL_TYPES: ReadonlySet<string> = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

const LIFECYCLE_TYPES = new Set([
  'response.queued',
  'response.created',
  'response.in_progress',
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

/** Every event type the Responses reference lists that tether recognises (others count as unknown). */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set([
  ...LIFECYCLE_TYPES,
  'response.output_item.added',
  'response.output_item.done',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.output_text.annotation.added',
  'response.refusal.delta',
  'response.refusal.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.custom_tool_call_input.delta',
  'response.custom_tool_call_input.done',
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_part.done',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.done',
  'response.reasoning_text.delta',
  'response.reasoning_text.done',
  // Undocumented but real on long streams (PROTOCOL §10.3): ignored, never counted as malformed.
  'keepalive',
  'error',
]);

export type ParseResult = { ok: true; event: ServerEvent; known: boolean } | { ok: false; error: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates an untrusted frame (raw JSON text or an already-parsed value). Never throws.
 * Structural checks cover the fields tether reads; unknown types pass with `known:false`.
 */
export function parseServerEvent(raw: unknown): ParseResult {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, error: `malformed JSON frame (${raw.length} chars)` };
    }
  }
  if (!isObject(value)) return { ok: false, error: 'frame is not a JSON object' };
  const type = value['type'];
  if (typeof type !== 'string' || type.length === 0) return { ok: false, error: 'frame has no "type"' };
  const seq = value['sequence_number'];
  if (seq !== undefined && typeof seq !== 'number')
    return { ok: false, error: `${type}: bad sequence_number` };
  if (LIFECYCLE_TYPES.has(type)) {
    const resp = value['response'];
    if (!isObject(resp) || typeof resp['id'] !== 'string')
      return { ok: false, error: `${type}: missing response.id` };
    if (resp['output'] !== undefined && !Array.isArray(resp['output'])) {
      return { ok: false, error: `${type}: response.output is not an array` };
    }
  } else if (type === 'response.output_item.added' || type === 'response.output_item.done') {
    const item = value['item'];
    if (!isObject(item) || typeof item['type'] !== 'string')
      return { ok: false, error: `${type}: missing item` };
    if (typeof value['output_index'] !== 'number')
      return { ok: false, error: `${type}: missing output_index` };
  } else if (type.endsWith('.delta') && KNOWN_EVENT_TYPES.has(type)) {
    if (typeof value['delta'] !== 'string') return { ok: false, error: `${type}: delta is not a string` };
  } else if (type === 'response.function_call_arguments.done') {
    if (typeof value['arguments'] !== 'string') return { ok: false, error: `${type}: missing arguments` };
  } else if (type === 'error') {
    const err = value['error'];
    if (err !== undefined && !isObject(err)) return { ok: false, error: 'error: "error" is not an object' };
  }
  return { ok: true, event: value as ServerEvent, known: KNOWN_EVENT_TYPES.has(type) };
}

/** Normalises both error shapes (§4.1) into one detail with the HTTP-like status if any. */
export function errorOf(
  event: ErrorEvent,
): Required<Pick<ErrorDetail, 'message'>> & ErrorDetail & { status?: number } {
  // Frames are untrusted: a field of the wrong type is treated as absent, never passed on.
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const raw = event.error as unknown;
  const inner: Record<string, unknown> =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: Required<Pick<ErrorDetail, 'message'>> & ErrorDetail & { status?: number } = {
    type: str(inner['type']) ?? null,
    code: str(inner['code']) ?? str(event.code) ?? null,
    message: str(inner['message']) ?? str(event.message) ?? 'unknown error',
    param: str(inner['param']) ?? str(event.param) ?? null,
  };
  const headers = inner['headers'] ?? event.headers;
  if (typeof headers === 'object' && headers !== null && !Array.isArray(headers)) {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') clean[k] = v;
    out.headers = clean;
  }
  if (typeof event.status === 'number' && Number.isFinite(event.status)) out.status = event.status;
  return out;
}

export function isTerminal(event: ServerEvent): event is LifecycleEvent {
  return TERMINAL_TYPES.has(event.type);
}

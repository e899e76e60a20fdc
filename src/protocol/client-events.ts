/** Client → server payloads: `response.create` over WebSocket and the HTTP body (§2, §7). */
import type { Item } from './items.js';

/** A Responses `function` tool (flat shape, §5.1). */
export interface FunctionToolSpec {
  type: 'function';
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  strict: boolean;
}

/** A Responses `custom` (freeform) tool: the model writes raw text matching `format` (§5.2). */
export interface CustomToolSpec {
  type: 'custom';
  name: string;
  description: string;
  format?: { type: 'text' } | { type: 'grammar'; syntax: 'lark' | 'regex'; definition: string };
}

/** A tool tether offers the model. */
export type ToolSpec = FunctionToolSpec | CustomToolSpec;

/** Fields of a create request other than `input` / `previous_response_id`. */
export interface RequestFields {
  model: string;
  instructions?: string;
  tools?: Array<ToolSpec | Record<string, unknown>>;
  tool_choice?: 'auto' | 'none' | 'required' | Record<string, unknown>;
  parallel_tool_calls?: boolean;
  reasoning?: { effort?: string; summary?: string } | null;
  store?: boolean;
  include?: string[];
  prompt_cache_key?: string;
  context_management?: Array<{ type: 'compaction'; compact_threshold: number }>;
  max_output_tokens?: number;
  text?: Record<string, unknown>;
  metadata?: Record<string, string>;
  service_tier?: string;
}

/** Body of `response.create` (WebSocket). `generate:false` is the warm-up (§2.2). */
export interface ResponseCreateEvent extends RequestFields {
  type: 'response.create';
  input: Item[];
  previous_response_id?: string | null;
  generate?: boolean;
  stream?: boolean;
  stream_id?: string;
  [key: string]: unknown;
}

/** Body of HTTP `POST /responses` (§7): no `type`, `stream_id` or `generate`. */
export interface HttpCreateBody extends RequestFields {
  input: Item[];
  previous_response_id?: string | null;
  stream: boolean;
}

/** Converts a WebSocket `response.create` into the equivalent HTTP body. */
export function toHttpBody(event: ResponseCreateEvent): HttpCreateBody {
  const { type: _type, generate: _generate, stream_id: _streamId, stream: _stream, ...rest } = event;
  return { ...(rest as Omit<HttpCreateBody, 'stream'>), stream: true };
}

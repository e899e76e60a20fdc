/**
 * The Response object the simulator streams and echoes (fields per the SDK's `Response` type),
 * the shapes around it, and the responses that carry no output: a failure before any output and
 * a `generate:false` warm-up.
 */
import type { WireItem } from './conversation.js';

/** A server event before its `sequence_number` is assigned. */
export type SimEvent = { type: string; [key: string]: unknown };

/** Usage as reported on terminal events. */
export interface SimUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Everything about the request the response object echoes. */
export interface ResponseContext {
  id: string;
  /** The request body (WS `response.create` or HTTP body). */
  request: Record<string, unknown>;
  previousResponseId: string | null;
  /** Unix seconds. */
  createdAt: number;
  includeEncrypted: boolean;
  chunkChars: number;
  inputTokens: number;
  cachedTokens: number;
  /** Emitted first when server-side compaction triggers. */
  compaction?: WireItem;
}

/** A fully built response: its final output items and the event list. */
export interface BuiltResponse {
  output: WireItem[];
  events: SimEvent[];
  status: 'completed' | 'incomplete' | 'failed';
  /** The final response object (as carried by the terminal event). */
  response: Record<string, unknown>;
}

/** The response object in a given state (fields per the SDK's `Response` type). */
export function responseObject(
  ctx: ResponseContext,
  status: string,
  output: WireItem[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const r = ctx.request;
  return {
    id: ctx.id,
    object: 'response',
    created_at: ctx.createdAt,
    status,
    background: false,
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: r['instructions'] ?? null,
    max_output_tokens: r['max_output_tokens'] ?? null,
    metadata: r['metadata'] ?? {},
    model: r['model'] ?? 'gpt-sim',
    output,
    parallel_tool_calls: r['parallel_tool_calls'] ?? true,
    previous_response_id: ctx.previousResponseId,
    prompt_cache_key: r['prompt_cache_key'] ?? null,
    reasoning: r['reasoning'] ?? { effort: null, summary: null },
    service_tier: r['service_tier'] ?? 'default',
    store: r['store'] ?? true,
    temperature: r['temperature'] ?? 1,
    text: r['text'] ?? { format: { type: 'text' } },
    tool_choice: r['tool_choice'] ?? 'auto',
    tools: r['tools'] ?? [],
    top_p: r['top_p'] ?? 1,
    truncation: r['truncation'] ?? 'disabled',
    usage: null,
    user: null,
    ...extra,
  };
}

/** An empty response that ends with `final` (created → in_progress → final), zero usage. */
function emptyResponse(
  ctx: ResponseContext,
  final: 'failed' | 'completed',
  extra: Record<string, unknown>,
): BuiltResponse {
  const usage: SimUsage = {
    input_tokens: 0,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: 0,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 0,
  };
  const response = responseObject(ctx, final, [], { usage, ...extra });
  return {
    output: [],
    status: final,
    response,
    events: [
      { type: 'response.created', response: responseObject(ctx, 'in_progress', []) },
      { type: 'response.in_progress', response: responseObject(ctx, 'in_progress', []) },
      { type: `response.${final}`, response },
    ],
  };
}

/**
 * A response the service failed before producing output (rate limit, context window):
 * created → in_progress → `response.failed` with the complete Response object and `error`.
 */
export function buildFailed(
  ctx: ResponseContext,
  code: string,
  message: string,
  _nowSeconds: number,
): BuiltResponse {
  return emptyResponse(ctx, 'failed', { error: { code, message } });
}

/** The events of a `generate:false` warm-up: created → in_progress → completed, empty output. */
export function buildWarmup(ctx: ResponseContext, nowSeconds: number): BuiltResponse {
  return emptyResponse(ctx, 'completed', { completed_at: nowSeconds });
}

/**
 * Transport-independent request handling: validation, `previous_response_id` resolution
 * (connection-local for `store:false`, global for `store:true`, §2.3), eviction after failures,
 * the fake prompt cache, server-side compaction, and planning with the scripted model.
 */
import type { Clock } from '../util/clock.js';
import { accountRefusal, CONTEXT_LENGTH_MESSAGE, rateLimitMessage } from './account.js';
import { type IdGen, sealBlob } from './blobs.js';
import { compactionWindow } from './compact-window.js';
import {
  type ApiError,
  analyze,
  estimateTokens,
  invalidRequest,
  isCallItem,
  lastCompactionIndex,
  normalizeInput,
  validateInputItems,
  validatePairing,
  type WireItem,
} from './conversation.js';
import type { FaultSpec } from './faults.js';
import { collectImages } from './images.js';
import { planResponse } from './model.js';
import { commonPrefix, renderItem } from './prompt-text.js';
import { checkFieldTypes, compactThreshold, contextFields } from './request-fields.js';
import type { Scenario } from './scenario-types.js';
import { type BuiltResponse, buildFailed, buildResponse, buildWarmup } from './stream-events.js';
import type { PlannedCall } from './tool-mapping.js';

/** A response the simulator can continue from. */
export interface StoredResponse {
  id: string;
  /** Full conversation up to and including this response's output. */
  conversation: WireItem[];
  store: boolean;
  /** The non-input context it was built with (instructions and tools, as JSON). */
  fields?: string;
}

/** Per-WebSocket state: the connection-local continuation cache (one response, G1). */
export interface ConnState {
  id: number;
  last?: StoredResponse;
  /** Latest responses of the connection's other lanes (Gen 2: a new lane can fork from them). */
  forkable?: () => StoredResponse[];
}

/** A validated request, ready to run. */
export interface Prepared {
  body: Record<string, unknown>;
  conversation: WireItem[];
  parent?: StoredResponse;
  store: boolean;
  previousResponseId: string | null;
  /**
   * Tokens of context the service must (re)build for this request because its connection-local
   * cache does not hold them (PROTOCOL §2.3): only the new items (and changed instructions/tools)
   * when continuing the response cached on this connection; the whole context for a full-context
   * create (HTTP with `store:false`, or a new socket) or a `store:true` hydration.
   */
  uncachedTokens: number;
}

/** Outcome of running a prepared request. */
export interface RunResult {
  built: BuiltResponse;
  /** Call after the terminal event reached the client: makes the response continuable. */
  commit(): void;
  /** Call when the response ended in an error instead: evicts the parent (§2.3). */
  fail(): void;
}

/** Dependencies of the engine. */
export interface EngineDeps {
  clock: Clock;
  ids: IdGen;
  scenario(): Scenario;
  /** `every` of the prev-not-found fault, if any. */
  prevNotFoundEvery(): number | undefined;
  /** Active fault specs (account switches, rate limits, context window). */
  faultSpecs?(): FaultSpec[];
}

/** Request handling shared by both transports. */
export class Engine {
  /** `store:true` responses, reachable from any connection. */
  private stored = new Map<string, StoredResponse>();
  /** call_id → id of the response that issued it (groups parallel calls into one batch). */
  private callBatch = new Map<string, string>();
  /** Prompt-cache key → the last prompt text seen under it. */
  private promptCache = new Map<string, string>();
  private chainedRequests = 0;
  /** Generated (non-warm-up) responses so far, for the rate-limit fault. */
  private generated = 0;
  /** Calls re-delivered so far (the redeliverCall fault). */
  private redelivered = 0;

  constructor(private readonly deps: EngineDeps) {}

  /**
   * Validates a create body and resolves its parent; errors are returned, never thrown. Any
   * rejected continuation evicts the referenced response from the connection cache (§2.3).
   */
  prepare(body: Record<string, unknown>, conn: ConnState | undefined): Prepared | { error: ApiError } {
    const out = this.check(body, conn);
    const prev = body['previous_response_id'];
    if ('error' in out && conn && typeof prev === 'string' && conn.last?.id === prev) delete conn.last;
    return out;
  }

  private check(body: Record<string, unknown>, conn: ConnState | undefined): Prepared | { error: ApiError } {
    if (typeof body['model'] !== 'string' || body['model'].length === 0) {
      return {
        error: invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter'),
      };
    }
    const typeError = checkFieldTypes(body);
    if (typeError) return { error: typeError };
    const refused = accountRefusal(body, this.deps.faultSpecs?.() ?? []);
    if (refused) return { error: refused };
    if (conn && body['background'] === true) {
      return {
        error: invalidRequest(
          'Background responses are not supported over WebSocket.',
          'background',
          'unsupported_parameter',
        ),
      };
    }
    const prevRaw = body['previous_response_id'];
    const prev = typeof prevRaw === 'string' && prevRaw.length > 0 ? prevRaw : null;
    if (prev && body['conversation'] !== undefined && body['conversation'] !== null) {
      return {
        error: invalidRequest(
          'previous_response_id cannot be used together with conversation.',
          'previous_response_id',
        ),
      };
    }
    const store = body['store'] !== false;
    const normalized = normalizeInput(body['input']);
    if ('error' in normalized) return { error: normalized.error };
    const bad = validateInputItems(normalized.items, store);
    if (bad) return { error: bad };
    const images = collectImages(normalized.items);
    if ('error' in images) return { error: images.error };

    let parent: StoredResponse | undefined;
    if (prev) {
      this.chainedRequests++;
      const every = this.deps.prevNotFoundEvery();
      const injected = every !== undefined && every > 0 && this.chainedRequests % every === 0;
      if (!injected) {
        parent =
          conn?.last?.id === prev
            ? conn.last
            : (conn?.forkable?.().find((r) => r.id === prev) ?? this.stored.get(prev));
      }
      if (!parent) {
        return {
          error: invalidRequest(
            `Previous response with id '${prev}' not found.`,
            'previous_response_id',
            'previous_response_not_found',
          ),
        };
      }
    }
    const conversation = [...(parent?.conversation ?? []), ...normalized.items];
    const pairing = validatePairing(conversation);
    if (pairing) {
      this.evict(conn, parent);
      return { error: pairing };
    }
    const fields = contextFields(body);
    const local = parent !== undefined && (conn?.last === parent || !!conn?.forkable?.().includes(parent));
    const uncached = local
      ? `${parent?.fields === fields ? '' : fields}\n${normalized.items.map(renderItem).join('\n')}`
      : `${fields}\n${conversation.map(renderItem).join('\n')}`;
    const out: Prepared = {
      body,
      conversation,
      store,
      previousResponseId: prev,
      uncachedTokens: estimateTokens(uncached),
    };
    if (parent) out.parent = parent;
    return out;
  }

  /** Evicts `parent` from the connection cache (a failed continuation, §2.3). */
  evict(conn: ConnState | undefined, parent: StoredResponse | undefined): void {
    if (conn && parent !== undefined && conn.last === parent) delete conn.last;
  }

  /** Plans and builds the response for a prepared request. */
  run(p: Prepared, conn: ConnState | undefined, responseId: string): RunResult {
    const { clock, ids } = this.deps;
    const body = p.body;
    const scenario = this.deps.scenario();
    const include = Array.isArray(body['include']) ? body['include'] : [];
    const ctxBase = {
      id: responseId,
      request: body,
      previousResponseId: p.previousResponseId,
      createdAt: Math.floor(clock.wallNow() / 1000),
      includeEncrypted:
        scenario.alwaysEncryptReasoning === true || include.includes('reasoning.encrypted_content'),
      chunkChars: scenario.chunkChars ?? 24,
    };
    const now = Math.floor(clock.wallNow() / 1000);
    let built: BuiltResponse;
    if (body['generate'] === false) {
      built = buildWarmup({ ...ctxBase, inputTokens: 0, cachedTokens: 0 }, now);
    } else {
      const analysis = analyze(p.conversation, (callId) => this.callBatch.get(callId));
      const plan = planResponse(scenario, analysis, body['tools']);
      const again = this.redelivery(p, conn);
      if (again) {
        plan.reasoning = [];
        delete plan.say;
        plan.calls = [again];
      }
      // A real model honours these: no calls with tool_choice "none", at most one without parallel calls.
      if (body['tool_choice'] === 'none') {
        if (plan.calls.length > 0 && plan.say === undefined)
          plan.say = '(simulated model) Tool calls are disabled for this request.';
        plan.calls = [];
      } else if (body['parallel_tool_calls'] === false) plan.calls = plan.calls.slice(0, 1);
      const from = lastCompactionIndex(p.conversation);
      const visible = from >= 0 ? p.conversation.slice(from) : p.conversation;
      const prompt = `${JSON.stringify([body['instructions'] ?? null, body['tools'] ?? null])}\n${visible.map(renderItem).join('\n')}`;
      const cacheKey =
        typeof body['prompt_cache_key'] === 'string'
          ? `key:${body['prompt_cache_key']}`
          : conn
            ? `conn:${conn.id}`
            : `http:${String(body['model'])}`;
      const previous = this.promptCache.get(cacheKey);
      const cachedTokens = previous ? Math.floor(commonPrefix(previous, prompt) / 4) : 0;
      this.promptCache.set(cacheKey, prompt);
      const inputTokens = Math.max(estimateTokens(prompt), cachedTokens);
      const ctx = { ...ctxBase, inputTokens, cachedTokens };
      const threshold = compactThreshold(body['context_management']);
      const specs = this.deps.faultSpecs?.() ?? [];
      const rateLimit = specs.find((s) => s.rateLimit)?.rateLimit;
      const window = specs.find((s) => s.contextWindow !== undefined)?.contextWindow;
      this.generated++;
      if (rateLimit && rateLimit.every > 0 && this.generated % rateLimit.every === 0) {
        const message = rateLimitMessage(String(body['model']), rateLimit.retryAfterMs ?? 1200);
        built = buildFailed(ctx, 'rate_limit_exceeded', message, now);
      } else if (window !== undefined && window > 0 && inputTokens > window) {
        built = buildFailed(ctx, 'context_length_exceeded', CONTEXT_LENGTH_MESSAGE, now);
      } else if (threshold !== undefined && inputTokens >= threshold) {
        const id = ids.next('cmp');
        built = buildResponse(
          plan,
          {
            ...ctx,
            compaction: {
              id,
              type: 'compaction',
              encrypted_content: sealBlob({ k: 'cmp', state: plan.state }),
            },
          },
          ids,
          now,
        );
      } else {
        built = buildResponse(plan, ctx, ids, now);
      }
      for (const item of built.output) {
        // A re-delivered call keeps its original batch, so the script does not advance.
        if (isCallItem(item) && typeof item['call_id'] === 'string' && !this.callBatch.has(item['call_id']))
          this.callBatch.set(item['call_id'], responseId);
      }
    }
    const stored: StoredResponse = {
      id: responseId,
      conversation: [...p.conversation, ...built.output],
      store: p.store,
      fields: contextFields(body),
    };
    return {
      built,
      commit: () => {
        if (built.status === 'failed') return this.evict(conn, p.parent);
        if (conn) conn.last = stored;
        if (p.store) this.stored.set(responseId, stored);
      },
      fail: () => this.evict(conn, p.parent),
    };
  }

  /** The call the `redeliverCall` fault re-delivers for this request, if it fires. */
  private redelivery(p: Prepared, conn: ConnState | undefined): PlannedCall | undefined {
    const f = this.deps.faultSpecs?.().find((s) => s.redeliverCall)?.redeliverCall;
    if (!f || this.redelivered >= (f.times ?? 1) || p.previousResponseId) return undefined;
    if (conn && (conn.id < 2 || conn.last)) return undefined; // only right after a reconnect
    const answered = new Set<string>();
    for (const item of p.conversation)
      if (item.type === 'function_call_output' && typeof item['call_id'] === 'string')
        answered.add(item['call_id']);
    for (let i = p.conversation.length - 1; i >= 0; i--) {
      const item = p.conversation[i]!;
      if (item.type === 'message' && item['role'] === 'user') return undefined;
      if (
        item.type === 'function_call' &&
        typeof item['call_id'] === 'string' &&
        answered.has(item['call_id'])
      ) {
        this.redelivered++;
        return {
          kind: 'function',
          name: String(item['name']),
          arguments: String(item['arguments'] ?? '{}'),
          callId: item['call_id'],
        };
      }
    }
    return undefined;
  }

  /** Builds the `/responses/compact` window: every user message, then one compaction item. */
  compact(body: Record<string, unknown>): { body: Record<string, unknown> } | { error: ApiError } {
    if (typeof body['model'] !== 'string')
      return {
        error: invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter'),
      };
    const normalized = normalizeInput(body['input']);
    if ('error' in normalized) return { error: normalized.error };
    let base: WireItem[] = [];
    const prev = body['previous_response_id'];
    if (typeof prev === 'string' && prev.length > 0) {
      const parent = this.stored.get(prev);
      if (!parent) {
        return {
          error: invalidRequest(
            `Previous response with id '${prev}' not found.`,
            'previous_response_id',
            'previous_response_not_found',
          ),
        };
      }
      base = parent.conversation;
    }
    const conversation = [...base, ...normalized.items];
    const analysis = analyze(conversation, (callId) => this.callBatch.get(callId));
    const plan = planResponse(this.deps.scenario(), analysis, []);
    return { body: compactionWindow(conversation, plan.state, this.deps.ids, this.deps.clock) };
  }
}

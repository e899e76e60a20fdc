/**
 * The non-input request fields, headers, session settings and the refusal hook of a runtime:
 * what every `response.create` carries and how refusals of it are handled (issue 14).
 */
import { parseHeaders } from '../config/headers.js';
import type { SettingSource } from '../config/load.js';
import type { Settings } from '../config/schema.js';
import type { UserState } from '../config/user-state.js';
import type { RequestFields } from '../protocol/client-events.js';
import type { FieldRefusal, RefusalDecision, SessionSettings } from '../session/types.js';
import type { ToolRuntime } from '../tools/types.js';
import type { Clock } from '../util/clock.js';
import { addSecret } from '../util/redact.js';
import { VERSION } from '../util/version.js';
import { modelHasReasoning } from './model-caps.js';
import { describeField, droppableFor } from './refusals.js';

/** Compaction threshold in tokens: the setting, or 80% of the context window. */
export function compactThreshold(settings: Pick<Settings, 'compactThreshold' | 'contextWindow'>): number {
  return settings.compactThreshold > 0 ? settings.compactThreshold : Math.floor(settings.contextWindow * 0.8);
}

/** The `tools` of a request: tether's own, plus the service's hosted web search when enabled. */
export function requestTools(
  settings: Pick<Settings, 'webSearch'>,
  tools: ToolRuntime,
): NonNullable<RequestFields['tools']> {
  const specs: NonNullable<RequestFields['tools']> = [...tools.specs()];
  if (settings.webSearch) specs.push({ type: 'web_search' });
  return specs;
}

/** The non-input fields of every `response.create` (PROTOCOL §2.1, §5.5: they never carry over). */
export function buildRequestFields(
  settings: Settings,
  instructions: string,
  tools: ToolRuntime,
  sessionId: string,
): RequestFields {
  const fields: RequestFields = {
    model: settings.model,
    instructions,
    tools: requestTools(settings, tools),
    tool_choice: 'auto',
    parallel_tool_calls: true,
    store: settings.store,
    prompt_cache_key: sessionId,
    // The server requires compact_threshold ≥ 1000 (§6.1).
    context_management: [
      { type: 'compaction', compact_threshold: Math.max(1000, compactThreshold(settings)) },
    ],
  };
  return { ...fields, ...reasoningFields(settings, settings.model) };
}

/**
 * `reasoning` / `include` for `model`: none for models without reasoning (capability table,
 * `modelReasoning`), `summary` only when `reasoningSummary` is not `none` (§10.1).
 */
export function reasoningFields(
  settings: Pick<Settings, 'reasoningEffort' | 'reasoningSummary' | 'modelReasoning'>,
  model: string,
): Pick<RequestFields, 'reasoning' | 'include'> {
  if (!modelHasReasoning(model, settings.modelReasoning)) return { include: [] };
  // Reasoning items must be replayable in full-context (stateless) requests (§5.3).
  const out: Pick<RequestFields, 'reasoning' | 'include'> = { include: ['reasoning.encrypted_content'] };
  if (settings.reasoningEffort !== 'none') {
    out.reasoning = { effort: settings.reasoningEffort };
    if (settings.reasoningSummary !== 'none') out.reasoning.summary = settings.reasoningSummary;
  }
  return out;
}

/** Headers of every request: identity, organization/project and the gateway `headers` setting. */
export function requestHeaders(settings: Settings): {
  http: Record<string, string>;
  websocket: Record<string, string>;
} {
  const http: Record<string, string> = { ...parseHeaders(settings.headers) };
  // Gateway header values may be credentials: never shown anywhere.
  for (const v of Object.values(http)) if (v.length >= 8) addSecret(v);
  http['User-Agent'] = `tether-code/${VERSION}`;
  if (settings.organization) http['OpenAI-Organization'] = settings.organization;
  if (settings.project) http['OpenAI-Project'] = settings.project;
  const websocket = { ...http };
  if (settings.wsBetaHeader) websocket['OpenAI-Beta'] = 'responses_websockets=2026-02-06';
  return { http, websocket };
}

/**
 * The session's refusal hook (issue 14.1): a default field the service refuses is dropped, the
 * refusal remembered for this base URL + model, and one notice says so; a field the user set
 * explicitly gives one clear error instead.
 */
export function refusalHook(
  settings: Settings,
  sources: Record<string, SettingSource> | undefined,
  state: UserState,
  clock: Clock,
): (r: FieldRefusal, fields: RequestFields) => RefusalDecision {
  const explicit = (key: string) => (sources?.[key] ?? 'default') !== 'default';
  return (r, fields) => {
    const d = droppableFor(r.param);
    if (!d?.present(fields)) return { action: 'pass' };
    const what = describeField(d, fields);
    const setBy = d.settings.find(explicit);
    if (setBy) {
      return {
        action: 'fail',
        message: `the service refused ${what}, which you set (${setBy} from ${sources?.[setBy]}): ${r.message} — change or unset ${setBy}`,
      };
    }
    state.rememberRefusal(settings.baseUrl, fields.model, {
      param: d.param,
      code: r.code,
      at: clock.wallNow(),
    });
    return {
      action: 'drop',
      fields: d.drop(fields),
      notice: `the service refused ${what} for ${fields.model} (${r.code}: ${r.message}); requests are sent without ${d.param} from now on (remembered for this base URL and model${d.settings[0] ? `; set ${d.settings[0]} explicitly to send it again` : ''})`,
    };
  };
}

export function sessionSettings(s: Settings): SessionSettings {
  return {
    transport: s.transport,
    wsDeflate: s.wsDeflate,
    connectTimeoutMs: s.connectTimeoutMs,
    rotationAgeMs: s.rotationAgeMs,
    heartbeatIntervalMs: s.heartbeatIntervalMs,
    heartbeatTimeoutMs: s.heartbeatTimeoutMs,
    streamIdleTimeoutMs: s.streamIdleTimeoutMs,
    maxRetries: s.maxRetries,
    backoffBaseMs: s.backoffBaseMs,
    backoffMaxMs: s.backoffMaxMs,
    fallbackReprobeTurns: s.fallbackReprobeTurns,
    warmup: s.warmup,
    warmupWaitMs: s.warmupWaitMs,
  };
}

/** The param a refused warm-up is remembered under (with the reasoning refusals, per base URL + model). */
export const WARMUP_PARAM = 'generate';

/** Whether a warm-up refusal is remembered for `baseUrl` + `model` (then this session does not warm). */
export function warmupRemembered(state: UserState, baseUrl: string, model: string): boolean {
  return state.refusals(baseUrl, model).some((r) => r.param === WARMUP_PARAM);
}

/** Error codes the Responses API documents (§4.2, §10) and how tether classifies them. */

export const ERROR_CODES = {
  previousResponseNotFound: 'previous_response_not_found',
  connectionLimitReached: 'websocket_connection_limit_reached',
  invalidStreamId: 'invalid_stream_id',
  streamLimitReached: 'websocket_stream_limit_reached',
  rateLimitExceeded: 'rate_limit_exceeded',
  serverError: 'server_error',
  serverOverloaded: 'server_is_overloaded',
  slowDown: 'slow_down',
  invalidApiKey: 'invalid_api_key',
  contextLengthExceeded: 'context_length_exceeded',
  insufficientQuota: 'insufficient_quota',
  usageNotIncluded: 'usage_not_included',
  modelNotFound: 'model_not_found',
  unsupportedValue: 'unsupported_value',
  unsupportedParameter: 'unsupported_parameter',
  unknownParameter: 'unknown_parameter',
  invalidPrompt: 'invalid_prompt',
} as const;

/** What a client should do about an error. */
export type ErrorClass =
  | 'rechain' // resend full context on a new chain (previous_response_not_found)
  | 'reconnect' // the connection is unusable; open a new one and continue
  | 'retry' // transient (429/5xx, overloaded); back off and retry
  | 'auth' // credentials refused; never retry
  | 'quota' // the account has no quota / plan for this: never retry (exit 3)
  | 'model' // the model does not exist or is not available to this key (exit 2)
  | 'context' // the input does not fit the context window: compact, then retry once
  | 'refused_param' // a request field the service (or this model/account) does not accept
  | 'fatal'; // a request the server will never accept as sent

/** Codes that refuse one request field; `param` names it. */
const REFUSED_PARAM_CODES: ReadonlySet<string> = new Set([
  ERROR_CODES.unsupportedValue,
  ERROR_CODES.unsupportedParameter,
  ERROR_CODES.unknownParameter,
]);

/** Classifies an error by code first, then by HTTP-like status (codes win, §4.2 note). */
export function classifyError(code: string | null | undefined, status?: number): ErrorClass {
  switch (code) {
    case ERROR_CODES.previousResponseNotFound:
      return 'rechain';
    case ERROR_CODES.connectionLimitReached:
      return 'reconnect';
    case ERROR_CODES.rateLimitExceeded:
    case ERROR_CODES.serverError:
    case ERROR_CODES.serverOverloaded:
    case ERROR_CODES.slowDown:
      return 'retry';
    case ERROR_CODES.invalidApiKey:
      return 'auth';
    case ERROR_CODES.insufficientQuota:
    case ERROR_CODES.usageNotIncluded:
      return 'quota';
    case ERROR_CODES.modelNotFound:
      return 'model';
    case ERROR_CODES.contextLengthExceeded:
      return 'context';
    default:
      break;
  }
  if (code && REFUSED_PARAM_CODES.has(code)) return 'refused_param';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408 || status === 409 || status === 429) return 'retry';
  if (status !== undefined && status >= 500) return 'retry';
  return 'fatal';
}

/**
 * Classifies the error of a `response.failed` (§10.2). Like Codex, a failed response is
 * transient unless its code says otherwise: rate limits, overload and server errors — and
 * unknown codes — are retried; quota, model, context and request errors are not.
 */
export function classifyFailedResponse(code: string | null | undefined): ErrorClass {
  if (!code) return 'retry';
  const cls = classifyError(code);
  if (cls !== 'fatal') return cls;
  if (code === ERROR_CODES.invalidPrompt || code.startsWith('invalid_')) return 'fatal';
  return 'retry';
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
};

/**
 * The delay a service message asks for, in ms: "Please try again in 1.2s.", "…in 350ms",
 * "…in 1m2s", "…in 20 seconds", "…in 6h12m". `undefined` when the message names none.
 */
export function retryHintFromMessage(message: string | null | undefined): number | undefined {
  if (!message) return undefined;
  const m = /try again in\s+((?:\d+(?:\.\d+)?\s*[a-z]+\s*)+)/i.exec(message);
  if (!m?.[1]) return undefined;
  let total = 0;
  let parts = 0;
  for (const part of m[1].matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/gi)) {
    const unit = UNIT_MS[(part[2] ?? '').toLowerCase()];
    if (unit === undefined) break;
    total += Number(part[1]) * unit;
    parts++;
  }
  if (parts === 0 || !Number.isFinite(total)) return undefined;
  return Math.max(0, Math.round(total));
}

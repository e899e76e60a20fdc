/** How a run ended → status and exit code (README exit-code table). Pure. */
import type { TurnErrorKind } from '../session/types.js';
import { EXIT } from '../util/exit-codes.js';
import type { TerminalReason } from './events.js';

/** Status reported in `run_finished` / JSON `status`. */
export type RunStatus = 'success' | 'failed' | 'cancelled';

/**
 * Exit code of a terminal reason (success 0, failed 1, usage/config 2 — model not found, a refused
 * explicit setting —, auth or quota 3, network 4, limit 5, interrupted 130).
 */
export function exitCodeFor(reason: TerminalReason): number {
  switch (reason) {
    case 'completed':
      return EXIT.success;
    case 'max_turns':
    case 'timeout':
    case 'max_tokens':
      return EXIT.limit;
    case 'cancelled':
      return EXIT.interrupted;
    case 'auth_refused':
    case 'quota_exceeded':
      return EXIT.auth;
    case 'model_not_found':
    case 'invalid_request':
      return EXIT.usage;
    case 'network_unreachable':
      return EXIT.network;
    case 'model_error':
    case 'incomplete':
    case 'error':
      return EXIT.failed;
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}

/** Status of a terminal reason. */
export function statusFor(reason: TerminalReason): RunStatus {
  if (reason === 'completed') return 'success';
  if (reason === 'cancelled') return 'cancelled';
  return 'failed';
}

/** Terminal reason of a failed model call, by the session's error kind. */
export function reasonForTurnError(kind: TurnErrorKind | undefined): TerminalReason {
  switch (kind) {
    case 'auth':
      return 'auth_refused';
    case 'quota':
      return 'quota_exceeded';
    case 'model':
      return 'model_not_found';
    case 'refused':
      return 'invalid_request';
    case 'network':
      return 'network_unreachable';
    case 'server':
    case 'protocol':
    case 'request':
    case 'limit':
    case 'context':
      return 'model_error';
    case undefined:
      return 'error';
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/**
 * The one-line error a failed model call ends the run with: the service's words, plus what to do
 * where the code says (quota, plan, unknown model). Never contains the API key (callers redact).
 */
export function describeTurnError(
  error: { kind: TurnErrorKind; message: string; code?: string } | undefined,
  model: string,
): string {
  if (!error) return 'the model call failed';
  const said = error.message.trim();
  switch (error.kind) {
    case 'quota':
      return error.code === 'usage_not_included'
        ? `this account's plan does not include API usage (usage_not_included): use an API key of a project with API billing set up (https://platform.openai.com/settings/organization/billing) — ${said}`
        : `the API account has no quota left (${error.code ?? 'insufficient_quota'}): add credits or raise the usage limit at https://platform.openai.com/settings/organization/billing, or use another project's key — ${said}`;
    case 'model':
      return `model "${model}" does not exist or this API key cannot use it (${error.code ?? 'model_not_found'}): choose another with --model or TETHER_MODEL — ${said}`;
    default:
      return said || 'the model call failed';
  }
}

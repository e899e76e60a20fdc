/** How a run ended → status and exit code (README exit-code table). Pure. */
import type { TurnErrorKind } from '../session/types.js';
import { EXIT } from '../util/exit-codes.js';
import type { TerminalReason } from './events.js';

/** Status reported in `run_finished` / JSON `status`. */
export type RunStatus = 'success' | 'failed' | 'cancelled';

/** Exit code of a terminal reason (success 0, failed 1, auth 3, network 4, limit 5, interrupted 130). */
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
      return EXIT.auth;
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
    case 'network':
      return 'network_unreachable';
    case 'server':
    case 'protocol':
    case 'request':
    case 'limit':
      return 'model_error';
    case undefined:
      return 'error';
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

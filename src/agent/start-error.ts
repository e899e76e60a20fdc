/** Classifies an error thrown by `SessionController.start()` (warm-up) into a terminal reason. */
import { SessionStartError } from '../session/types.js';
import { TetherError } from '../util/errors.js';
import { EXIT } from '../util/exit-codes.js';
import type { TerminalReason } from './events.js';
import { describeTurnError, reasonForTurnError } from './outcome.js';

/**
 * Returns the terminal reason when the failure is definitive (credentials refused, server
 * unreachable after the retry budget), or null when the first turn should simply try again.
 */
export function classifyStartError(
  err: unknown,
  model: string,
): { reason: TerminalReason; message: string } | null {
  // Refused for good before any turn (no quota, unknown model): worded like the same turn error.
  if (err instanceof SessionStartError)
    return {
      reason: reasonForTurnError(err.turnError.kind),
      message: describeTurnError(err.turnError, model),
    };
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof TetherError) {
    if (err.exitCode === EXIT.auth) return { reason: 'auth_refused', message };
    if (err.exitCode === EXIT.network) return { reason: 'network_unreachable', message };
  }
  const kind = typeof err === 'object' && err !== null ? (err as { kind?: unknown }).kind : undefined;
  if (kind === 'auth') return { reason: 'auth_refused', message };
  if (kind === 'network') return { reason: 'network_unreachable', message };
  return null;
}

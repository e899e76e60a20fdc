import { EXIT, type ExitCode } from './exit-codes.js';
import { redact } from './redact.js';

/** An error that maps to one exit code and prints as one line. */
export class TetherError extends Error {
  readonly exitCode: ExitCode;
  /** Machine-readable reason, e.g. `auth_refused`, `network_unreachable`, `max_turns`. */
  readonly reason: string;

  constructor(message: string, exitCode: ExitCode = EXIT.failed, reason = 'error') {
    super(message);
    this.name = 'TetherError';
    this.exitCode = exitCode;
    this.reason = reason;
  }
}

/** Usage / configuration error (exit 2). */
export function usageError(message: string, reason = 'usage'): TetherError {
  return new TetherError(message, EXIT.usage, reason);
}

/** A CLI path a later issue fills in (exit 2). */
export function notYetAvailable(what: string): TetherError {
  return new TetherError(`${what} is not yet available in this build`, EXIT.usage, 'not_available');
}

/** One redacted line for any thrown value; the stack only when TETHER_DEBUG=1. */
export function formatError(err: unknown, debug = process.env['TETHER_DEBUG'] === '1'): string {
  const message = err instanceof Error ? err.message : String(err);
  const oneLine = message.split(/\r?\n/).filter(Boolean)[0] ?? 'unknown error';
  let text = `tether: ${oneLine}`;
  if (debug && err instanceof Error && err.stack) text += `\n${err.stack}`;
  return redact(text);
}

export function exitCodeOf(err: unknown): ExitCode {
  return err instanceof TetherError ? err.exitCode : EXIT.failed;
}

/**
 * Ctrl+C as a pure decision (the clock is passed in): while something runs the first press
 * interrupts it like Esc, when idle it clears the input; either way it arms "press again to
 * exit" for `windowMs`, and a second press inside the window exits.
 */

/** What a Ctrl+C press does. */
export type CtrlCOutcome = 'exit' | 'interrupt' | 'clear';

/** Inputs of {@link ctrlC}. */
export interface CtrlCInput {
  /** Clock ms now. */
  now: number;
  /** Clock ms of the press that armed the exit, else null. */
  armedAt: number | null;
  /** Window for the second press (ms). */
  windowMs: number;
  /** A turn, tool, or `!command` is running. */
  busy: boolean;
}

/** True while a previous press still arms the exit. */
export function exitArmed(armedAt: number | null, now: number, windowMs: number): boolean {
  return armedAt !== null && now - armedAt <= windowMs;
}

/** Decides what one Ctrl+C press does. */
export function ctrlC(i: CtrlCInput): CtrlCOutcome {
  if (exitArmed(i.armedAt, i.now, i.windowMs)) return 'exit';
  return i.busy ? 'interrupt' : 'clear';
}

/** The hint under the composer while the exit is armed. */
export const EXIT_HINT = 'Press Ctrl+C again to exit';

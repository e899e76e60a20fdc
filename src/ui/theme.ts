/** Colours and glyphs used across components (one place to restyle). */
export const theme = {
  user: 'cyan',
  accent: 'magenta',
  dim: 'gray',
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  added: 'green',
  removed: 'red',
  hunk: 'cyan',
} as const;

/** Spinner frames (one per tick). */
export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

/** The spinner frame for clock time `nowMs`. */
export function spinnerFrame(nowMs: number): string {
  return SPINNER[Math.floor(nowMs / 100) % SPINNER.length] ?? '⠋';
}

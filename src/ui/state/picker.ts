/** The session picker's state (bare `--resume` at start-up and `/resume` in a session). Pure. */

/** One session offered by the picker. */
export interface PickItem {
  id: string;
  title: string;
  /** Last activity (Unix ms). */
  updatedAt: number;
  turns: number;
}

/** An open picker: the sessions offered and the selected row. */
export interface PickerState {
  items: readonly PickItem[];
  index: number;
}

/** Rows shown at once. */
export const PICKER_ROWS = 12;

/** Moves the selection by `delta` rows, wrapping around. */
export function movePicker(p: PickerState, delta: number): PickerState {
  const n = p.items.length;
  if (n === 0) return p;
  return { ...p, index: (((p.index + delta) % n) + n) % n };
}

/** The first row shown so that the selection stays visible (centred when it can be). */
export function firstVisibleRow(index: number, count: number, rows = PICKER_ROWS): number {
  return Math.max(0, Math.min(index - Math.floor(rows / 2), count - rows));
}

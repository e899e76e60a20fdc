/**
 * Orders the approved tool calls of one response into batches: calls within a batch run in
 * parallel, batches run in order. Pure. Reads run together; edits join a batch only when the
 * files they touch are disjoint from every other call's; shell commands touch unknown files,
 * so each runs alone, in the model's order.
 */
import type { ToolKind } from '../tools/types.js';

/** What the scheduler needs to know about a call. */
export interface SchedulableCall {
  kind: ToolKind;
  /** Absolute paths read or written. */
  touches: readonly string[];
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if (
        x === y ||
        x.startsWith(y.endsWith('/') ? y : `${y}/`) ||
        y.startsWith(x.endsWith('/') ? x : `${x}/`)
      )
        return true;
    }
  }
  return false;
}

/** True when the two calls may run at the same time. */
export function canRunTogether(a: SchedulableCall, b: SchedulableCall): boolean {
  if (a.kind === 'execute' || b.kind === 'execute' || a.kind === 'mcp' || b.kind === 'mcp') return false;
  if (a.kind === 'read' && b.kind === 'read') return true;
  return !overlaps(a.touches, b.touches);
}

/**
 * Splits `calls` (in model order) into consecutive batches. A call joins the current batch only
 * if it can run with every member, so order is preserved between any two conflicting calls.
 */
export function planBatches<T extends SchedulableCall>(calls: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  for (const call of calls) {
    if (current.every((c) => canRunTogether(c, call))) current.push(call);
    else {
      batches.push(current);
      current = [call];
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** One model call: turn events through the reducer, usage, and persistence around it. */
import type { Item } from '../protocol/items.js';
import type { UsageTotals } from '../protocol/usage.js';
import type { SessionController, TurnResult } from '../session/types.js';
import { redact } from '../util/redact.js';
import type { AgentEvent, AgentPersistence } from './events.js';
import { completeItem, initialTurnState, reduceTurnEvent } from './turn-reducer.js';

/** What a model call needs from the agent. */
export interface ModelCallDeps {
  session: SessionController;
  emit(e: AgentEvent): void;
  persistence: AgentPersistence | undefined;
  /** Adds this call's usage to the totals and returns the conversation total. */
  addUsage(usage: UsageTotals): UsageTotals;
}

/**
 * Sends `input` as turn `turnId` and streams it: inputs are persisted before the call, outputs
 * after it completed, and the store is flushed once per call (a crash loses at most this turn).
 */
export async function runModelCall(
  deps: ModelCallDeps,
  turnId: string,
  index: number,
  input: Item[],
  signal: AbortSignal,
): Promise<TurnResult> {
  const { session, emit, persistence } = deps;
  emit({ type: 'turn_started', turnId, index });
  persistence?.onItems(input, 'input');
  const state = initialTurnState(turnId);
  const result = await session.runTurn(input, {
    signal,
    onEvent: (e) => {
      for (const ev of reduceTurnEvent(state, e)) emit(ev);
    },
  });
  if (result.status === 'completed' || result.status === 'incomplete') {
    // Items only seen in the terminal response (no output_item.done) still get their done event.
    for (const item of result.output) for (const ev of completeItem(state, item)) emit(ev);
    persistence?.onItems(result.output, 'output');
  }
  const total = deps.addUsage(result.usage);
  emit({ type: 'usage', turnId, usage: { ...result.usage }, total: { ...total }, metrics: result.metrics });
  emit({
    type: 'turn_finished',
    turnId,
    status: result.status,
    ...(result.error ? { error: redact(result.error.message) } : {}),
  });
  // The records reach the kernel inside flush(); the disk sync finishes in the background so the
  // next request is not delayed by fdatasync (a crash still loses at most this turn).
  void persistence?.flush().catch(() => undefined);
  return result;
}

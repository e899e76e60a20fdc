/**
 * The side-effect ledger: call_id → state/output. A call is recorded `running` *before* it runs
 * (persisted through AgentPersistence), so a call_id is never executed twice — not after a
 * reconnect, a retried turn, nor a crash and resume (a call still `running` at load was
 * interrupted and gets a synthetic output instead of running again).
 */
import type { Item } from '../protocol/items.js';
import { isToolCall, isToolOutput, toolCallKind } from '../protocol/items.js';
import type { LedgerEntry } from './events.js';

/** Output sent for a call that was running when the previous process died. */
export const INTERRUPTED_OUTPUT =
  'interrupted; not re-run (the previous tether process ended while this call was running; its effects are unknown)';

/** Output sent for a call cancelled before or while running. */
export const ABORTED_OUTPUT = 'aborted';

/** In-memory ledger (one per conversation). */
export class Ledger {
  private readonly entries = new Map<string, LedgerEntry>();

  constructor(initial: readonly LedgerEntry[] = []) {
    for (const e of initial) this.entries.set(e.callId, { ...e });
  }

  get(callId: string): LedgerEntry | undefined {
    return this.entries.get(callId);
  }

  has(callId: string): boolean {
    return this.entries.has(callId);
  }

  /** Records (or replaces) an entry and returns a copy for persistence. */
  set(entry: LedgerEntry): LedgerEntry {
    const copy = { ...entry };
    this.entries.set(entry.callId, copy);
    return { ...copy };
  }

  all(): LedgerEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * For a resumed transcript: every tool call (function or custom) without its output needs one
 * before the next model call. Calls the ledger saw finish reuse their recorded output; calls
 * still `running` (the process died mid-call) or never started get a synthetic output. Returns
 * the outputs to send and the ledger entries to (re)write.
 */
export function danglingCallOutputs(
  transcript: readonly Item[],
  ledger: Ledger,
): {
  outputs: Array<{ callId: string; kind: 'function' | 'custom'; output: string }>;
  updates: LedgerEntry[];
} {
  const answered = new Set<string>();
  for (const item of transcript) if (isToolOutput(item)) answered.add(item.call_id);
  const outputs: Array<{ callId: string; kind: 'function' | 'custom'; output: string }> = [];
  const updates: LedgerEntry[] = [];
  for (const item of transcript) {
    if (!isToolCall(item) || answered.has(item.call_id)) continue;
    answered.add(item.call_id);
    const kind = toolCallKind(item);
    const entry = ledger.get(item.call_id);
    if (entry && entry.state !== 'running' && entry.output !== undefined) {
      outputs.push({ callId: item.call_id, kind, output: entry.output });
      continue;
    }
    const output = entry?.state === 'running' ? INTERRUPTED_OUTPUT : ABORTED_OUTPUT;
    const state: LedgerEntry['state'] = entry?.state === 'running' ? 'failed' : 'aborted';
    updates.push(ledger.set({ callId: item.call_id, name: item.name, state, output }));
    outputs.push({ callId: item.call_id, kind, output });
  }
  return { outputs, updates };
}

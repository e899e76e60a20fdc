/**
 * What one conversation carries between runs: the user input queued while the agent works,
 * tool outputs the model has not received yet, the tool-call ledger, the usage totals and the
 * count of model calls. `/new` and `/resume` start a fresh one.
 */
import type { Item, ToolOutputItem } from '../protocol/items.js';
import { addTotals, type UsageTotals, ZERO_USAGE } from '../protocol/usage.js';
import type { LedgerEntry } from './events.js';
import { InputQueue } from './input-queue.js';
import { danglingCallOutputs, Ledger } from './ledger.js';
import { unsentOutputs } from './run-state.js';
import { toModelOutput } from './tool-exec.js';

/** The state of one conversation (no I/O: the agent persists and announces). */
export class Conversation {
  readonly ledger: Ledger;
  readonly queue = new InputQueue();
  private pendingOutputs: ToolOutputItem[] = [];
  totalUsage: UsageTotals = { ...ZERO_USAGE };
  /** Model calls of the conversation so far. */
  turnCounter = 0;

  constructor(ledger: readonly LedgerEntry[]) {
    this.ledger = new Ledger(ledger);
  }

  /** Takes pending tool outputs first (the model expects them next), then queued user messages. */
  takeInput(): Item[] {
    const items: Item[] = [...this.pendingOutputs];
    this.pendingOutputs = [];
    items.push(...this.queue.takeItems());
    return items;
  }

  /** Puts tool outputs in front of the pending ones (the next turn sends them). */
  prependOutputs(outputs: ToolOutputItem[]): void {
    this.pendingOutputs = [...outputs, ...this.pendingOutputs];
  }

  /** Puts back the tool outputs of `input` that `transcript` shows the server never got. */
  requeueUnsent(input: Item[], transcript: readonly Item[]): void {
    this.prependOutputs(unsentOutputs(input, transcript));
  }

  /** Adds a model call's usage to the totals and returns them. */
  addUsage(usage: UsageTotals): UsageTotals {
    this.totalUsage = addTotals(this.totalUsage, usage);
    return this.totalUsage;
  }

  /**
   * A resumed transcript's unanswered calls are answered first (never re-run): the ledger
   * entries this writes go to `persist`, the outputs become pending.
   */
  answerDangling(transcript: readonly Item[], persist: (entry: LedgerEntry) => void): void {
    const dangling = danglingCallOutputs(transcript, this.ledger);
    for (const entry of dangling.updates) persist(entry);
    this.pendingOutputs.push(
      ...dangling.outputs.map((o) => toModelOutput({ kind: o.kind, callId: o.callId }, o.output)),
    );
  }
}

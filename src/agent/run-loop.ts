/**
 * The control flow of one run, over ports: limits → model call (compacting and retrying once
 * when the input overflows the context window) → tool calls → repeat, until an answer without
 * tool calls or a terminal reason, then `run_finished`. The Agent owns the state; this owns
 * the order of things.
 */
import { type Item, isToolCall, type ToolCallItem, type ToolOutputItem } from '../protocol/items.js';
import { addTotals, type UsageTotals } from '../protocol/usage.js';
import type { SessionController, TurnResult } from '../session/types.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { redact } from '../util/redact.js';
import type { AgentEvent, AgentPersistence, TerminalReason } from './events.js';
import { checkLimits, type RunLimits } from './limits.js';
import { runModelCall } from './model-call.js';
import { describeTurnError, reasonForTurnError } from './outcome.js';
import { type ActiveRun, buildOutcome, messageTextOf } from './run-state.js';
import { classifyStartError } from './start-error.js';
import { answerText } from './turn-reducer.js';
import type { RunOutcome } from './types.js';

/** What a run needs from the agent that owns it. */
export interface RunPorts {
  clock: Clock;
  limits: RunLimits;
  interactive: boolean;
  /** The current model (for error messages). */
  model(): string;
  /** Opens/warms the session (see Agent.start). */
  start(): Promise<void>;
  /** Aborts the run (the wall-clock limit uses it). */
  cancel(): void;
  emit(e: AgentEvent): void;
  /** Ends every exec_command session and reports them. */
  endProcesses(reason: string): void;
  session: SessionController;
  /** The persistence of the current conversation (it changes with /new and /resume). */
  persistence(): AgentPersistence | undefined;
  /** Takes pending tool outputs first (the model expects them next), then queued user messages. */
  takeInput(): Item[];
  /** Model calls of the conversation so far. */
  turnCount(): number;
  /** Counts a new model call of the conversation and returns its number. */
  nextTurn(): number;
  /** Adds a call's usage to the conversation's totals and returns them. */
  addUsage(usage: UsageTotals): UsageTotals;
  /** Compacts the conversation after a context overflow: true, or why it could not. */
  compact(): Promise<true | string>;
  /** Puts the tool outputs of `input` the server never got back in front of the pending ones. */
  requeueUnsent(input: Item[]): void;
  /** How many user messages wait in the queue. */
  queueLength(): number;
  /** Decides, approves and runs the calls of a turn; returns their outputs. */
  executeCalls(run: ActiveRun, calls: ToolCallItem[]): Promise<ToolOutputItem[]>;
  /** Puts tool outputs in front of the pending ones (the next turn sends them). */
  prependOutputs(outputs: ToolOutputItem[]): void;
}

/** Runs `run` to its outcome (emitting `run_finished`); never rejects for a bug below, reports it. */
export async function driveRun(run: ActiveRun, p: RunPorts): Promise<RunOutcome> {
  let timer: TimerHandle | null = null;
  if (p.limits.timeoutMs > 0) {
    timer = p.clock.setTimeout(() => {
      run.timedOut = true;
      p.cancel();
    }, p.limits.timeoutMs);
  }
  const finish = (reason: TerminalReason, error?: string): RunOutcome => {
    timer?.cancel();
    if (error && reason !== 'completed') p.emit({ type: 'error', message: redact(error), code: reason });
    // A --prompt run leaves nothing running: its background processes end with it (reported).
    if (!p.interactive) p.endProcesses('the --prompt run ended');
    const outcome = buildOutcome(run, reason, p.clock, error);
    const { error: _e, ...event } = outcome;
    p.emit({ type: 'run_finished', ...event });
    return outcome;
  };
  const stopped = (): RunOutcome =>
    run.timedOut
      ? finish('timeout', limitMessage(p.limits.timeoutMs))
      : finish('cancelled', 'cancelled by the user');

  try {
    await p.start();
  } catch (err) {
    const classified = classifyStartError(err, p.model());
    if (classified) return finish(classified.reason, classified.message);
    // Otherwise the first turn reconnects and reports its own, classified error.
  }

  try {
    return await loop(run, p, finish, stopped);
  } catch (err) {
    // A bug below (tools, persistence) ends the run with a reported error, never a hang.
    return finish('error', err instanceof Error ? err.message : String(err));
  }
}

async function loop(
  run: ActiveRun,
  p: RunPorts,
  finish: (r: TerminalReason, e?: string) => RunOutcome,
  stopped: () => RunOutcome,
): Promise<RunOutcome> {
  for (;;) {
    if (run.abort.signal.aborted) return stopped();
    const limit = checkLimits(p.limits, {
      turns: run.turns,
      elapsedMs: p.clock.now() - run.startedAt,
      totalTokens: run.usage.totalTokens,
    });
    // Unsent tool outputs stay pending: the next prompt of this conversation carries them.
    if (limit) return finish(limit.reason, limit.message);
    const input = takeInputAnnounced(p);
    let result = await modelCall(run, p, input);
    if (result.status === 'failed' && result.error?.kind === 'context' && !run.abort.signal.aborted) {
      // The input does not fit the context window: compact (/responses/compact) and retry the
      // turn once; its input is already in the transcript the compaction summarises.
      const compacted = await p.compact();
      if (compacted !== true) return finish('model_error', compacted);
      result = await modelCall(run, p, []);
      if (result.status === 'failed' && result.error?.kind === 'context') {
        return finish(
          'model_error',
          `the conversation does not fit the model's context window even after compaction (${result.error.message}); start a new session (/new) or use a model with a larger window`,
        );
      }
    }
    if (result.status === 'cancelled' || (result.status === 'failed' && run.abort.signal.aborted)) {
      p.requeueUnsent(input);
      return stopped();
    }
    if (result.status === 'failed') {
      p.requeueUnsent(input);
      return finish(reasonForTurnError(result.error?.kind), describeTurnError(result.error, p.model()));
    }
    const answer = answerText(result.output);
    if (answer) run.answer = answer;
    const calls = result.output.filter(isToolCall);
    if (result.status === 'incomplete' && calls.length === 0) {
      return finish('incomplete', 'the response was incomplete (output limit or content filter)');
    }
    if (calls.length === 0) {
      if (p.queueLength() === 0) return finish('completed');
      continue;
    }
    p.prependOutputs(await p.executeCalls(run, calls));
  }
}

/** Like takeInput, announcing each user message. */
function takeInputAnnounced(p: RunPorts): Item[] {
  const items = p.takeInput();
  const turnId = `t${p.turnCount() + 1}`;
  for (const item of items) {
    if (item.type === 'message') p.emit({ type: 'user_message', turnId, text: messageTextOf(item) });
  }
  return items;
}

/** One model call; usage is added to the run's and the conversation's totals. */
function modelCall(run: ActiveRun, p: RunPorts, input: Item[]): Promise<TurnResult> {
  const turn = p.nextTurn();
  run.turns++;
  const deps = {
    session: p.session,
    emit: (e: AgentEvent) => p.emit(e),
    persistence: p.persistence(),
    addUsage: (u: UsageTotals) => {
      run.usage = addTotals(run.usage, u);
      return p.addUsage(u);
    },
  };
  return runModelCall(deps, `t${turn}`, turn, input, run.abort.signal);
}

function limitMessage(timeoutMs: number): string {
  return `stopped: the run exceeded its ${Math.round(timeoutMs / 1000)} s time limit (--timeout)`;
}

/**
 * The agent loop (pi-style, no UI): user input → `session.runTurn` → turn reducer → collect
 * `function_call`s → policy/approval → run tools after the response completed → outputs become
 * the next turn's input → repeat until an answer without tool calls. One instance per
 * conversation; it implements the AgentController seam the TUI uses, plus `run(prompt)` for
 * --prompt runs.
 */
import {
  type FunctionCallOutputItem,
  type Item,
  isFunctionCall,
  isFunctionCallOutput,
  userMessage,
} from '../protocol/items.js';
import { addTotals, type UsageTotals, ZERO_USAGE } from '../protocol/usage.js';
import type { TurnResult } from '../session/types.js';
import type { ReadyCall } from '../tools/types.js';
import { type Clock, realClock, type TimerHandle } from '../util/clock.js';
import { redact } from '../util/redact.js';
import type {
  AgentController,
  AgentEvent,
  AgentPersistence,
  AgentSnapshot,
  ApprovalDecision,
  ApprovalMode,
  PermissionDenial,
  TerminalReason,
} from './events.js';
import { danglingCallOutputs, Ledger } from './ledger.js';
import { checkLimits } from './limits.js';
import { exitCodeFor, reasonForTurnError, statusFor } from './outcome.js';
import { classifyStartError } from './start-error.js';
import { executeCalls } from './tool-exec.js';
import { answerText, completeItem, initialTurnState, reduceTurnEvent } from './turn-reducer.js';
import type { AgentInfo, AgentOptions, RunOutcome } from './types.js';

interface CompactionRecord {
  tokensBefore: number;
  tokensAfter: number;
  auto: boolean;
  window: Item[];
}

interface ActiveRun {
  abort: AbortController;
  /** Set when the run was stopped by the wall-clock limit (vs. a user cancel). */
  timedOut: boolean;
  /** Exit code of a cancelled run when not the default 130. */
  cancelExitCode?: number;
  startedAt: number;
  turns: number;
  usage: UsageTotals;
  answer: string;
  denials: PermissionDenial[];
}

/** The agent: an AgentController plus `run(prompt)` for non-interactive use. */
export class Agent implements AgentController {
  private readonly session;
  private readonly tools;
  private readonly policy;
  private readonly clock: Clock;
  private readonly interactive: boolean;
  private readonly limits;
  private readonly opts: AgentOptions;
  private info: AgentInfo;
  private persistence: AgentPersistence | undefined;
  private approval: ApprovalMode;
  private ledger: Ledger;
  private listeners = new Set<(e: AgentEvent) => void>();
  private queue: string[] = [];
  private pendingOutputs: FunctionCallOutputItem[] = [];
  private approvals = new Map<string, (d: ApprovalDecision) => void>();
  private active: ActiveRun | null = null;
  private drivePromise: Promise<RunOutcome> | null = null;
  private started: Promise<void> | null = null;
  private totalUsage: UsageTotals = { ...ZERO_USAGE };
  private turnCounter = 0;
  private snapshot: AgentSnapshot | null = null;
  private unsubscribeSession: (() => void) | null = null;
  private closed = false;

  constructor(opts: AgentOptions) {
    this.opts = opts;
    this.session = opts.session;
    this.tools = opts.tools;
    this.policy = opts.policy;
    this.clock = opts.clock ?? realClock;
    this.interactive = opts.interactive;
    this.limits = opts.limits;
    this.info = { ...opts.info };
    this.persistence = opts.persistence;
    this.approval = opts.approval;
    this.ledger = new Ledger(opts.ledger ?? []);
  }

  // ---- AgentController -------------------------------------------------------------------

  submit(input: { text: string }): void {
    if (this.closed) return;
    this.queue.push(input.text);
    this.invalidate();
    if (!this.drivePromise) void this.drive();
  }

  /** Submits `prompt` and resolves when the agent is idle again (print mode). */
  async run(prompt: string): Promise<RunOutcome> {
    if (this.drivePromise) await this.drivePromise;
    this.queue.push(prompt);
    return this.drive();
  }

  /**
   * Aborts the running turn and tools. `exitCode` overrides the cancelled run's exit code (143
   * when the process got SIGTERM; default 130).
   */
  cancel(opts: { exitCode?: number } = {}): void {
    const run = this.active;
    if (!run || run.abort.signal.aborted) return;
    if (opts.exitCode !== undefined) run.cancelExitCode = opts.exitCode;
    run.abort.abort(new Error('cancelled'));
    for (const resolve of this.approvals.values()) resolve({ kind: 'deny', reason: 'cancelled' });
    this.approvals.clear();
    this.invalidate();
  }

  resolveApproval(callId: string, decision: ApprovalDecision): void {
    const resolve = this.approvals.get(callId);
    if (!resolve) return;
    this.approvals.delete(callId);
    this.invalidate();
    resolve(decision);
  }

  subscribe(listener: (e: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot(): AgentSnapshot {
    if (!this.snapshot) {
      this.snapshot = {
        sessionId: this.info.sessionId,
        model: this.info.model,
        approval: this.approval,
        running: this.drivePromise !== null,
        queued: [...this.queue],
        pendingApprovals: [...this.approvals.keys()],
        usage: { ...this.totalUsage },
        turns: this.turnCounter,
      };
    }
    return this.snapshot;
  }

  setModel(model: string): void {
    this.info = { ...this.info, model };
    this.session.setRequestFields({ model });
    this.invalidate();
  }

  setApprovalMode(mode: ApprovalMode): void {
    this.approval = mode;
    this.invalidate();
  }

  async compact(): Promise<void> {
    if (this.drivePromise) await this.drivePromise;
    const r = await this.session.compact();
    // The store records the window so a resumed session restarts from it (src/store).
    const store = this.persistence as
      | (AgentPersistence & { onCompaction?: (info: CompactionRecord) => void })
      | undefined;
    store?.onCompaction?.({
      tokensBefore: r.tokensBefore,
      tokensAfter: r.tokensAfter,
      auto: false,
      window: r.items,
    });
    this.emit({ type: 'compaction', tokensBefore: r.tokensBefore, tokensAfter: r.tokensAfter, auto: false });
  }

  async newSession(): Promise<void> {
    this.cancel();
    if (this.drivePromise) await this.drivePromise.catch(() => undefined);
    await this.persistence?.flush();
    if (this.opts.newSession) {
      const next = await this.opts.newSession();
      this.info = { ...this.info, sessionId: next.sessionId };
      this.persistence = next.persistence;
      this.session.setRequestFields({ prompt_cache_key: next.sessionId });
    }
    this.ledger = new Ledger();
    this.pendingOutputs = [];
    this.queue = [];
    this.totalUsage = { ...ZERO_USAGE };
    this.turnCounter = 0;
    await this.session.resetTranscript([], { warm: true });
    this.emitSessionStarted(false);
    this.invalidate();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancel();
    if (this.drivePromise) await this.drivePromise.catch(() => undefined);
    this.unsubscribeSession?.();
    await this.persistence?.flush().catch(() => undefined);
    await this.session.close();
  }

  /** Emits `session_started` and opens/warms the session (idempotent; runs also call it). */
  start(): Promise<void> {
    if (!this.started) {
      this.unsubscribeSession = this.session.subscribe((event) => this.emit({ type: 'transport', event }));
      this.emitSessionStarted(this.opts.resumed ?? false);
      for (const message of this.opts.warnings ?? []) this.emit({ type: 'warning', message });
      const dangling = danglingCallOutputs(this.session.transcript(), this.ledger);
      for (const entry of dangling.updates) this.persistence?.onLedger(entry);
      const pendingIds = new Set(this.pendingOutputs.map((o) => o.call_id));
      for (const o of dangling.outputs) {
        if (!pendingIds.has(o.callId))
          this.pendingOutputs.push({ type: 'function_call_output', call_id: o.callId, output: o.output });
      }
      this.started = this.session.start();
    }
    return this.started;
  }

  // ---- internals -------------------------------------------------------------------------

  private emitSessionStarted(resumed: boolean): void {
    this.emit({
      type: 'session_started',
      sessionId: this.info.sessionId,
      model: this.info.model,
      cwd: this.info.cwd,
      transport: this.info.transport,
      approval: this.approval,
      sandbox: this.info.sandbox,
      tools: this.tools.specs().map((s) => s.name),
      version: this.info.version,
      resumed,
      instructionFiles: [...this.info.instructionFiles],
    });
  }

  private emit(e: AgentEvent): void {
    try {
      this.persistence?.onEvent(e);
    } catch {
      /* persistence failures must not stop the loop; the store reports its own errors */
    }
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        /* a faulty consumer must not break the others */
      }
    }
    if (e.type !== 'assistant_delta' && e.type !== 'reasoning_delta' && e.type !== 'tool_output')
      this.invalidate();
  }

  private invalidate(): void {
    this.snapshot = null;
  }

  /** Takes pending tool outputs first (the model expects them next), then queued user messages. */
  private takeInput(): Item[] {
    const items: Item[] = [...this.pendingOutputs];
    this.pendingOutputs = [];
    for (const text of this.queue.splice(0)) items.push(userMessage(text));
    this.invalidate();
    return items;
  }

  private drive(): Promise<RunOutcome> {
    const after = (cancelled: boolean) => {
      this.drivePromise = null;
      this.active = null;
      this.invalidate();
      // Input submitted after the last check starts the next run (not after a cancel: the
      // queued input then waits for the user's next submit).
      if (this.queue.length > 0 && !this.closed && !cancelled) void this.drive();
    };
    const p = this.driveInner().then(
      (o) => {
        after(o.status === 'cancelled');
        return o;
      },
      (err: unknown) => {
        after(true);
        throw err;
      },
    );
    this.drivePromise = p;
    this.invalidate();
    return p;
  }

  private async driveInner(): Promise<RunOutcome> {
    const run: ActiveRun = {
      abort: new AbortController(),
      timedOut: false,
      startedAt: this.clock.now(),
      turns: 0,
      usage: { ...ZERO_USAGE },
      answer: '',
      denials: [],
    };
    this.active = run;
    let timer: TimerHandle | null = null;
    if (this.limits.timeoutMs > 0) {
      timer = this.clock.setTimeout(() => {
        run.timedOut = true;
        this.cancel();
      }, this.limits.timeoutMs);
    }
    const finish = (reason: TerminalReason, error?: string): RunOutcome => {
      timer?.cancel();
      if (error && reason !== 'completed') this.emit({ type: 'error', message: redact(error), code: reason });
      const outcome: RunOutcome = {
        status: statusFor(reason),
        terminalReason: reason,
        result: run.answer,
        numTurns: run.turns,
        usage: { ...run.usage },
        durationMs: Math.max(0, Math.round(this.clock.now() - run.startedAt)),
        exitCode:
          reason === 'cancelled' && run.cancelExitCode !== undefined
            ? run.cancelExitCode
            : exitCodeFor(reason),
        permissionDenials: [...run.denials],
        ...(error ? { error: redact(error) } : {}),
      };
      const { error: _e, ...event } = outcome;
      this.emit({ type: 'run_finished', ...event });
      return outcome;
    };
    const stopped = (): RunOutcome =>
      run.timedOut
        ? finish('timeout', limitMessage(this.limits.timeoutMs))
        : finish('cancelled', 'cancelled by the user');

    try {
      await this.start();
    } catch (err) {
      const classified = classifyStartError(err);
      if (classified) return finish(classified.reason, classified.message);
      // Otherwise the first turn reconnects and reports its own, classified error.
    }

    try {
      return await this.loop(run, finish, stopped);
    } catch (err) {
      // A bug below (tools, persistence) ends the run with a reported error, never a hang.
      return finish('error', err instanceof Error ? err.message : String(err));
    }
  }

  private async loop(
    run: ActiveRun,
    finish: (r: TerminalReason, e?: string) => RunOutcome,
    stopped: () => RunOutcome,
  ): Promise<RunOutcome> {
    for (;;) {
      if (run.abort.signal.aborted) return stopped();
      const limit = checkLimits(this.limits, {
        turns: run.turns,
        elapsedMs: this.clock.now() - run.startedAt,
        totalTokens: run.usage.totalTokens,
      });
      // Unsent tool outputs stay pending: the next prompt of this conversation carries them.
      if (limit) return finish(limit.reason, limit.message);
      const input = this.takeInputAnnounced();
      const result = await this.modelCall(run, input);
      if (result.status === 'cancelled' || (result.status === 'failed' && run.abort.signal.aborted)) {
        this.requeueUnsent(input);
        return stopped();
      }
      if (result.status === 'failed') {
        this.requeueUnsent(input);
        return finish(
          reasonForTurnError(result.error?.kind),
          result.error?.message ?? 'the model call failed',
        );
      }
      const answer = answerText(result.output);
      if (answer) run.answer = answer;
      const calls = result.output.filter(isFunctionCall);
      if (result.status === 'incomplete' && calls.length === 0) {
        return finish('incomplete', 'the response was incomplete (output limit or content filter)');
      }
      if (calls.length === 0) {
        if (this.queue.length === 0) return finish('completed');
        continue;
      }
      const outputs = await executeCalls(calls, {
        turnId: `t${this.turnCounter}`,
        tools: this.tools,
        policy: this.policy,
        ledger: this.ledger,
        mode: this.approval,
        interactive: this.interactive,
        signal: run.abort.signal,
        clock: this.clock,
        emit: (e) => this.emit(e),
        persistLedger: (entry) => this.persistence?.onLedger(entry),
        requestApproval: (call) => this.waitForApproval(call, run.abort.signal),
        denials: run.denials,
      });
      this.pendingOutputs = [...outputs, ...this.pendingOutputs];
    }
  }

  /** Like takeInput, announcing each user message. */
  private takeInputAnnounced(): Item[] {
    const items = this.takeInput();
    const turnId = `t${this.turnCounter + 1}`;
    for (const item of items) {
      if (item.type === 'message') this.emit({ type: 'user_message', turnId, text: messageTextOf(item) });
    }
    return items;
  }

  /** One model call with event reduction, usage and persistence. */
  private async modelCall(run: ActiveRun, input: Item[]): Promise<TurnResult> {
    this.turnCounter++;
    run.turns++;
    const turnId = `t${this.turnCounter}`;
    this.emit({ type: 'turn_started', turnId, index: this.turnCounter });
    this.persistence?.onItems(input, 'input');
    const state = initialTurnState(turnId);
    const result = await this.session.runTurn(input, {
      signal: run.abort.signal,
      onEvent: (e) => {
        for (const ev of reduceTurnEvent(state, e)) this.emit(ev);
      },
    });
    if (result.status === 'completed' || result.status === 'incomplete') {
      for (const item of result.output) for (const ev of completeItem(state, item)) this.emit(ev);
      this.persistence?.onItems(result.output, 'output');
    }
    run.usage = addTotals(run.usage, result.usage);
    this.totalUsage = addTotals(this.totalUsage, result.usage);
    this.emit({
      type: 'usage',
      turnId,
      usage: { ...result.usage },
      total: { ...this.totalUsage },
      metrics: result.metrics,
    });
    this.emit({
      type: 'turn_finished',
      turnId,
      status: result.status,
      ...(result.error ? { error: redact(result.error.message) } : {}),
    });
    await this.persistence?.flush().catch(() => undefined);
    return result;
  }

  /**
   * After a failed or cancelled call, tool outputs the session did not commit to its transcript
   * must still be sent later (every call gets exactly one output).
   */
  private requeueUnsent(input: Item[]): void {
    const committed = new Set<string>();
    for (const item of this.session.transcript()) if (isFunctionCallOutput(item)) committed.add(item.call_id);
    const unsent = input.filter(isFunctionCallOutput).filter((o) => !committed.has(o.call_id));
    this.pendingOutputs = [...unsent, ...this.pendingOutputs];
  }

  private waitForApproval(call: ReadyCall, signal: AbortSignal): Promise<ApprovalDecision> {
    if (signal.aborted) return Promise.resolve({ kind: 'deny', reason: 'cancelled' });
    return new Promise((resolve) => {
      this.approvals.set(call.callId, resolve);
      this.invalidate();
    });
  }
}

function messageTextOf(item: Item): string {
  const content = (item as { content?: unknown }).content;
  if (!Array.isArray(content)) return '';
  return content.map((p: { text?: unknown }) => (typeof p.text === 'string' ? p.text : '')).join('');
}

function limitMessage(timeoutMs: number): string {
  return `stopped: the run exceeded its ${Math.round(timeoutMs / 1000)} s time limit (--timeout)`;
}

/** Creates the agent loop. */
export function createAgent(opts: AgentOptions): Agent {
  return new Agent(opts);
}

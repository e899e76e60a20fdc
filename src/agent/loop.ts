/**
 * The agent loop (pi-style, no UI): user input → `session.runTurn` → turn reducer → collect
 * `function_call`s → policy/approval → run tools after the response completed → outputs become
 * the next turn's input → repeat until an answer without tool calls. One instance per
 * conversation; it implements the AgentController seam the TUI uses, plus `run(prompt)` for
 * --prompt runs.
 */
import { type Item, isToolCall, type ToolOutputItem } from '../protocol/items.js';
import { addTotals, type UsageTotals, ZERO_USAGE } from '../protocol/usage.js';
import type { TurnResult } from '../session/types.js';
import type { ReadyCall } from '../tools/types.js';
import { type Clock, realClock, type TimerHandle } from '../util/clock.js';
import { redact } from '../util/redact.js';
import { compactAndRecord, compactForRetry } from './compaction.js';
import type {
  AgentController,
  AgentEvent,
  AgentPersistence,
  AgentSnapshot,
  ApprovalDecision,
  ApprovalMode,
  ResumeTarget,
  TerminalReason,
  UserImage,
} from './events.js';
import { InputQueue } from './input-queue.js';
import { danglingCallOutputs, Ledger } from './ledger.js';
import { checkLimits } from './limits.js';
import { runModelCall } from './model-call.js';
import { describeTurnError, reasonForTurnError } from './outcome.js';
import { type ActiveRun, buildOutcome, messageTextOf, newRun, unsentOutputs } from './run-state.js';
import { classifyStartError } from './start-error.js';
import { executeCalls, toModelOutput } from './tool-exec.js';
import { answerText } from './turn-reducer.js';
import type { AgentInfo, AgentOptions, RunOutcome } from './types.js';

/** The agent: an AgentController plus `run(prompt)` for non-interactive use. */
export class Agent implements AgentController {
  private readonly clock: Clock;
  private readonly opts: AgentOptions;
  private info: AgentInfo;
  private persistence: AgentPersistence | undefined;
  private approval: ApprovalMode;
  private ledger: Ledger;
  private listeners = new Set<(e: AgentEvent) => void>();
  private queue = new InputQueue();
  private pendingOutputs: ToolOutputItem[] = [];
  private approvals = new Map<string, (d: ApprovalDecision) => void>();
  private active: ActiveRun | null = null;
  private drivePromise: Promise<RunOutcome> | null = null;
  private started: Promise<void> | null = null;
  /** `session_started` emitted and session status forwarded (once per agent). */
  private announced = false;
  private totalUsage: UsageTotals = { ...ZERO_USAGE };
  private turnCounter = 0;
  private snapshot: AgentSnapshot | null = null;
  private unsubscribeSession: (() => void) | null = null;
  private closed = false;
  /** A `/new` or `/resume` switch is under way: submitted input waits for it. */
  private switching = false;
  private resumed: boolean;
  private earlyNotices: string[] = [];

  constructor(opts: AgentOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.info = { ...opts.info };
    this.persistence = opts.persistence;
    this.approval = opts.approval;
    this.ledger = new Ledger(opts.ledger ?? []);
    this.resumed = opts.resumed ?? false;
  }

  // ---- AgentController -------------------------------------------------------------------

  submit(input: { text: string; images?: UserImage[] }): void {
    if (this.closed) return;
    this.enqueue(input.text, input.images);
    this.invalidate();
    if (!this.drivePromise && !this.switching) void this.drive();
  }

  /** Submits `prompt` (with images) and resolves when the agent is idle again (print mode). */
  async run(prompt: string, images?: UserImage[]): Promise<RunOutcome> {
    if (this.drivePromise) await this.drivePromise;
    this.enqueue(prompt, images);
    return this.drive();
  }

  /**
   * Takes back the input queued while a run worked (with its images). A run that failed or was
   * cancelled does not send it on its own: the UI returns it to the composer, nothing is lost.
   */
  withdrawQueued(): Array<{ text: string; images?: UserImage[] }> {
    const out = this.queue.withdraw();
    this.invalidate();
    return out;
  }

  private enqueue(text: string, images: UserImage[] | undefined): void {
    this.queue.push(text, images);
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

  /** A one-line notice for the user (a `warning` event), held until the session has started. */
  notice(message: string): void {
    if (this.started) this.emit({ type: 'warning', message });
    else this.earlyNotices.push(message);
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
        queued: this.queue.list(),
        pendingApprovals: [...this.approvals.keys()],
        usage: { ...this.totalUsage },
        turns: this.turnCounter,
      };
    }
    return this.snapshot;
  }

  setModel(model: string): void {
    this.info = { ...this.info, model };
    this.opts.session.setRequestFields({ model, ...this.opts.fieldsForModel?.(model) });
    this.invalidate();
  }

  setApprovalMode(mode: ApprovalMode): void {
    this.approval = mode;
    this.invalidate();
  }

  async compact(): Promise<void> {
    if (this.drivePromise) await this.drivePromise;
    await compactAndRecord(this.compactionDeps(), false);
  }

  private compactionDeps() {
    return {
      session: this.opts.session,
      persistence: this.persistence,
      emit: (e: AgentEvent) => this.emit(e),
    };
  }

  async newSession(): Promise<void> {
    this.cancel();
    if (this.drivePromise) await this.drivePromise.catch(() => undefined);
    await this.switchSession('a new session was started (/new)');
  }

  async resumeSession(target: ResumeTarget): Promise<void> {
    if (this.drivePromise || this.switching) throw new Error('a turn is running: interrupt it (Esc) first');
    await this.switchSession('another session was resumed (/resume)', target);
  }

  /**
   * `/new` (no target) or `/resume`: the same process and socket, another conversation. Input
   * submitted meanwhile waits for the switch and goes to the new conversation.
   */
  private async switchSession(why: string, target?: ResumeTarget): Promise<void> {
    this.switching = true;
    try {
      this.endProcesses(why);
      this.ledger = new Ledger(target?.ledger ?? []);
      this.pendingOutputs = [];
      this.queue.clear();
      this.totalUsage = { ...ZERO_USAGE };
      this.turnCounter = 0;
      this.resumed = target !== undefined;
      this.invalidate();
      await this.persistence?.flush();
      if (this.opts.newSession) {
        const next = await this.opts.newSession(target?.sessionId);
        this.info = { ...this.info, sessionId: next.sessionId };
        this.persistence = next.persistence;
        this.opts.session.setRequestFields({ prompt_cache_key: next.sessionId });
        this.invalidate();
      }
      const items = target?.items ?? [];
      // Before the first start(), start() warms the transcript and announces the new id.
      if (!this.announced) {
        await this.opts.session.resetTranscript([...items]);
        return await this.start().catch(() => undefined);
      }
      // A failed warm-up (e.g. credentials refused: on the status bar) does not undo the switch.
      await this.opts.session.resetTranscript([...items], { warm: true }).catch(() => undefined);
      this.emitSessionStarted(this.resumed);
      this.answerDangling();
    } finally {
      this.switching = false;
      if (this.queue.length > 0 && !this.drivePromise && !this.closed) void this.drive();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancel();
    if (this.drivePromise) await this.drivePromise.catch(() => undefined);
    this.opts.tools.execSessions?.endAll('tether exited');
    this.unsubscribeSession?.();
    await this.persistence?.flush().catch(() => undefined);
    await this.opts.session.close();
  }

  /** Emits `session_started` and opens/warms the session (idempotent; runs also call it). */
  start(): Promise<void> {
    if (!this.announced) {
      this.announced = true;
      this.unsubscribeSession = this.opts.session.subscribe((event) =>
        // A request the session adjusted on its own (a refused default field) is a warning.
        event.type === 'notice'
          ? this.emit({ type: 'warning', message: event.message })
          : this.emit({ type: 'transport', event }),
      );
      this.emitSessionStarted(this.resumed);
      for (const message of this.opts.warnings ?? []) this.emit({ type: 'warning', message });
      for (const message of this.earlyNotices.splice(0)) this.emit({ type: 'warning', message });
      this.answerDangling();
    }
    if (!this.started) {
      const started = this.opts.session.start();
      this.started = started;
      // A failed start (credentials refused) is tried again by the next run, once — never in a loop.
      started.catch(() => {
        if (this.started === started) this.started = null;
      });
    }
    return this.started;
  }

  // ---- internals -------------------------------------------------------------------------

  /** A resumed transcript's unanswered calls are answered first (never re-run). */
  private answerDangling(): void {
    const dangling = danglingCallOutputs(this.opts.session.transcript(), this.ledger);
    for (const entry of dangling.updates) this.persistence?.onLedger(entry);
    this.pendingOutputs.push(
      ...dangling.outputs.map((o) => toModelOutput({ kind: o.kind, callId: o.callId }, o.output)),
    );
  }

  /** Ends every exec_command session (with its process tree) and reports them. */
  private endProcesses(reason: string): void {
    const ended = this.opts.tools.execSessions?.endAll(reason) ?? [];
    if (ended.length > 0) this.emit({ type: 'processes_ended', processes: ended });
  }

  private emitSessionStarted(resumed: boolean): void {
    this.emit({
      type: 'session_started',
      sessionId: this.info.sessionId,
      model: this.info.model,
      cwd: this.info.cwd,
      transport: this.info.transport,
      approval: this.approval,
      sandbox: this.info.sandbox,
      ...(this.info.sandboxMode ? { sandboxMode: this.info.sandboxMode } : {}),
      tools: this.opts.tools.specs().map((s) => s.name),
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
    items.push(...this.queue.takeItems());
    this.invalidate();
    return items;
  }

  private drive(): Promise<RunOutcome> {
    const after = (goOn: boolean) => {
      this.drivePromise = null;
      this.active = null;
      this.invalidate();
      // Input submitted after the last check starts the next run only after a run that
      // succeeded — not after a cancel or a failure (credentials refused, server unreachable,
      // quota): that one would fail the same way at once (a promise loop that starves the
      // keyboard and signals), and the user decides after reading the error. The queued input
      // waits; the UI takes it back into the composer (withdrawQueued).
      if (goOn && this.queue.length > 0 && !this.closed) void this.drive();
    };
    const p = this.driveInner().then(
      (o) => {
        after(o.status === 'success');
        return o;
      },
      (err: unknown) => {
        after(false);
        throw err;
      },
    );
    this.drivePromise = p;
    this.invalidate();
    return p;
  }

  private async driveInner(): Promise<RunOutcome> {
    const run = newRun(this.clock);
    this.active = run;
    let timer: TimerHandle | null = null;
    if (this.opts.limits.timeoutMs > 0) {
      timer = this.clock.setTimeout(() => {
        run.timedOut = true;
        this.cancel();
      }, this.opts.limits.timeoutMs);
    }
    const finish = (reason: TerminalReason, error?: string): RunOutcome => {
      timer?.cancel();
      if (error && reason !== 'completed') this.emit({ type: 'error', message: redact(error), code: reason });
      // A --prompt run leaves nothing running: its background processes end with it (reported).
      if (!this.opts.interactive) this.endProcesses('the --prompt run ended');
      const outcome = buildOutcome(run, reason, this.clock, error);
      const { error: _e, ...event } = outcome;
      this.emit({ type: 'run_finished', ...event });
      return outcome;
    };
    const stopped = (): RunOutcome =>
      run.timedOut
        ? finish('timeout', limitMessage(this.opts.limits.timeoutMs))
        : finish('cancelled', 'cancelled by the user');

    try {
      await this.start();
    } catch (err) {
      const classified = classifyStartError(err, this.info.model);
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
      const limit = checkLimits(this.opts.limits, {
        turns: run.turns,
        elapsedMs: this.clock.now() - run.startedAt,
        totalTokens: run.usage.totalTokens,
      });
      // Unsent tool outputs stay pending: the next prompt of this conversation carries them.
      if (limit) return finish(limit.reason, limit.message);
      const input = this.takeInputAnnounced();
      let result = await this.modelCall(run, input);
      if (result.status === 'failed' && result.error?.kind === 'context' && !run.abort.signal.aborted) {
        // The input does not fit the context window: compact (/responses/compact) and retry the
        // turn once; its input is already in the transcript the compaction summarises.
        const compacted = await compactForRetry(this.compactionDeps());
        if (compacted !== true) return finish('model_error', compacted);
        result = await this.modelCall(run, []);
        if (result.status === 'failed' && result.error?.kind === 'context') {
          return finish(
            'model_error',
            `the conversation does not fit the model's context window even after compaction (${result.error.message}); start a new session (/new) or use a model with a larger window`,
          );
        }
      }
      if (result.status === 'cancelled' || (result.status === 'failed' && run.abort.signal.aborted)) {
        this.requeueUnsent(input);
        return stopped();
      }
      if (result.status === 'failed') {
        this.requeueUnsent(input);
        return finish(
          reasonForTurnError(result.error?.kind),
          describeTurnError(result.error, this.info.model),
        );
      }
      const answer = answerText(result.output);
      if (answer) run.answer = answer;
      const calls = result.output.filter(isToolCall);
      if (result.status === 'incomplete' && calls.length === 0) {
        return finish('incomplete', 'the response was incomplete (output limit or content filter)');
      }
      if (calls.length === 0) {
        if (this.queue.length === 0) return finish('completed');
        continue;
      }
      const outputs = await executeCalls(calls, {
        turnId: `t${this.turnCounter}`,
        tools: this.opts.tools,
        policy: this.opts.policy,
        ledger: this.ledger,
        mode: this.approval,
        interactive: this.opts.interactive,
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

  /** One model call; usage is added to the run's and the conversation's totals. */
  private modelCall(run: ActiveRun, input: Item[]): Promise<TurnResult> {
    this.turnCounter++;
    run.turns++;
    const deps = {
      session: this.opts.session,
      emit: (e: AgentEvent) => this.emit(e),
      persistence: this.persistence,
      addUsage: (u: UsageTotals) => {
        run.usage = addTotals(run.usage, u);
        this.totalUsage = addTotals(this.totalUsage, u);
        return this.totalUsage;
      },
    };
    return runModelCall(deps, `t${this.turnCounter}`, this.turnCounter, input, run.abort.signal);
  }

  private requeueUnsent(input: Item[]): void {
    this.pendingOutputs = [...unsentOutputs(input, this.opts.session.transcript()), ...this.pendingOutputs];
  }

  private waitForApproval(call: ReadyCall, signal: AbortSignal): Promise<ApprovalDecision> {
    if (signal.aborted) return Promise.resolve({ kind: 'deny', reason: 'cancelled' });
    return new Promise((resolve) => {
      this.approvals.set(call.callId, resolve);
      this.invalidate();
    });
  }
}

function limitMessage(timeoutMs: number): string {
  return `stopped: the run exceeded its ${Math.round(timeoutMs / 1000)} s time limit (--timeout)`;
}

/** Creates the agent loop. */
export function createAgent(opts: AgentOptions): Agent {
  return new Agent(opts);
}

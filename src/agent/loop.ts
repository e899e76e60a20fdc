/**
 * The agent loop (pi-style, no UI): user input → `session.runTurn` → turn reducer → collect
 * `function_call`s → policy/approval → run tools after the response completed → outputs become
 * the next turn's input → repeat until an answer without tool calls. One instance per
 * conversation; it implements the AgentController seam the TUI uses, plus `run(prompt)` for
 * --prompt runs. The control flow of a run is in run-loop.ts, the conversation's state in
 * conversation.ts.
 */
import type { Item } from '../protocol/items.js';
import type { ReadyCall } from '../tools/types.js';
import { type Clock, realClock } from '../util/clock.js';
import { compactAndRecord, compactForRetry } from './compaction.js';
import { Conversation } from './conversation.js';
import { changesSnapshot, EventHub, sessionStartedEvent } from './event-hub.js';
import type {
  AgentController,
  AgentEvent,
  AgentPersistence,
  AgentSnapshot,
  ApprovalDecision,
  ApprovalMode,
  ResumeTarget,
  UserImage,
} from './events.js';
import { driveRun, type RunPorts } from './run-loop.js';
import { type ActiveRun, newRun } from './run-state.js';
import { executeCalls } from './tool-exec.js';
import type { AgentInfo, AgentOptions, RunOutcome } from './types.js';

/** The agent: an AgentController plus `run(prompt)` for non-interactive use. */
export class Agent implements AgentController {
  private readonly clock: Clock;
  private readonly opts: AgentOptions;
  private info: AgentInfo;
  private persistence: AgentPersistence | undefined;
  private approval: ApprovalMode;
  private readonly events = new EventHub();
  private conv: Conversation;
  private approvals = new Map<string, (d: ApprovalDecision) => void>();
  private active: ActiveRun | null = null;
  private drivePromise: Promise<RunOutcome> | null = null;
  private started: Promise<void> | null = null;
  /** `session_started` emitted and session status forwarded (once per agent). */
  private announced = false;
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
    this.conv = new Conversation(opts.ledger ?? []);
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
    const out = this.conv.queue.withdraw();
    this.invalidate();
    return out;
  }

  private enqueue(text: string, images: UserImage[] | undefined): void {
    this.conv.queue.push(text, images);
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
    return this.events.subscribe(listener);
  }

  getSnapshot(): AgentSnapshot {
    if (!this.snapshot) {
      this.snapshot = {
        sessionId: this.info.sessionId,
        model: this.info.model,
        approval: this.approval,
        running: this.drivePromise !== null,
        queued: this.conv.queue.list(),
        pendingApprovals: [...this.approvals.keys()],
        usage: { ...this.conv.totalUsage },
        turns: this.conv.turnCounter,
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
      this.conv = new Conversation(target?.ledger ?? []);
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
      if (this.conv.queue.length > 0 && !this.drivePromise && !this.closed) void this.drive();
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
    this.conv.answerDangling(this.opts.session.transcript(), (entry) => this.persistence?.onLedger(entry));
  }

  /** Ends every exec_command session (with its process tree) and reports them. */
  private endProcesses(reason: string): void {
    const ended = this.opts.tools.execSessions?.endAll(reason) ?? [];
    if (ended.length > 0) this.emit({ type: 'processes_ended', processes: ended });
  }

  private emitSessionStarted(resumed: boolean): void {
    const tools = this.opts.tools.specs().map((s) => s.name);
    this.emit(sessionStartedEvent(this.info, this.approval, tools, resumed));
  }

  private emit(e: AgentEvent): void {
    this.events.emit(e, this.persistence);
    if (changesSnapshot(e)) this.invalidate();
  }

  private invalidate(): void {
    this.snapshot = null;
  }

  /** Takes pending tool outputs first (the model expects them next), then queued user messages. */
  private takeInput(): Item[] {
    const items = this.conv.takeInput();
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
      if (goOn && this.conv.queue.length > 0 && !this.closed) void this.drive();
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

  private driveInner(): Promise<RunOutcome> {
    const run = newRun(this.clock);
    this.active = run;
    return driveRun(run, this.runPorts());
  }

  /** The run loop's view of this agent (see run-loop.ts). */
  private runPorts(): RunPorts {
    return {
      clock: this.clock,
      limits: this.opts.limits,
      interactive: this.opts.interactive,
      model: () => this.info.model,
      start: () => this.start(),
      cancel: () => this.cancel(),
      emit: (e) => this.emit(e),
      endProcesses: (reason) => this.endProcesses(reason),
      session: this.opts.session,
      persistence: () => this.persistence,
      takeInput: () => this.takeInput(),
      turnCount: () => this.conv.turnCounter,
      nextTurn: () => ++this.conv.turnCounter,
      addUsage: (u) => this.conv.addUsage(u),
      compact: () => compactForRetry(this.compactionDeps()),
      requeueUnsent: (input) => this.conv.requeueUnsent(input, this.opts.session.transcript()),
      queueLength: () => this.conv.queue.length,
      executeCalls: (run, calls) =>
        executeCalls(calls, {
          turnId: `t${this.conv.turnCounter}`,
          tools: this.opts.tools,
          policy: this.opts.policy,
          ledger: this.conv.ledger,
          mode: this.approval,
          interactive: this.opts.interactive,
          signal: run.abort.signal,
          clock: this.clock,
          emit: (e) => this.emit(e),
          persistLedger: (entry) => this.persistence?.onLedger(entry),
          requestApproval: (call) => this.waitForApproval(call, run.abort.signal),
          denials: run.denials,
        }),
      prependOutputs: (outputs) => this.conv.prependOutputs(outputs),
    };
  }

  private waitForApproval(call: ReadyCall, signal: AbortSignal): Promise<ApprovalDecision> {
    if (signal.aborted) return Promise.resolve({ kind: 'deny', reason: 'cancelled' });
    return new Promise((resolve) => {
      this.approvals.set(call.callId, resolve);
      this.invalidate();
    });
  }
}

/** Creates the agent loop. */
export function createAgent(opts: AgentOptions): Agent {
  return new Agent(opts);
}

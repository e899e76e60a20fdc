/**
 * The UI's external store (STYLE.md §2.5): pure reducers over AgentEvents and UI intents, read by
 * components through `useSyncExternalStore` with one small selector each. Mutable stream state
 * lives here, never in React. Text deltas are coalesced: they are applied at once but subscribers
 * are notified at most once per `coalesceMs` (20 fps: smooth for text, and every live frame costs
 * Ink a full redraw of the live region), when complete markdown blocks are also
 * moved to the committed transcript.
 */
import type { AgentEvent, AgentSnapshot, ApprovalMode } from '../agent/events.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import {
  type ApprovalAction,
  type ApprovalState,
  approvalsOnEvent,
  approvalsReducer,
  initialApprovals,
} from './state/approvals.js';
import {
  type ComposerAction,
  type ComposerState,
  composerReducer,
  initialComposer,
} from './state/composer.js';
import type { NewEntry } from './state/entries.js';
import type { PickerState } from './state/picker.js';
import { initialStatus, type StatusState, statusReducer } from './state/status.js';
import {
  commit,
  flushTranscript,
  initialTranscript,
  type TranscriptState,
  transcriptReducer,
} from './state/transcript.js';

/** View state that belongs to no reducer above. */
export interface ViewState {
  /** UI clock (ms), advanced by the tick while something is live. */
  now: number;
  /** Selected row of the completion menu. */
  completionIndex: number;
  /** When Ctrl+C was pressed once (clock ms), for "twice exits". */
  exitArmedAt: number | null;
  /** A one-line hint above the composer ('' for none). */
  hint: string;
  /** Workspace files for `@` completion. */
  files: readonly string[];
  /** The `!command` running, or null. */
  shell: string | null;
  /** Messages submitted while the agent works (from the agent snapshot). */
  queued: readonly string[];
  /** True while the agent is working (from the agent snapshot). */
  running: boolean;
  /** Terminal width (columns). */
  columns: number;
  /** Terminal height (rows): bounds the live region so Ink can always erase it. */
  rows: number;
  /** Demo mode: the screen states the model is simulated. */
  simulated: boolean;
  /**
   * Bumped when the visible screen is repainted (after the width shrank): the transcript's last
   * entries that fit in {@link repaintRows} rows are printed again at the new width.
   */
  epoch: number;
  /** Rows above the live region the repaint may fill (see repaint.ts). */
  repaintRows: number;
  /** The `/resume` session picker, shown in place of the composer (null: closed). */
  picker: PickerState | null;
}

/** The whole UI state. */
export interface UiState {
  transcript: TranscriptState;
  composer: ComposerState;
  approvals: ApprovalState;
  status: StatusState;
  view: ViewState;
}

/** Options of {@link UiStore}. */
export interface UiStoreOptions {
  clock: Clock;
  model: string;
  approval: ApprovalMode;
  /** Model context window (tokens). */
  contextWindow: number;
  /** Delta coalescing window (ms); 0 flushes synchronously (tests). Default 50. */
  coalesceMs?: number;
  /** Spinner/elapsed-time tick while something runs (ms). Default 200. */
  tickMs?: number;
  /** Socket-age tick while idle (ms). Default 1000. */
  idleTickMs?: number;
  columns?: number;
  rows?: number;
  simulated?: boolean;
}

/** External store for the UI. */
export class UiStore {
  private state: UiState;
  private readonly listeners = new Set<() => void>();
  private flushTimer: TimerHandle | null = null;
  private tickTimer: TimerHandle | null = null;
  private readonly clock: Clock;
  private readonly coalesceMs: number;
  private readonly tickMs: number;
  private readonly idleTickMs: number;
  private closed = false;
  /** Notifications sent to subscribers (renders requested); for the benchmark. */
  emits = 0;

  constructor(opts: UiStoreOptions) {
    this.clock = opts.clock;
    this.coalesceMs = opts.coalesceMs ?? 50;
    this.tickMs = opts.tickMs ?? 200;
    this.idleTickMs = opts.idleTickMs ?? 1000;
    this.state = {
      transcript: initialTranscript(),
      composer: initialComposer(),
      approvals: initialApprovals(),
      status: initialStatus({
        model: opts.model,
        approval: opts.approval,
        contextWindow: opts.contextWindow,
      }),
      view: {
        now: opts.clock.now(),
        completionIndex: 0,
        exitArmedAt: null,
        hint: '',
        files: [],
        shell: null,
        queued: [],
        running: false,
        columns: opts.columns ?? 100,
        rows: opts.rows ?? 40,
        simulated: opts.simulated ?? false,
        epoch: 0,
        repaintRows: 0,
        picker: null,
      },
    };
  }

  /** For useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** For useSyncExternalStore. */
  getSnapshot = (): UiState => this.state;

  private batchDepth = 0;
  private batchDirty = false;

  /** Runs `fn` with notifications held; subscribers hear once at the end if anything changed. */
  batch(fn: () => void): void {
    this.batchDepth++;
    try {
      fn();
    } finally {
      this.batchDepth--;
      if (this.batchDepth === 0 && this.batchDirty) {
        this.batchDirty = false;
        this.emit();
      }
    }
  }

  private emit(): void {
    if (this.batchDepth > 0) {
      this.batchDirty = true;
      return;
    }
    this.emits++;
    for (const l of [...this.listeners]) l();
    this.scheduleTick();
  }

  private set(next: UiState): void {
    if (next === this.state) return;
    this.state = next;
    this.emit();
  }

  /** Applies one agent event; `snapshot` (when given) refreshes running/queued. */
  dispatch(e: AgentEvent, snapshot?: AgentSnapshot): void {
    const now = this.clock.now();
    const s = this.state;
    let transcript = transcriptReducer(s.transcript, e, now);
    if (e.type === 'session_started' && s.view.simulated) {
      // Mark the banner of a demo session.
      const last = transcript.entries[transcript.entries.length - 1];
      if (last?.kind === 'banner') {
        transcript = {
          ...transcript,
          entries: [
            ...transcript.entries.slice(0, -1),
            { ...last, banner: { ...last.banner, simulated: true } },
          ],
        };
      }
    }
    // Running is derived from the events (the snapshot taken while run_finished is emitted may
    // still say running); the snapshot supplies the queue.
    const running =
      e.type === 'run_finished'
        ? false
        : e.type === 'user_message' || e.type === 'turn_started'
          ? true
          : s.view.running;
    const streaming =
      e.type === 'assistant_delta' || e.type === 'reasoning_delta' || e.type === 'tool_output';
    // "queued:" lists what waits behind a running turn; a prompt still waiting for its
    // connection (no turn yet) or left behind by a failed run is not shown as queued.
    const sq = running ? snapshot?.queued : [];
    const queued =
      sq && (sq.length !== s.view.queued.length || sq.some((q, i) => q !== s.view.queued[i]))
        ? sq
        : s.view.queued;
    // Streaming events leave the view alone (the clock moves with the tick), so a delta
    // re-renders only the live tail, not the status bar and every clock-driven component.
    let view: ViewState =
      streaming && running === s.view.running && queued === s.view.queued
        ? s.view
        : { ...s.view, now, running, queued };
    if ((e.type === 'turn_finished' || e.type === 'run_finished') && view.hint === 'Interrupting…')
      view = { ...view, hint: '' };
    const next: UiState = {
      transcript,
      composer: s.composer,
      approvals: approvalsOnEvent(s.approvals, e, now),
      status: statusReducer(s.status, e, now),
      view,
    };
    // Streaming events (text, reasoning, tool output) may arrive thousands per second.
    if (streaming && this.coalesceMs > 0) {
      // Coalesce: apply now, notify on the next flush tick.
      this.state = next;
      if (!this.flushTimer) this.flushTimer = this.clock.setTimeout(() => this.flushNow(), this.coalesceMs);
      return;
    }
    this.cancelFlush();
    this.set({ ...next, transcript: flushTranscript(next.transcript) });
  }

  /** Commits complete blocks of the stream and notifies (the coalescing tick; also for tests). */
  flushNow(): void {
    this.cancelFlush();
    const s = this.state;
    this.state = { ...s, transcript: flushTranscript(s.transcript) };
    this.emit();
  }

  private cancelFlush(): void {
    this.flushTimer?.cancel();
    this.flushTimer = null;
  }

  /** Applies a composer action (resets the completion selection when the text changed). */
  composer(a: ComposerAction): void {
    const s = this.state;
    const composer = composerReducer(s.composer, a);
    if (composer === s.composer) return;
    const view = composer.text !== s.composer.text ? { ...s.view, completionIndex: 0 } : s.view;
    this.set({ ...s, composer, view });
  }

  /** Applies an approval intent. */
  approvals(a: ApprovalAction): void {
    this.set({ ...this.state, approvals: approvalsReducer(this.state.approvals, a) });
  }

  /** Updates the view state. */
  view(patch: Partial<ViewState>): void {
    this.set({ ...this.state, view: { ...this.state.view, ...patch } });
  }

  /** Updates the status (e.g. after /model). */
  status(patch: Partial<StatusState>): void {
    this.set({ ...this.state, status: { ...this.state.status, ...patch } });
  }

  /** Commits UI-originated entries (notices, `!cmd` results, `/diff`). */
  add(...entries: NewEntry[]): void {
    this.set({ ...this.state, transcript: commit(this.state.transcript, ...entries) });
  }

  /** Shows a resumed session's earlier messages; its last answer is what `/copy` copies. */
  replay(entries: NewEntry[], lastAnswer: string): void {
    const transcript = commit(this.state.transcript, ...entries);
    this.set({ ...this.state, transcript: lastAnswer ? { ...transcript, lastAnswer } : transcript });
  }

  /**
   * Another saved session replaces the current one on this screen (`/resume`): its earlier
   * messages are shown below what is already printed, and `/copy` copies its last answer.
   */
  switchSession(entries: NewEntry[], lastAnswer: string): void {
    const transcript = commit(this.state.transcript, ...entries);
    this.set({ ...this.state, transcript: { ...transcript, lastAnswer } });
  }

  private busy(): boolean {
    const s = this.state;
    return (
      s.view.running || s.transcript.tools.length > 0 || s.view.shell !== null || s.transcript.stream !== null
    );
  }

  /** Keeps `view.now` moving while something is live (spinners, elapsed time, socket age). */
  private scheduleTick(): void {
    if (this.tickTimer || this.closed) return;
    const busy = this.busy();
    if (!busy && this.state.status.conn.state !== 'connected') return;
    this.tickTimer = this.clock.setTimeout(
      () => {
        this.tickTimer = null;
        this.state = { ...this.state, view: { ...this.state.view, now: this.clock.now() } };
        // While a stream flush is due anyway, the new time rides on that frame.
        if (this.flushTimer) return;
        this.emit();
      },
      busy ? this.tickMs : this.idleTickMs,
    );
  }

  /** Stops timers (on exit). */
  close(): void {
    this.closed = true;
    this.cancelFlush();
    this.tickTimer?.cancel();
    this.tickTimer = null;
  }
}

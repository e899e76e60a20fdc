/**
 * One response attempt's bookkeeping, shared by the WebSocket and SSE transports: validates raw
 * frames at the edge, counts malformed ones (3 per response fail the attempt, R13), runs the
 * stream idle timer (reset on application events only, R3) and settles exactly once.
 */

import type { ErrorEvent, LifecycleEvent } from '../protocol/server-events.js';
import { parseServerEvent, TERMINAL_TYPES } from '../protocol/server-events.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { StreamOptions, StreamOutcome, TransportFailure } from './types.js';

/** Malformed frames tolerated per response; the next one fails the attempt. */
export const MAX_MALFORMED_FRAMES = 3;

/** Tracks one attempt; `done` resolves with its outcome exactly once. */
export class Attempt {
  readonly done: Promise<StreamOutcome>;
  private resolve!: (o: StreamOutcome) => void;
  private settled = false;
  private idle: TimerHandle | null = null;
  private first: number | null = null;
  private malformed = 0;
  private readonly onAbort = () => this.settle({ type: 'aborted' });

  constructor(
    private readonly clock: Clock,
    private readonly opts: StreamOptions,
    /** Called once when the attempt settles (transports detach / tear down here). */
    private readonly onSettle: (o: StreamOutcome) => void,
  ) {
    this.done = new Promise((r) => {
      this.resolve = r;
    });
    if (opts.signal?.aborted) {
      queueMicrotask(() => this.settle({ type: 'aborted' }));
    } else {
      opts.signal?.addEventListener('abort', this.onAbort, { once: true });
    }
    this.armIdle();
  }

  /** Whether the attempt has ended. */
  isSettled(): boolean {
    return this.settled;
  }

  /** Clock time of the first valid event, or null. */
  firstEventAt(): number | null {
    return this.first;
  }

  /** Feeds one raw frame: JSON text, or `null` for a binary frame (always malformed). */
  frame(raw: string | null): void {
    if (this.settled) return;
    const parsed = raw === null ? { ok: false as const, error: 'binary frame' } : parseServerEvent(raw);
    if (!parsed.ok) {
      this.malformed++;
      if (this.malformed >= MAX_MALFORMED_FRAMES) {
        this.fail({
          kind: 'retryable',
          reason: 'malformed_frames',
          message: `${this.malformed} malformed frames in one response (last: ${parsed.error})`,
        });
      }
      return;
    }
    const event = parsed.event;
    if (this.first === null) this.first = this.clock.now();
    this.armIdle();
    this.opts.onEvent(event);
    if (this.settled) return; // the listener may have aborted
    if (TERMINAL_TYPES.has(event.type)) {
      this.settle({ type: 'terminal', event: event as LifecycleEvent });
    } else if (event.type === 'error') {
      this.settle({ type: 'error', event: event as ErrorEvent });
    }
  }

  /** Fails the attempt with a transport failure (no-op once settled). */
  fail(failure: TransportFailure): void {
    this.settle({ type: 'failure', failure });
  }

  private armIdle(): void {
    this.idle?.cancel();
    this.idle = this.clock.setTimeout(() => {
      this.fail({
        kind: 'retryable',
        reason: 'idle_timeout',
        message: `no event for ${this.opts.idleTimeoutMs} ms (stream idle timeout)`,
      });
    }, this.opts.idleTimeoutMs);
  }

  private settle(o: StreamOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.idle?.cancel();
    this.idle = null;
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    this.onSettle(o);
    this.resolve(o);
  }
}

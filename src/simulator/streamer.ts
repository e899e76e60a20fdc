/**
 * Streams one built response through a transport sink, applying the request's faults at their
 * event positions ("after event k", k = 0 … n). Shared by the WebSocket and SSE paths so both
 * transports fail the same way.
 */
import type { Clock } from '../util/clock.js';
import type { DropFault, ErrorFault, MalformedFault, RequestFaults } from './faults.js';
import type { SimEvent } from './stream-events.js';

/** What a transport must provide to carry events and faults. */
export interface EventSink {
  /** False once the peer is gone or the simulator stopped this stream. */
  alive(): boolean;
  /** Sends one event (with its sequence number already set). */
  send(event: Record<string, unknown>): Promise<void> | void;
  /** Sends a bad frame (malformed JSON, binary, unknown event type). */
  sendMalformed(kind: MalformedFault['kind'], seq: number): Promise<void> | void;
  /** Ends the response with an error event/terminal; returns nothing. */
  sendError(fault: ErrorFault, seq: number): Promise<void> | void;
  /** Cuts the connection. */
  drop(fault: DropFault): Promise<void> | void;
  /** Stops sending for good; `answerPings:false` also stops pong replies (half-open). */
  silence(answerPings: boolean): void;
}

/** How a stream ended. */
export type StreamOutcome = 'completed' | 'error' | 'dropped' | 'silenced' | 'gone';

/** Streams `events`, calling `onTerminal` right after the terminal event was handed to the sink. */
export async function streamEvents(
  events: SimEvent[],
  faults: RequestFaults,
  sink: EventSink,
  opts: {
    clock: Clock;
    eventDelayMs: number;
    extra?: Record<string, unknown>;
    onTerminal: () => void;
    /** A `keepalive` event after every N events (never after the terminal); 0 = never. */
    keepaliveEvery?: number;
  },
): Promise<StreamOutcome> {
  let seq = 0;
  const n = events.length;
  for (let k = 0; k <= n; k++) {
    // Faults positioned "after event k".
    for (const m of faults.malformed) {
      if (m.event === k && sink.alive()) {
        await sink.sendMalformed(m.kind, seq);
        if (m.kind === 'unknown-event') seq++;
      }
    }
    if (!sink.alive()) return 'gone';
    if (faults.error && (faults.error.event ?? 0) === k && k < n) {
      await sink.sendError(faults.error, seq);
      return 'error';
    }
    if (faults.drop && faults.drop.event === k) {
      await sink.drop(faults.drop);
      return 'dropped';
    }
    if (faults.halfOpen && faults.halfOpen.event === k) {
      sink.silence(false);
      return 'silenced';
    }
    if (faults.stall && faults.stall.event === k) {
      sink.silence(true);
      return 'silenced';
    }
    if (k === n) break;
    if (k > 0 && opts.eventDelayMs > 0) {
      await opts.clock.sleep(opts.eventDelayMs);
      if (!sink.alive()) return 'gone';
    } else if (k % 16 === 15) {
      // Let I/O in now and then, so other lanes/connections interleave with a long stream.
      await new Promise<void>((r) => setImmediate(r));
      if (!sink.alive()) return 'gone';
    }
    const event = { ...events[k]!, sequence_number: seq++, ...opts.extra };
    await sink.send(event);
    if (k === n - 1) opts.onTerminal();
    else if (opts.keepaliveEvery && (k + 1) % opts.keepaliveEvery === 0 && sink.alive()) {
      // The service interleaves these on long streams (PROTOCOL §10.3); clients ignore them.
      await sink.send({ type: 'keepalive', sequence_number: seq++, ...opts.extra });
    }
  }
  return 'completed';
}

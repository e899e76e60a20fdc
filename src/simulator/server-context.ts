import type { Clock } from '../util/clock.js';
import type { IdGen } from './blobs.js';
import type { Engine } from './engine.js';
import type { FaultCounter, FaultSpec } from './faults.js';
import type { MemoryRecorder } from './recorder.js';

/** State shared by the WebSocket and HTTP sides of one simulator. Timing values in ms. */
export interface ServerContext {
  clock: Clock;
  ids: IdGen;
  engine: Engine;
  recorder: MemoryRecorder;
  counter: FaultCounter;
  /** Active fault specs, server-wide first, then the scenario's. */
  faultSpecs(): FaultSpec[];
  ageLimitMs(): number;
  latencyMs(): number;
  eventDelayMs(): number;
  httpHandshakeMs(): number;
  /** Service time per token of context the connection-local cache does not hold (µs; 0 = free). */
  contextCostUsPerToken(): number;
  /** Waits the service time for `tokens` of uncached context (resolves at once when free). */
  contextCost(tokens: number): Promise<void>;
  /** A `keepalive` event after every N events of a response (0 = never). */
  keepaliveEvery(): number;
  /** Diagnostics (never includes secrets). */
  log(message: string): void;
}

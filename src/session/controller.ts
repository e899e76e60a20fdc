/**
 * The SessionController (src/session/types.ts): one logical conversation over one persistent
 * WebSocket, with warm-up, incremental chaining, background rotation, recovery and HTTP+SSE
 * fallback. Turns and exclusive jobs (reset, compact) run one at a time through a serial queue,
 * so a connection never has two responses in flight (R11).
 */
import type { RequestFields } from '../protocol/client-events.js';
import type { Item } from '../protocol/items.js';
import { ZERO_USAGE } from '../protocol/usage.js';
import { postJson } from '../transport/http-transport.js';
import { TransportError } from '../transport/types.js';
import { TetherError } from '../util/errors.js';
import { EXIT } from '../util/exit-codes.js';
import { startReplacement, startRotation, switchToStandby } from './rotation.js';
import { SerialQueue, SessionState } from './state.js';
import { executeTurn } from './turn.js';
import { emptyTurnMetrics, finalUpgradeError } from './turn-context.js';
import {
  type SessionController,
  type SessionControllerOptions,
  type SessionSnapshot,
  SessionStartError,
  type SessionStatusEvent,
  type TransportKind,
  type TurnOptions,
  type TurnResult,
} from './types.js';
import { beginWarmup, settleWarmup, warmupsOn } from './warmup.js';

/** Creates a controller; nothing is opened until {@link SessionController.start} or the first turn. */
export function createSessionController(opts: SessionControllerOptions): SessionController {
  const st = new SessionState(opts);
  const queue = new SerialQueue();
  st.onRotationDue = () => {
    if (!st.busy && queue.size() === 0) startRotation(st);
  };
  st.onUnexpectedDeath = () => {
    if (!st.busy && queue.size() === 0) startReplacement(st);
  };

  /** Runs an exclusive job with `busy` set; afterwards switches to a ready standby or starts a due rotation. */
  const exclusive = <T>(job: () => Promise<T>): Promise<T> =>
    queue.run(async () => {
      st.busy = true;
      try {
        return await job();
      } finally {
        st.busy = false;
        if (!st.closed && !switchToStandby(st)) startRotation(st);
      }
    });

  /**
   * Opens the socket and sends the warm-up *in the background* (warmup.ts): it resolves once the
   * socket is open, so nothing waits for the warm-up's answer except a turn, for at most
   * `warmupWaitMs`. A warm-up failure is not fatal (the first turn recovers).
   */
  const warmUp = async (): Promise<void> => {
    if (st.closed || st.mode !== 'websocket') return;
    await settleWarmup(st); // one still in flight (a reset right after start) goes first
    let conn = st.liveConnection();
    if (!conn) {
      try {
        conn = await st.openSocket(1);
        st.adopt(conn);
      } catch (err) {
        if (err instanceof TransportError) {
          const f = err.failure;
          const final = finalUpgradeError(f);
          if (final && final.kind !== 'auth') {
            // No quota, a plan without API usage, an unknown model: the run ends at once (exit 3 / 2).
            st.emit({ type: 'failed', kind: 'network', message: final.message, ...statusOf(f.status) });
            throw new SessionStartError({
              ...final,
              ...(f.code ? { code: f.code } : {}),
              ...statusOf(f.status),
            });
          }
          if (f.kind === 'auth' || final?.kind === 'auth') {
            const message = `authentication failed: ${f.message}`;
            st.emit({ type: 'failed', kind: 'auth', message, ...statusOf(f.status) });
            throw new TetherError(message, EXIT.auth, 'auth_refused');
          }
          if (f.kind === 'no_websocket' && st.settings.transport === 'auto') st.fallBack(f.message);
          // The attempt failed (a dead server, a refused upgrade): say so rather than leave the
          // state at "connecting"; the next turn connects again.
          else st.emit({ type: 'failed', kind: 'network', message: f.message, ...statusOf(f.status) });
        }
        return;
      }
    }
    st.anchor = null;
    if (warmupsOn(st)) beginWarmup(st, conn);
  };

  const controller: SessionController = {
    start: () => exclusive(warmUp),

    runTurn(newItems: Item[], turnOpts: TurnOptions = {}): Promise<TurnResult> {
      return exclusive(async () => {
        try {
          const r = await executeTurn(st, newItems, turnOpts);
          const e = r.status === 'failed' ? r.error : undefined;
          if (e && (e.kind === 'auth' || e.kind === 'network'))
            st.emit({ type: 'failed', kind: e.kind, message: e.message, ...statusOf(e.status) });
          return r;
        } catch (err) {
          // Never throws (contract): an internal bug becomes a failed turn, not a crash.
          st.anchor = null;
          st.dropConnection();
          return internalFailure(st.mode, err);
        }
      });
    },

    setRequestFields(fields: Partial<RequestFields>): void {
      st.setFields({ ...st.fields, ...fields });
    },

    requestFields: () => ({ ...st.fields }),

    transcript: () => st.transcript,

    resetTranscript(items: Item[], o: { warm?: boolean } = {}): Promise<void> {
      return exclusive(async () => {
        st.generation++;
        st.transcript = [...items];
        st.anchor = null;
        st.discardStandby();
        if (o.warm) await warmUp();
      });
    },

    compact(): Promise<{ tokensBefore: number; tokensAfter: number; items: Item[] }> {
      return exclusive(async () => {
        const body: Record<string, unknown> = { model: st.fields.model, input: st.transcript };
        if (st.fields.instructions !== undefined) body['instructions'] = st.fields.instructions;
        if (st.fields.prompt_cache_key !== undefined) body['prompt_cache_key'] = st.fields.prompt_cache_key;
        const res = await postJson('responses/compact', body, {
          baseUrl: st.baseUrl,
          apiKey: st.apiKey,
          clock: st.clock,
          headers: st.httpHeaders,
        });
        if (!res.ok) {
          const f = res.failure;
          const exit = f.kind === 'auth' ? EXIT.auth : f.kind === 'retryable' ? EXIT.network : EXIT.failed;
          throw new TetherError(
            `compaction failed: ${f.message}`,
            exit,
            f.kind === 'auth' ? 'auth_refused' : 'compact_failed',
          );
        }
        const parsed = parseCompacted(res.value);
        if (!parsed)
          throw new TetherError(
            'compaction failed: malformed /responses/compact reply',
            EXIT.failed,
            'compact_failed',
          );
        // A window, not a response id: the next create starts a new chain with it (§6.2).
        st.generation++;
        st.transcript = [...parsed.items];
        st.anchor = null;
        st.discardStandby();
        return parsed;
      });
    },

    status(): SessionSnapshot {
      const conn = st.liveConnection();
      return {
        transport: st.mode,
        connected: conn !== null,
        socketAgeMs: conn ? conn.ageMs() : 0,
        connections: st.connections,
        rotations: st.rotations,
        reconnects: st.reconnects,
        fellBack: st.fellBack,
        lastResponseId: st.anchor?.responseId ?? null,
        transcriptItems: st.transcript.length,
      };
    },

    async whenIdle(): Promise<void> {
      for (let i = 0; i < 10; i++) {
        await queue.run(async () => {});
        await st.warming?.done;
        if (!st.rotating) return;
        await st.rotating;
        await Promise.resolve(); // let the post-rotation switch run
      }
    },

    subscribe: (listener: (e: SessionStatusEvent) => void) => st.subscribe(listener),

    async close(): Promise<void> {
      if (st.closed) return;
      st.generation++;
      st.shutdown();
      st.emit({ type: 'closed' });
    },
  };
  return controller;
}

function statusOf(status: number | undefined): { status?: number } {
  return status ? { status } : {};
}

function internalFailure(transport: TransportKind, err: unknown): TurnResult {
  return {
    status: 'failed',
    output: [],
    usage: { ...ZERO_USAGE },
    error: {
      kind: 'protocol',
      message: `internal error: ${err instanceof Error ? err.message : String(err)}`,
    },
    metrics: emptyTurnMetrics(transport),
  };
}

function parseCompacted(value: unknown): { tokensBefore: number; tokensAfter: number; items: Item[] } | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const output = v['output'];
  if (
    !Array.isArray(output) ||
    !output.every(
      (i) =>
        typeof i === 'object' && i !== null && typeof (i as Record<string, unknown>)['type'] === 'string',
    )
  ) {
    return null;
  }
  const usage = (typeof v['usage'] === 'object' && v['usage'] !== null ? v['usage'] : {}) as Record<
    string,
    unknown
  >;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return {
    tokensBefore: num(usage['input_tokens']),
    tokensAfter: num(usage['output_tokens']),
    items: output as Item[],
  };
}

/**
 * Proactive rotation before the server's 60-minute cutoff (PROTOCOL.md §1.6, RELIABILITY.md
 * R10): once the socket's age passes `rotationAgeMs`, a standby socket is opened and warmed with
 * `generate:false` carrying the full context *in the background*, and the session switches to it
 * between turns, so the next turn continues incrementally from the warm-up's id with no added
 * latency and no visible error. The same path replaces a socket that died while idle (server
 * close, half-open peer), so the next turn does not pay the handshake either.
 */
import type { WsConnection } from '../transport/ws-transport.js';
import type { SessionState, Standby } from './state.js';
import { warm, warmupsOn } from './warmup.js';

/** Starts a background rotation if the current socket is due and none is running. */
export function startRotation(st: SessionState): void {
  if (st.closed || st.mode !== 'websocket' || st.rotating || st.standby) return;
  const conn = st.liveConnection();
  if (!conn || conn.ageMs() < st.settings.rotationAgeMs) return;
  prepareStandby(st, 'age');
}

/**
 * The current socket died between turns: open and warm a replacement in the background (one
 * attempt; if it fails, the next turn connects and recovers as usual).
 */
export function startReplacement(st: SessionState): void {
  if (st.closed || st.busy || st.mode !== 'websocket' || st.rotating || st.standby) return;
  if (st.liveConnection()) return;
  prepareStandby(st, 'replacement');
}

function prepareStandby(st: SessionState, reason: Standby['reason']): void {
  st.rotating = (async () => {
    let standby: WsConnection | null = null;
    try {
      standby = await st.openSocket(1);
      const anchor = warmupsOn(st) ? await warm(st, standby) : null;
      if (st.closed || st.mode !== 'websocket') {
        standby.terminate('session closed during rotation');
        return;
      }
      st.standby = { conn: standby, anchor, reason };
    } catch {
      // Keep the old socket; if it hits the server limit, the turn recovers (R5/R10).
      standby?.terminate('rotation failed');
    } finally {
      st.rotating = null;
    }
    if (!st.busy) switchToStandby(st);
  })();
}

/** Switches to a warmed standby socket (between turns). Returns true when it switched. */
export function switchToStandby(st: SessionState): boolean {
  const sb = st.standby;
  if (!sb) return false;
  st.standby = null;
  if (!sb.conn.isAlive() || st.closed || st.mode !== 'websocket') {
    sb.conn.terminate('standby unusable');
    return false;
  }
  const age = st.conn?.ageMs() ?? 0;
  st.dropConnection(true);
  st.adopt(sb.conn);
  st.anchor = sb.anchor;
  if (sb.reason === 'age') {
    st.rotations++;
    st.emit({ type: 'rotated', reason: 'age', socketAgeMs: age });
  }
  return true;
}

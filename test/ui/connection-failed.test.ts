/**
 * The status bar and transcript after a connection fails for good (issue 16 point 1): a refused
 * key reads "auth refused (401)", a connection that gave up reads "connection failed", a new
 * attempt leaves that state, and the fallback notice names the scheme really used.
 */
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/agent/events.js';
import type { SessionStatusEvent } from '../../src/session/types.js';
import { transportLabel } from '../../src/ui/components/status-bar.js';
import { initialStatus, statusReducer } from '../../src/ui/state/status.js';
import { initialTranscript, transcriptReducer } from '../../src/ui/state/transcript.js';

const t = (event: SessionStatusEvent): AgentEvent => ({ type: 'transport', event });
const init = () => initialStatus({ model: 'm', approval: 'suggest', contextWindow: 1000 });

describe('connection failed for good', () => {
  it('a refused key shows "auth refused (401)" until the next attempt', () => {
    let s = statusReducer(init(), t({ type: 'connecting', transport: 'websocket', attempt: 1 }), 0);
    s = statusReducer(
      s,
      t({ type: 'failed', kind: 'auth', message: 'authentication failed: HTTP 401', status: 401 }),
      1,
    );
    expect(s.conn.state).toBe('failed');
    expect(transportLabel(s.conn, 2).text).toBe('websocket ✗ auth refused (401)');
    s = statusReducer(s, t({ type: 'connecting', transport: 'websocket', attempt: 1 }), 3);
    expect(transportLabel(s.conn, 4).text).toContain('connecting');
  });

  it('retries exhausted leave "reconnecting n/n" for "connection failed"', () => {
    let s = statusReducer(
      init(),
      t({ type: 'reconnecting', attempt: 5, max: 5, reason: 'ECONNREFUSED', delayMs: 10 }),
      0,
    );
    s = statusReducer(s, t({ type: 'failed', kind: 'network', message: 'gave up after 6 attempts' }), 1);
    expect(transportLabel(s.conn, 2).text).toBe('auto ✗ connection failed');
  });

  it('the fallback notice names the scheme of the base URL', () => {
    const text = (scheme: 'http' | 'https') => {
      const s = transcriptReducer(
        initialTranscript(),
        t({ type: 'fallback_http', reason: 'upgrade refused', scheme }),
        0,
      );
      const last = s.entries.at(-1);
      return last && 'text' in last ? last.text : '';
    };
    expect(text('http')).toBe('Falling back from WebSocket to HTTP transport: upgrade refused');
    expect(text('https')).toBe('Falling back from WebSocket to HTTPS transport: upgrade refused');
  });
});

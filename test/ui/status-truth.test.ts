/** The status bar tells the truth: /new, Esc, and a connection that failed for good. */
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/agent/events.js';
import { ZERO_USAGE } from '../../src/protocol/usage.js';
import { transportLabel } from '../../src/ui/components/status-bar.js';
import { initialStatus, type StatusState, statusReducer } from '../../src/ui/state/status.js';
import { finished, started, transport } from './events.js';

const metrics = {
  transport: 'websocket' as const,
  attempts: 1,
  timeToFirstEventMs: 10,
  durationMs: 100,
  bytesSent: 1,
  inputItemsSent: 1,
  incremental: false,
  cachedTokens: 0,
};
const usage = (input: number, output: number): AgentEvent => ({
  type: 'usage',
  turnId: 't1',
  usage: { ...ZERO_USAGE, inputTokens: input, outputTokens: output },
  total: { ...ZERO_USAGE, inputTokens: input, outputTokens: output },
  metrics,
});
const run = (s: StatusState, ...events: AgentEvent[]) => events.reduce((x, e) => statusReducer(x, e, 0), s);
const base = () => initialStatus({ model: 'm', approval: 'suggest', contextWindow: 1000 });

describe('status bar state', () => {
  it('a retry stops being shown once the retried attempt answers', () => {
    const retrying: AgentEvent = {
      type: 'turn_retrying',
      turnId: 't1',
      attempt: 1,
      max: 6,
      reason: 'WebSocket closed',
    };
    let s = run(base(), started(), retrying);
    expect(s.retry).toMatchObject({ attempt: 1, max: 6 });
    // Still nothing from the new attempt: still retrying.
    s = run(s, usage(0, 0));
    expect(s.retry).not.toBeNull();
    s = run(s, { type: 'assistant_delta', turnId: 't1', itemId: 'm1', text: 'hi' });
    expect(s.retry).toBeNull();
    expect(
      run(run(base(), retrying), { type: 'reasoning_delta', turnId: 't1', itemId: 'r1', text: 'x' }).retry,
    ).toBeNull();
  });

  it('/new (a new session id) resets the counters and keeps the real transport', () => {
    let s = run(
      base(),
      started({ sessionId: 'a', transport: 'auto' }),
      transport({ type: 'connected', transport: 'websocket', connectionId: 1, deflate: true }),
      usage(500, 20),
      finished(),
    );
    expect(s.usage.inputTokens).toBe(500);
    expect(s.turns).toBe(1);
    s = run(s, started({ sessionId: 'b', transport: 'auto' }));
    expect(s.usage).toEqual(ZERO_USAGE);
    expect(s.contextTokens).toBe(0);
    expect(s.turns).toBe(0);
    expect(s.lastLatencyMs).toBeNull();
    expect(transportLabel(s.conn, 0).text).toMatch(/^websocket ● connected/);
  });

  it('a call cut short by Esc (no input reported) leaves the context figure alone', () => {
    const s = run(base(), started(), usage(600, 40), usage(0, 0));
    expect(s.contextTokens).toBe(640);
  });

  it('a turn that fails while reconnecting leaves "reconnecting 5/5" for a final state', () => {
    let s = run(
      base(),
      started(),
      transport({ type: 'reconnecting', attempt: 5, max: 5, reason: 'closed 1006', delayMs: 100 }),
    );
    expect(transportLabel(s.conn, 0).text).toContain('reconnecting 5/5');
    s = run(s, finished('failed', 't1', 'connection lost'));
    const label = transportLabel(s.conn, 0).text;
    expect(label).not.toContain('reconnecting');
    expect(label).toContain('connection failed');
  });
});

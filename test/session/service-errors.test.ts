/**
 * Issue 14.2/14.5 at the session layer, adversarially: server-requested delays (honoured, huge
 * ones refused at once), a response that fails after a function call was already streamed, field
 * refusals, and a warm-up refusal that costs one round trip per session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isFunctionCall, userMessage } from '../../src/protocol/items.js';
import { createSessionController } from '../../src/session/controller.js';
import type { RefusalDecision, TurnStreamEvent } from '../../src/session/types.js';
import { startSimulator } from '../../src/simulator/index.js';
import { seededRandom } from '../../src/util/random.js';
import { API_KEY, FAST, FIELDS, type Rig, rig } from './helpers/harness.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const reconnects = (x: Rig) => x.status.filter((e) => e.type === 'reconnecting');

describe('service errors (session)', () => {
  it('honours "Please try again in 250ms." from a rate-limited response.failed', async () => {
    r = await rig({ scenario: 'plain-answer', faults: { rateLimit: { every: 2, retryAfterMs: 250 } } });
    expect((await r.session.runTurn([userMessage('one')])).status).toBe('completed');
    const res = await r.session.runTurn([userMessage('two')]);
    expect(res.status).toBe('completed');
    expect(reconnects(r).map((e) => e.type === 'reconnecting' && e.delayMs)).toEqual([250]);
  });

  it('a retry-after of an hour stops the turn at once with a clear error (no waiting, no storm)', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: {
        error: {
          shape: 'wrapped',
          status: 429,
          code: 'rate_limit_exceeded',
          headers: { 'retry-after': '3600' },
        },
      },
    });
    const started = Date.now();
    const res = await r.session.runTurn([userMessage('hi')]);
    expect(res.status).toBe('failed');
    expect(res.error?.message).toMatch(/longer than 60 s/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.sim.recorder.creates()).toHaveLength(1);
  });

  it('the budget bounds retries of a service that keeps failing', async () => {
    r = await rig({ scenario: 'plain-answer', faults: { rateLimit: { every: 1, retryAfterMs: 5 } } });
    const res = await r.session.runTurn([userMessage('hi')]);
    expect(res).toMatchObject({ status: 'failed', error: { kind: 'server', code: 'rate_limit_exceeded' } });
    expect(r.sim.recorder.creates()).toHaveLength(FAST.maxRetries + 1);
  });

  it('a response that fails after its function call was streamed: discarded, the retry brings one call', async () => {
    // side-effects' first response: created, in_progress, item.added, 2 arg deltas, args.done,
    // item.done (event 7), completed. Fail right after the call item is done.
    r = await rig({
      scenario: 'side-effects',
      faults: { error: { request: 1, event: 7, shape: 'failed', code: 'server_error', message: 'boom' } },
    });
    const seen: TurnStreamEvent[] = [];
    const res = await r.session.runTurn([userMessage('go')], { onEvent: (e) => seen.push(e) });
    const resetAt = seen.findIndex((e) => e.type === 'attempt_reset');
    const streamedCall = seen
      .slice(0, resetAt)
      .find((e) => e.type === 'event' && e.event.type === 'response.output_item.done');
    expect(streamedCall).toBeDefined(); // the failed attempt really delivered a call
    expect(res.status).toBe('completed');
    const calls = res.output.filter(isFunctionCall);
    expect(calls).toHaveLength(1);
    const failedCallId = (streamedCall as { event: { item: { call_id: string } } }).event.item.call_id;
    expect(calls[0]!.call_id).not.toBe(failedCallId);
    // The transcript holds only the retried response's call.
    expect(r.session.transcript().filter(isFunctionCall)).toHaveLength(1);
  });

  it('a refused field goes through the hook: dropped, one notice, the same turn re-sent at once', async () => {
    const sim = await startSimulator({
      apiKey: API_KEY,
      seed: 1,
      scenario: 'plain-answer',
      faults: { account: { unverifiedOrg: true } },
    });
    const decisions: string[] = [];
    const session = createSessionController({
      baseUrl: sim.url,
      apiKey: API_KEY,
      request: FIELDS,
      settings: FAST,
      random: seededRandom(1),
      onRefusedField: (refusal, fields): RefusalDecision => {
        decisions.push(refusal.param);
        const { summary: _s, ...reasoning } = fields.reasoning ?? {};
        return { action: 'drop', fields: { ...fields, reasoning }, notice: `dropped ${refusal.param}` };
      },
    });
    const notices: string[] = [];
    session.subscribe((e) => e.type === 'notice' && notices.push(e.message));
    try {
      const res = await session.runTurn([userMessage('hi')]);
      expect(res.status).toBe('completed');
      expect(decisions).toEqual(['reasoning.summary']);
      expect(notices).toEqual(['dropped reasoning.summary']);
      expect(session.requestFields().reasoning).toEqual({ effort: 'medium' });
      expect(sim.recorder.creates()).toHaveLength(2);
    } finally {
      await session.close();
      await sim.close();
    }
  });

  it('without a hook a refused field is an ordinary request error (never retried)', async () => {
    r = await rig({ scenario: 'plain-answer', faults: { account: { unverifiedOrg: true } } });
    const res = await r.session.runTurn([userMessage('hi')]);
    expect(res).toMatchObject({ status: 'failed', error: { kind: 'request', code: 'unsupported_value' } });
    expect(r.sim.recorder.creates()).toHaveLength(1);
  });

  it('a refused warm-up costs one round trip per session, never once per socket', async () => {
    r = await rig({ scenario: 'plain-answer', faults: { account: { refuseWarmup: true } } });
    await r.session.start();
    await r.session.resetTranscript([], { warm: true });
    await r.session.resetTranscript([], { warm: true });
    const res = await r.session.runTurn([userMessage('hi')]);
    expect(res.status).toBe('completed');
    const warmups = r.sim.recorder.creates().filter((c) => c.generate === false);
    expect(warmups).toHaveLength(1);
    expect(warmups[0]!.errorCode).toBe('unknown_parameter');
    // The turn was not delayed by a reconnect: the same socket served it.
    expect(r.sim.connectionCount()).toBe(1);
    expect(reconnects(r)).toHaveLength(0);
  });

  it('a warm-up that works is not remembered as refused (rotations keep warming)', async () => {
    r = await rig({ scenario: 'plain-answer' });
    await r.session.start();
    await r.session.resetTranscript([], { warm: true });
    await r.session.whenIdle?.(); // the warm-up runs in the background
    expect(r.sim.recorder.creates().filter((c) => c.generate === false)).toHaveLength(2);
  });
});

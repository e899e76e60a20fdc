/** Cancellation, queueing, compaction, resume and close. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Item, isMessage, messageText, userMessage } from '../../src/protocol/items.js';
import type { TurnStreamEvent } from '../../src/session/types.js';
import { answerText, type Rig, rig, Screen } from './helpers/harness.js';

let r: Rig | null = null;
afterEach(async () => {
  await r?.close();
  r = null;
});

const LONG = 'Streaming slowly, one small piece at a time, so that a cancel lands mid-response.';
const slow = { name: 'slow', chunkChars: 2, turns: [{ steps: [{ say: LONG }] }] };

describe('cancellation (R12)', () => {
  it('an aborted turn returns cancelled, drops late events, closes the socket; the next turn starts fresh', async () => {
    r = await rig({ scenario: slow, eventDelayMs: 5 });
    await r.session.start();
    const ac = new AbortController();
    const seen: TurnStreamEvent[] = [];
    let afterAbort = 0;
    const res = await r.session.runTurn([userMessage('cancel me')], {
      signal: ac.signal,
      onEvent: (e) => {
        if (ac.signal.aborted) afterAbort++;
        seen.push(e);
        if (e.type === 'event' && e.event.type === 'response.output_text.delta') ac.abort();
      },
    });
    expect(res.status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 60)); // late frames would arrive now
    expect(afterAbort).toBe(0);
    expect(
      seen.filter((e) => e.type === 'event' && e.event.type === 'response.output_text.delta'),
    ).toHaveLength(1);
    expect(r.session.status().connected).toBe(false);

    const screen = new Screen();
    const next = await r.session.runTurn([userMessage('again')], { onEvent: screen.onEvent });
    expect(next.status).toBe('completed');
    expect(screen.text).toBe(LONG);
    const last = r.sim.recorder.creates().at(-1)!;
    expect(last).toMatchObject({ connectionId: 2, previousResponseId: null, inputItems: 2 });
    // the cancelled response left nothing in the transcript
    expect(r.session.transcript().filter((i) => isMessage(i) && i.role === 'assistant')).toHaveLength(1);
  });

  it('a turn aborted while queued is never sent', async () => {
    r = await rig({ scenario: slow, eventDelayMs: 1 });
    const ac = new AbortController();
    const first = r.session.runTurn([userMessage('first')]);
    const second = r.session.runTurn([userMessage('second')], { signal: ac.signal });
    ac.abort();
    expect((await first).status).toBe('completed');
    expect((await second).status).toBe('cancelled');
    expect(r.sim.recorder.creates()).toHaveLength(1);
  });
});

describe('queueing (R11)', () => {
  it('concurrent runTurn calls are sent strictly one after another, in call order', async () => {
    r = await rig({ scenario: 'plain-answer', eventDelayMs: 1 });
    const texts = ['alpha', 'beta', 'gamma'];
    const results = await Promise.all(texts.map((t) => r!.session.runTurn([userMessage(t)])));
    expect(results.map((x) => x.status)).toEqual(['completed', 'completed', 'completed']);
    for (const [i, x] of results.entries()) expect(answerText(x)).toContain(`You said: ${texts[i]}`);
    const creates = r.sim.recorder.creates();
    expect(creates).toHaveLength(3);
    for (let i = 1; i < 3; i++) expect(creates[i]?.previousResponseId).toBe(creates[i - 1]?.responseId);
    expect(r.sim.connectionCount()).toBe(1);
  });
});

describe('transcript management', () => {
  it('start() with a resumed transcript warms up with the full context', async () => {
    const history: Item[] = [
      userMessage('earlier question'),
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'earlier answer' }] },
    ];
    r = await rig({ scenario: 'plain-answer' }, { transcript: history });
    await r.session.start();
    const res = await r.session.runTurn([userMessage('follow-up')]);
    expect(res.status).toBe('completed');
    const [warm, first] = r.sim.recorder.creates();
    expect(warm).toMatchObject({ generate: false, inputItems: 2 });
    expect(first).toMatchObject({ previousResponseId: warm?.responseId, inputItems: 1 });
    expect(r.status.find((s) => s.type === 'warmed')).toMatchObject({ fullContext: true });
  });

  it('resetTranscript({warm:true}) starts a new warmed chain', async () => {
    r = await rig({ scenario: 'plain-answer' });
    await r.session.runTurn([userMessage('one')]);
    await r.session.resetTranscript([], { warm: true });
    expect(r.session.transcript()).toHaveLength(0);
    await r.session.runTurn([userMessage('fresh')]);
    const c = r.sim.recorder.creates();
    expect(c.at(-2)).toMatchObject({ generate: false, inputItems: 0 });
    expect(c.at(-1)).toMatchObject({ previousResponseId: c.at(-2)?.responseId, inputItems: 1 });
  });

  it('compact() replaces the transcript with the window and starts a new chain', async () => {
    r = await rig({ scenario: 'plain-answer' });
    for (const t of ['one', 'two', 'three']) await r.session.runTurn([userMessage(t)]);
    const before = r.session.transcript().length;
    const out = await r.session.compact();
    expect(before).toBe(6);
    expect(out.items.length).toBeGreaterThan(0);
    expect(out.items.some((i) => i.type === 'compaction')).toBe(true);
    expect(out.tokensBefore).toBeGreaterThan(0);
    expect(r.session.transcript()).toEqual(out.items);
    const res = await r.session.runTurn([userMessage('after compaction')]);
    expect(res.status).toBe('completed');
    expect(r.sim.recorder.creates().at(-1)).toMatchObject({
      previousResponseId: null,
      inputItems: out.items.length + 1,
    });
    const userTexts = r.session.transcript().filter(isMessage).map(messageText);
    expect(userTexts.at(-2)).toBe('after compaction');
  });
});

describe('close and status', () => {
  it('status() reports the socket; close() emits closed and later turns are cancelled', async () => {
    r = await rig({ scenario: 'plain-answer' });
    await r.session.start();
    await r.session.whenIdle?.(); // the warm-up runs in the background
    const s = r.session.status();
    expect(s).toMatchObject({
      transport: 'websocket',
      connected: true,
      connections: 1,
      rotations: 0,
      fellBack: false,
      transcriptItems: 0,
    });
    expect(s.lastResponseId).toMatch(/.+/);
    await r.session.close();
    expect(r.status.at(-1)).toEqual({ type: 'closed' });
    expect(r.session.status().connected).toBe(false);
    expect((await r.session.runTurn([userMessage('late')])).status).toBe('cancelled');
  });
});

/**
 * A message queued behind a run is never left stale (issue 16): when the run fails (a refused
 * key, a dead server, an exhausted quota) or is interrupted, the queued text goes back into the
 * composer — nothing is sent on its own, nothing is lost, "queued:" disappears, and the status
 * bar is in a final state. After a run that succeeded the queue is still sent. The real agent,
 * session controller, UiController and UiStore, against the simulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentRuntime, createAgentRuntime } from '../../src/agent/create.js';
import type { AgentEvent } from '../../src/agent/events.js';
import { defaultSettings, type Settings } from '../../src/config/schema.js';
import { type FaultSpec, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { transportLabel } from '../../src/ui/components/status-bar.js';
import { UiController } from '../../src/ui/controller.js';
import { nullServices } from '../../src/ui/services/types.js';
import { UiStore } from '../../src/ui/store.js';
import { realClock } from '../../src/util/clock.js';

const KEY = 'sk-test-queued-0123456789abcdefghij';
const home = mkdtempSync(join(tmpdir(), 'tether-queued-'));
const closers: Array<() => unknown> = [];

afterAll(async () => {
  for (const c of closers) await c();
  rmSync(home, { recursive: true, force: true });
});

async function sim(opts: { faults?: FaultSpec; apiKey?: string } = {}): Promise<Simulator> {
  const s = await startSimulator({ seed: 7, ...opts });
  closers.push(() => s.close());
  return s;
}

async function deadPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}/v1`;
}

interface Stack {
  runtime: AgentRuntime;
  store: UiStore;
  controller: UiController;
  events: AgentEvent[];
  /** Resolves once `n` runs have finished. */
  runsFinished(n: number): Promise<void>;
}

async function stack(baseUrl: string, over: Partial<Settings> = {}, apiKey = KEY): Promise<Stack> {
  const runtime = await createAgentRuntime({
    settings: {
      ...defaultSettings(),
      baseUrl,
      sandbox: 'off',
      backoffBaseMs: 5,
      backoffMaxMs: 20,
      maxRetries: 1,
      connectTimeoutMs: 2000,
      reasoningEffort: 'none',
      ...over,
    },
    cwd: home,
    apiKey,
    interactive: true,
    env: { TETHER_HOME: join(home, 'th'), HOME: home, PATH: process.env['PATH'] ?? '' },
  });
  closers.push(() => runtime.close());
  const store = new UiStore({
    clock: realClock,
    model: 'm',
    approval: 'suggest',
    contextWindow: 100_000,
    coalesceMs: 0,
  });
  const controller = new UiController({
    store,
    agent: runtime.agent,
    services: nullServices(),
    clock: realClock,
    onExit: () => {},
  });
  controller.start();
  closers.push(() => controller.stop());
  const events: AgentEvent[] = [];
  const waiters: Array<{ n: number; done: () => void }> = [];
  runtime.agent.subscribe((e) => {
    events.push(e);
    const runs = events.filter((x) => x.type === 'run_finished').length;
    for (const w of waiters.splice(0))
      if (runs >= w.n) w.done();
      else waiters.push(w);
  });
  const runsFinished = (n: number) =>
    new Promise<void>((done) => {
      if (events.filter((x) => x.type === 'run_finished').length >= n) done();
      else waiters.push({ n, done });
    });
  return { runtime, store, controller, events, runsFinished };
}

/** Submits `first`, and `queued` once `first` reached the model (a message queued behind a run). */
function submitWithQueued(st: Stack, first: string, queued: string): void {
  let sent = false;
  st.runtime.agent.subscribe((e) => {
    if (!sent && e.type === 'user_message' && e.text === first) {
      sent = true;
      st.controller.submit(queued);
    }
  });
  st.controller.submit(first);
}

const userTexts = (st: Stack) => st.events.flatMap((e) => (e.type === 'user_message' ? [e.text] : []));
const notices = (st: Stack) =>
  st.store
    .getSnapshot()
    .transcript.entries.flatMap((e) => (e.kind === 'notice' ? [e.text] : []))
    .join('\n');

describe('a queued message is never left stale', () => {
  it('a refused key (401): the unsent prompt is back in the composer, the bar says auth refused', async () => {
    const s = await sim({ apiKey: 'sk-the-right-key-0123456789abcdef' });
    const st = await stack(s.url);
    st.controller.submit('hello');
    // The user types on while the connection is refused: both survive.
    for (const ch of ' there')
      st.controller.handleKey({ name: '', text: ch, ctrl: false, meta: false, shift: false });
    await st.runsFinished(1);
    const snap = st.store.getSnapshot();
    expect(snap.view.queued).toEqual([]);
    expect(snap.composer.text).toBe('hello\n there');
    expect(notices(st)).toMatch(/not sent \(the turn failed\); it is back in the input/);
    expect(transportLabel(snap.status.conn, snap.view.now).text).toContain('auth refused (401)');
    expect(snap.view.running).toBe(false);
    expect(s.recorder.creates()).toHaveLength(0);
    expect(st.runtime.agent.getSnapshot().queued).toEqual([]);
  }, 30_000);

  it('a dead server: the queued message is back, the bar leaves "reconnecting" for "connection failed"', async () => {
    const st = await stack(await deadPort());
    submitWithQueued(st, 'first', 'second');
    await st.runsFinished(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(userTexts(st)).toEqual(['first']);
    const snap = st.store.getSnapshot();
    expect(snap.composer.text).toBe('second');
    expect(snap.view.queued).toEqual([]);
    expect(snap.status.conn.state).toBe('failed');
    // The failure is said once (the turn's line), not again by the run's end.
    expect(notices(st).match(/gave up after/g)).toHaveLength(1);
    expect(transportLabel(snap.status.conn, snap.view.now).text).toContain('connection failed');
  }, 30_000);

  it('an exhausted quota: the message queued behind the failed turn is not sent on its own', async () => {
    const s = await sim({ faults: { account: { quota: 'insufficient_quota' } } });
    const st = await stack(s.url);
    submitWithQueued(st, 'first', 'second');
    await st.runsFinished(1);
    // Give a wrongly started second run the time to show itself.
    await new Promise((r) => setTimeout(r, 200));
    expect(userTexts(st)).toEqual(['first']);
    expect(st.events.filter((e) => e.type === 'run_finished')).toHaveLength(1);
    const snap = st.store.getSnapshot();
    expect(snap.composer.text).toBe('second');
    expect(snap.view.queued).toEqual([]);
    expect(st.events.some((e) => e.type === 'error' && e.code === 'quota_exceeded')).toBe(true);
    // Enter sends it (and fails the same way, once).
    st.controller.submit(snap.composer.text);
    await st.runsFinished(2);
    expect(userTexts(st)).toEqual(['first', 'second']);
  }, 30_000);

  it('Esc during a turn: the queued message is back in the composer, not sent', async () => {
    // Request 1 is the warm-up; the first turn (request 2) stalls until Esc.
    const s = await sim({ faults: { stall: { event: 2, request: 2 } } });
    const st = await stack(s.url, { streamIdleTimeoutMs: 60_000 });
    submitWithQueued(st, 'first', 'second');
    while (st.store.getSnapshot().view.queued.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(st.store.getSnapshot().view.queued).toEqual(['second']);
    st.controller.handleKey({ name: 'escape', text: '', ctrl: false, meta: false, shift: false });
    await st.runsFinished(1);
    await new Promise((r) => setTimeout(r, 100));
    const snap = st.store.getSnapshot();
    expect(snap.composer.text).toBe('second');
    expect(snap.view.queued).toEqual([]);
    expect(notices(st)).toMatch(/not sent \(the turn was interrupted\)/);
    expect(userTexts(st)).toEqual(['first']);
  }, 30_000);

  it('after a run that succeeded the queued message is sent as before', async () => {
    const s = await sim();
    const st = await stack(s.url);
    submitWithQueued(st, 'first', 'second');
    await st.runsFinished(1);
    while (st.runtime.agent.getSnapshot().running) await new Promise((r) => setTimeout(r, 10));
    expect(userTexts(st)).toEqual(['first', 'second']);
    expect(st.store.getSnapshot().composer.text).toBe('');
    expect(notices(st)).not.toMatch(/not sent/);
  }, 30_000);
});

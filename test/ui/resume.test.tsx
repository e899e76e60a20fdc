/**
 * `/resume` inside a running session (issue 16 point 8): the picker opens in place of the
 * composer, Esc closes it and changes nothing, Enter switches the agent and the screen to the
 * chosen session (its conversation shown, its id on the status bar, counters at zero, `/copy`
 * copies its last answer); refused with one line while a turn runs.
 */
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/agent/events.js';
import type { Item } from '../../src/protocol/items.js';
import { ZERO_USAGE } from '../../src/protocol/usage.js';
import type { SavedSession } from '../../src/ui/services/types.js';
import { done, finished, runDone, started, turn, user } from './events.js';
import { KEY, renderApp } from './harness.js';

const NOW = Date.now();
const sessions = [
  { id: 'sess-1', title: 'the current one', updatedAt: NOW, turns: 1 },
  { id: 'sess-b', title: 'fix the flaky test', updatedAt: NOW - 60_000, turns: 3 },
  { id: 'sess-c', title: 'write the README', updatedAt: NOW - 3_600_000, turns: 7 },
];
const msg = (role: 'user' | 'assistant', text: string): Item =>
  ({
    type: 'message',
    role,
    content: [{ type: role === 'user' ? 'input_text' : 'output_text', text }],
  }) as Item;
const saved: Record<string, SavedSession> = {
  'sess-c': {
    sessionId: 'sess-c',
    items: [msg('user', 'please write the README'), msg('assistant', 'README written: 42 lines.')],
    allItems: [msg('user', 'please write the README'), msg('assistant', 'README written: 42 lines.')],
    ledger: [],
  },
};
const usageEvent = (input: number): AgentEvent => ({
  type: 'usage',
  turnId: 't1',
  usage: { ...ZERO_USAGE, inputTokens: input, outputTokens: 10, totalTokens: input + 10 },
  total: { ...ZERO_USAGE, inputTokens: input, outputTokens: 10, totalTokens: input + 10 },
  metrics: {
    durationMs: 800,
    timeToFirstEventMs: 100,
    incremental: true,
    transport: 'websocket',
  } as Extract<AgentEvent, { type: 'usage' }>['metrics'],
});

let cleanup: () => void = () => {};
afterEach(() => cleanup());

async function app(copied: string[] = []) {
  const a = await renderApp({
    services: {
      listSessions: () => sessions,
      loadSession: (id) => {
        const s = saved[id];
        if (!s) throw new Error(`no session ${id}`);
        return s;
      },
      copy: (t) => copied.push(t),
    },
  });
  cleanup = a.unmount;
  await a.emit(started(), user('hello'), turn(), done('the old answer'), usageEvent(5000));
  await a.emit(finished(), runDone());
  return a;
}

describe('the replayed conversation', () => {
  it('says which prompts carried images (they are in the resumed context)', async () => {
    const { replayEntries } = await import('../../src/ui/replay.js');
    const withImage = {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: 'what is in this screenshot?' },
        { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
      ],
    } as Item;
    const onlyImages = {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
        { type: 'input_image', image_url: 'data:image/png;base64,BBBB' },
      ],
    } as Item;
    expect(replayEntries([withImage, onlyImages, msg('user', 'plain')])).toEqual([
      { kind: 'user', text: 'what is in this screenshot? [1 image]' },
      { kind: 'user', text: '[2 images]' },
      { kind: 'user', text: 'plain' },
    ]);
  });
});

describe('/resume in a running session', () => {
  it('opens the picker with the other sessions of this directory; Esc changes nothing', async () => {
    const a = await app();
    const before = a.store.getSnapshot();
    await a.type('/resume', KEY.enter);
    let s = a.screen();
    expect(s).toContain('Resume which session?');
    expect(s).toContain('› fix the flaky test');
    expect(s).toContain('write the README');
    expect(s).not.toContain('the current one');
    // Letters are not typed into the hidden composer.
    await a.type('x');
    expect(a.store.getSnapshot().composer.text).toBe('');
    await a.type(KEY.esc);
    s = a.screen();
    expect(s).not.toContain('Resume which session?');
    const after = a.store.getSnapshot();
    expect(after.view.picker).toBeNull();
    expect(after.status).toEqual(before.status);
    expect(after.transcript.entries).toEqual(before.transcript.entries);
    expect(after.transcript.lastAnswer).toBe('the old answer');
    expect(a.agent.calls.filter((c) => c.kind !== 'submit')).toEqual([]);
  });

  it('Enter switches: conversation, status bar id, counters and /copy follow the chosen session', async () => {
    const copied: string[] = [];
    const a = await app(copied);
    expect(a.store.getSnapshot().status.usage.inputTokens).toBe(5000);
    await a.type('/resume', KEY.enter, KEY.down, KEY.enter);
    await a.emit();
    expect(a.agent.calls).toContainEqual({ kind: 'resumeSession', sessionId: 'sess-c', items: 2 });
    const snap = a.store.getSnapshot();
    expect(snap.view.picker).toBeNull();
    expect(snap.status.sessionId).toBe('sess-c');
    expect(snap.status.usage.inputTokens).toBe(0);
    expect(snap.status.contextTokens).toBe(0);
    const s = a.screen();
    expect(s).toContain('Resumed session sess-c');
    expect(s).toContain('please write the README');
    expect(s).toContain('README written: 42 lines.');
    expect(s).toContain('resumed session sess-c');
    // The status bar names the resumed session; the composer is back.
    const bar = stripAnsi(a.lastFrame() ?? '')
      .split('\n')
      .filter((l) => l.trim())
      .at(-1);
    expect(bar).toContain('sess-c');
    expect(bar).toContain('↑0 ↓0');
    await a.type('/copy', KEY.enter);
    expect(copied).toEqual(['README written: 42 lines.']);
  });

  it('/resume <id prefix> switches at once; an unknown one says so in one line', async () => {
    const a = await app();
    await a.type('/resume nope', KEY.enter);
    expect(a.screen()).toContain('No other saved session here starts with "nope"');
    await a.type('/resume sess-c', KEY.enter);
    await a.emit();
    expect(a.store.getSnapshot().status.sessionId).toBe('sess-c');
  });

  it('is refused with one line while a turn runs', async () => {
    const a = await app();
    await a.emit(user('more'), turn('t2'));
    await a.type('/resume', KEY.enter);
    const s = a.screen();
    expect(s).toContain('/resume is not available while a turn runs');
    expect(s).not.toContain('Resume which session?');
    expect(a.agent.calls.some((c) => c.kind === 'resumeSession')).toBe(false);
  });

  it('the agent refusing the switch (another switch under way): one error line, nothing replayed', async () => {
    const a = await app();
    a.agent.resumeSession = async () => {
      throw new Error('a turn is running: interrupt it (Esc) first');
    };
    const before = a.store.getSnapshot().transcript.entries.length;
    await a.type('/resume sess-c', KEY.enter);
    await a.emit();
    const snap = a.store.getSnapshot();
    expect(a.screen()).toContain('Could not resume sess-c: a turn is running');
    expect(a.screen()).not.toContain('README written');
    expect(snap.transcript.entries.length).toBe(before + 1);
    expect(snap.transcript.lastAnswer).toBe('the old answer');
    expect(snap.status.sessionId).toBe('sess-1');
  });

  it('a session that cannot be loaded: one error line, the current session stays', async () => {
    const a = await app();
    await a.type('/resume', KEY.enter, KEY.enter); // sess-b has no saved file in this fake
    expect(a.screen()).toContain('Could not resume sess-b: no session sess-b');
    expect(a.store.getSnapshot().status.sessionId).toBe('sess-1');
    expect(a.agent.calls.some((c) => c.kind === 'resumeSession')).toBe(false);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { delta, done, finished, retrying, runDone, started, turn, user } from './events.js';
import { renderApp } from './harness.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const count = (hay: string, needle: string) => hay.split(needle).length - 1;

describe('streaming transcript', () => {
  it('renders a streamed answer step by step: complete blocks committed, the tail live', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('explain'), turn());
    expect(app.screen()).toContain('› explain');

    await app.emit(delta('# Plan\n\nFirst para'));
    let s = app.screen();
    expect(s).toContain('Plan');
    expect(s).toContain('First para');
    // The heading was a complete block: it is committed (one entry), the paragraph is live.
    expect(
      app.store
        .getSnapshot()
        .transcript.entries.filter((e) => e.kind === 'markdown')
        .map((e) => (e.kind === 'markdown' ? e.text : '')),
    ).toEqual(['# Plan\n\n']);

    await app.emit(delta('graph continues.\n\n```js\nconst a = 1;\n'));
    s = app.screen();
    expect(s).toContain('First paragraph continues.');
    expect(s).toContain('const a = 1;');
    // The code block is still open: it must stay live (never split inside a fence).
    const md = app.store.getSnapshot().transcript.entries.filter((e) => e.kind === 'markdown');
    expect(md).toHaveLength(2);

    await app.emit(delta('```\n\nDone.'));
    expect(app.store.getSnapshot().transcript.entries.filter((e) => e.kind === 'markdown')).toHaveLength(3);
    await app.emit(
      done('# Plan\n\nFirst paragraph continues.\n\n```js\nconst a = 1;\n```\n\nDone.'),
      finished(),
      runDone(),
    );
    s = app.screen();
    expect(count(s, 'First paragraph continues.')).toBe(1);
    expect(count(s, 'Done.')).toBe(1);
    expect(count(s, 'const a = 1;')).toBe(1);
    expect(app.store.getSnapshot().transcript.stream).toBeNull();
  });

  it('deltas then the same final message render the answer once', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('hi'), turn());
    for (const w of ['Hello', ' there', ', friend.']) await app.emit(delta(w));
    await app.emit(done('Hello there, friend.'), finished(), runDone());
    expect(count(app.screen(), 'Hello there, friend.')).toBe(1);
  });

  it('a retry discards the partial text: the answer appears exactly once', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    const answer = 'Alpha block.\n\nBeta block is longer.\n\nGamma end.';
    await app.emit(started(), user('q'), turn());
    // First attempt: one committed block and a partial one, then the socket dies.
    await app.emit(delta('Alpha block.\n\nBeta bl'));
    expect(app.screen()).toContain('Beta bl');
    await app.emit(retrying(1, 5));
    expect(app.screen()).not.toContain('Beta bl');
    expect(app.screen()).toContain('retrying 1/5');
    // Second attempt streams the whole answer again with new item ids.
    await app.emit(delta('Alpha blo', 'm2'), delta('ck.\n\nBeta block is longer.\n\nGam', 'm2'));
    await app.emit(done(answer, 'm2'), finished(), runDone());
    const s = app.screen();
    expect(count(s, 'Alpha block.')).toBe(1);
    expect(count(s, 'Beta block is longer.')).toBe(1);
    expect(count(s, 'Gamma end.')).toBe(1);
    expect(s).not.toMatch(/Beta bl(?!ock is)/);
  });

  it('R7: a socket killed mid-stream at a random delta, 40 seeded times: every answer exactly once', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started());
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 40; i++) {
      const t = `t${i}`;
      const words = Array.from({ length: 40 }, (_, w) => `a${i}w${w}x${w % 9 === 8 ? '.\n\n' : ' '}`);
      const answer = words.join('').trim();
      await app.emit(user(`q${i}`, t), turn(t));
      const k = 1 + Math.floor(rnd() * 39);
      for (let d = 0; d < k; d++) app.agent.emit(delta(words[d] ?? '', `m${i}a`, t));
      await app.emit(retrying(1, 5, t));
      for (const w of words) app.agent.emit(delta(w, `m${i}b`, t));
      await app.emit(done(answer, `m${i}b`, t), finished('completed', t), runDone());
      const screen = app.screen();
      // Every word of this answer is on screen exactly once (no orphaned prefix, no repeat).
      for (let w = 0; w < 40; w++) expect(count(screen, `a${i}w${w}x`)).toBe(1);
    }
  });

  it('a retried answer that differs is shown in full with a notice', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('q'), turn());
    await app.emit(delta('One.\n\nTw'), retrying(1, 5));
    await app.emit(delta('Another answer.', 'm2'), done('Another answer.', 'm2'), finished(), runDone());
    const s = app.screen();
    expect(s).toContain('retried answer differs');
    expect(count(s, 'Another answer.')).toBe(1);
  });

  it('coalesces deltas: subscribers are notified once per flush window', async () => {
    const app = await renderApp({ coalesceMs: 50 });
    cleanup = app.unmount;
    await app.emit(started(), user('q'), turn());
    const before = app.store.emits;
    for (let i = 0; i < 100; i++) app.agent.emit(delta(`w${i} `));
    expect(app.store.emits).toBe(before);
    await app.advance(50);
    expect(app.store.emits - before).toBeGreaterThanOrEqual(1);
    expect(app.store.emits - before).toBeLessThanOrEqual(3);
    expect(app.screen()).toContain('w99');
  });
});

describe('reasoning and secrets', () => {
  it('prints the reasoning summary above the answer and keeps the API key out of history', async () => {
    const { addSecret } = await import('../../src/util/redact.js');
    addSecret('sk-test-secret-value-123456');
    const saved: string[] = [];
    const app = await renderApp({ services: { appendHistory: (e) => saved.push(e) } });
    cleanup = app.unmount;
    await app.emit(started(), user('why'), turn());
    await app.emit({ type: 'reasoning_delta', turnId: 't1', itemId: 'r1', text: 'Thinking about the cause' });
    expect(app.screen()).toContain('Thinking about the cause');
    await app.emit({ type: 'reasoning_done', turnId: 't1', itemId: 'r1', text: 'Thinking about the cause.' });
    await app.emit(delta('Because.'), done('Because.'), finished(), runDone());
    const s = app.screen();
    expect(s.indexOf('Thinking about the cause.')).toBeLessThan(s.indexOf('Because.'));
    expect(count(s, 'Thinking about the cause')).toBe(1);
    await app.type('my key is sk-test-secret-value-123456', '\r');
    expect(saved).toHaveLength(1);
    expect(saved[0]).not.toContain('sk-test-secret-value-123456');
  });
});

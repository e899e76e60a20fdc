/**
 * Committed blocks must not keep the streamed text alive. V8 represents a slice of a long string
 * as a view on the whole string, and the stream's text is flattened to a new copy of the whole
 * answer at each flush: a block sliced from it kept that copy alive for the rest of the session
 * (~60 MB retained for one 200k-character answer). Measured after full collections.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { generateMarkdown } from '../../src/simulator/markdown-gen.js';
import { UiStore } from '../../src/ui/store.js';
import { FakeClock } from '../../src/util/clock.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

describe('a long streamed answer in the store', () => {
  it('retains about its own size once committed, not a copy of the answer per flush', () => {
    const store = new UiStore({
      clock: new FakeClock(),
      model: 'm',
      approval: 'suggest',
      contextWindow: 100_000,
      coalesceMs: 50,
    });
    const answer = generateMarkdown(200_000);
    const before = heapAfterGc();
    store.dispatch({ type: 'user_message', turnId: 't', text: 'q' });
    store.dispatch({ type: 'turn_started', turnId: 't', index: 0 });
    for (let i = 0, n = 0; i < answer.length; i += 24, n++) {
      store.dispatch({ type: 'assistant_delta', turnId: 't', itemId: 'm', text: answer.slice(i, i + 24) });
      // A flush per 20 deltas (the 50 ms coalescing window at ~10k chars/s).
      if (n % 20 === 19) store.flushNow();
    }
    store.dispatch({ type: 'assistant_item_done', turnId: 't', itemId: 'm', text: answer });
    store.dispatch({ type: 'turn_finished', turnId: 't', status: 'completed' });
    const entries = store.getSnapshot().transcript.entries.filter((e) => e.kind === 'markdown');
    expect(entries.length).toBeGreaterThan(1000);
    // Every line of the answer once, in order (blank separator lines are not committed alone).
    const lines = (t: string) => t.replace(/\n+/g, '\n');
    expect(lines(entries.map((e) => (e.kind === 'markdown' ? e.text : '')).join(''))).toBe(lines(answer));
    const grown = heapAfterGc() - before;
    // The answer is 0.2 MB of text (and its entries); the copies were ~40-60 MB.
    expect(grown).toBeLessThan(12 * 1024 * 1024);
    store.close();
  });
});

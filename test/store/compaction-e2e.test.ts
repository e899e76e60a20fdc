/**
 * End to end: a run whose context crosses `compact_threshold` gets server-side compaction items
 * (simulator). The session file records the compaction (tokens before/after), and resuming
 * warms up from the latest compaction item, not the old history; the session then continues.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { loadSessionFile } from '../../src/store/session-loader.js';
import { bundleCli, startTether } from './cli-bundle.js';

const API_KEY = 'sk-test-COMPACTE2E0123456789abcdefghij';
let outdir: string;
let home: string;
let work: string;
let sim: Simulator;

beforeAll(async () => {
  outdir = await bundleCli();
  home = mkdtempSync(join(tmpdir(), 'tether-cmp-home-'));
  work = mkdtempSync(join(tmpdir(), 'tether-cmp-work-'));
  sim = await startSimulator({ scenario: 'plain-answer', seed: 5 });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  for (const d of [outdir, home, work]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('server-side compaction is persisted and resumed from (simulator)', () => {
  it('records the compaction and resumes from the window', async () => {
    // 1,000 is the server's minimum threshold; instructions and tool schemas alone exceed it, so
    // every response compacts (fast, and independent of the exact prompt size).
    const env = {
      home,
      cwd: work,
      baseUrl: sim.url,
      apiKey: API_KEY,
      extra: { TETHER_COMPACT_THRESHOLD: '1000' },
    };
    const first = await startTether(outdir, ['-p', 'append the markers'], env).done;
    expect(first.code, first.stderr).toBe(0);
    const file = readdirSync(join(home, 'sessions')).find((f) => f.endsWith('.jsonl'))!;
    const path = join(home, 'sessions', file);
    const saved = loadSessionFile(path);
    expect(saved.compactions.length).toBeGreaterThanOrEqual(1);
    for (const c of saved.compactions) {
      expect(c).toMatchObject({ auto: true, source: 'server' });
      expect(c.tokens_before).toBeGreaterThanOrEqual(1000);
      expect(c.tokens_after).toBeGreaterThan(0);
    }
    // The resumable context starts at the latest compaction item and is shorter than the history.
    expect(saved.items[0]!.type).toBe('compaction');
    expect(saved.items.length).toBeLessThan(saved.allItems.length);

    sim.recorder.clear();
    const second = await startTether(
      outdir,
      ['--approval', 'full-auto', '--continue', '-p', 'what next?'],
      env,
    ).done;
    expect(second.code, second.stderr).toBe(0);
    const [warm, turn] = sim.recorder.creates();
    expect(warm!.generate).toBe(false);
    const input = (warm!.body as { input: Array<{ type: string }> }).input;
    expect(input[0]!.type).toBe('compaction');
    expect(input).toHaveLength(saved.items.length);
    // The old history (the first user message) is not re-sent: it lives inside the compaction item.
    expect(input.filter((i) => (i as { role?: string }).role === 'user')).toEqual([]);
    expect(turn!.previousResponseId).toBe(warm!.responseId);
    const after = loadSessionFile(path);
    expect(after.prompts).toEqual(['append the markers', 'what next?']);
    expect(after.compactions.length).toBeGreaterThan(saved.compactions.length);
    expect(readFileSync(path, 'utf8')).not.toContain(API_KEY);
  });
});

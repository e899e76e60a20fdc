/**
 * End to end: `tether -p` writes a session; `tether --resume ID -p "next"` rebuilds the full
 * context from the file and, on a fresh socket, sends one full-context `generate:false` warm-up
 * followed by incremental turns (asserted on the simulator's recorder). The CLI is bundled from
 * source with esbuild, so the test does not depend on a prior `npm run build`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { loadSessionFile } from '../../src/store/session-loader.js';
import { bundleCli, startTether } from './cli-bundle.js';

const API_KEY = 'sk-test-E2ERESUME0123456789abcdefghij';
let outdir: string;
let home: string;
let work: string;
let sim: Simulator;

function tether(args: string[]) {
  return startTether(outdir, args, { home, cwd: work, baseUrl: sim.url, apiKey: API_KEY }).done;
}

beforeAll(async () => {
  outdir = await bundleCli();
  home = mkdtempSync(join(tmpdir(), 'tether-e2e-home-'));
  work = mkdtempSync(join(tmpdir(), 'tether-e2e-work-'));
  sim = await startSimulator({ scenario: 'plain-answer', seed: 7 });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  for (const d of [outdir, home, work]) if (d) rmSync(d, { recursive: true, force: true });
});

function sessionIds(): string[] {
  return readdirSync(join(home, 'sessions'))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -'.jsonl'.length));
}

describe('resume over --prompt (simulator)', () => {
  it('warms up once with the full context, then continues incrementally in the same file', async () => {
    const first = await tether(['-p', 'remember the word pelican']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const [id] = sessionIds();
    expect(id).toBeDefined();
    const before = loadSessionFile(join(home, 'sessions', `${id}.jsonl`));
    expect(before.title).toBe('remember the word pelican');
    const contextItems = before.items.length;
    expect(contextItems).toBeGreaterThanOrEqual(2);

    sim.recorder.clear();
    const second = await tether(['--resume', id!.slice(-6), '-p', 'next step please']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('next step please');

    const creates = sim.recorder.creates();
    expect(creates.length).toBeGreaterThanOrEqual(2);
    const [warm, turn] = creates;
    // One warm-up carrying the whole saved context on a new chain…
    expect(warm!.generate).toBe(false);
    expect(warm!.previousResponseId ?? null).toBeNull();
    expect(warm!.inputItems).toBe(contextItems);
    expect(JSON.stringify(warm!.body)).toContain('remember the word pelican');
    // …then the new prompt alone, chained on the warm-up.
    expect(turn!.generate).not.toBe(false);
    expect(turn!.previousResponseId).toBe(warm!.responseId);
    expect(turn!.inputItems).toBe(1);
    expect(creates.slice(1).every((c) => c.generate !== false)).toBe(true);

    // The same file grew: two prompts, one session.
    expect(sessionIds()).toEqual([id]);
    const after = loadSessionFile(join(home, 'sessions', `${id}.jsonl`));
    expect(after.prompts).toEqual(['remember the word pelican', 'next step please']);
    expect(after.stats.skipped).toBe(0);
    expect(readFileSync(join(home, 'sessions', `${id}.jsonl`), 'utf8')).not.toContain(API_KEY);
  });

  it('--continue picks the latest session of the directory; sessions --search finds it', async () => {
    const [id] = sessionIds();
    const third = await tether(['--continue', '-p', 'third step']);
    expect(third.code, third.stderr).toBe(0);
    expect(sessionIds()).toEqual([id]);
    expect(loadSessionFile(join(home, 'sessions', `${id}.jsonl`)).turns).toBe(3);

    const list = await tether(['sessions', '--search', 'pelican']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    const none = await tether(['sessions', '--search', 'walrus']);
    expect(none.stdout).toContain('No sessions match "walrus"');
  });

  it('an unknown --resume id is a one-line usage error (exit 2)', async () => {
    const r = await tether(['--resume', 'no-such-session', '-p', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no session matches "no-such-session"');
  });
});

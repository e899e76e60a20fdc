/**
 * End to end with the real CLI: a `tether -p` run is killed with SIGKILL while its tool call is
 * running; `tether --resume ID -p …` then answers that call with the synthetic "interrupted"
 * output (it is not run again: the side-effect file has one line) and every completed record
 * of the first run is intact.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_OUTPUT } from '../../src/agent/ledger.js';
import type { Scenario, Simulator } from '../../src/simulator/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { loadSessionFile } from '../../src/store/session-loader.js';
import { bundleCli, startTether } from './cli-bundle.js';

const API_KEY = 'sk-test-KILLRESUME0123456789abcdefghij';
const SCENARIO: Scenario = {
  name: 'kill-resume',
  alwaysEncryptReasoning: true,
  turns: [
    {
      when: { user: 'deploy' },
      steps: [
        {
          reasoning: 'Run the deploy script.',
          call: { tool: 'shell', args: { command: 'echo ran >> marker.txt; sleep 4' } },
        },
        { say: 'Deployed.' },
      ],
    },
    { when: { user: 'status' }, steps: [{ say: 'Status report: the deploy was interrupted.' }] },
  ],
};

let outdir: string;
let home: string;
let work: string;
let sim: Simulator;

beforeAll(async () => {
  outdir = await bundleCli();
  home = mkdtempSync(join(tmpdir(), 'tether-kill-home-'));
  work = mkdtempSync(join(tmpdir(), 'tether-kill-work-'));
  sim = await startSimulator({ scenario: SCENARIO, seed: 3 });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  for (const d of [outdir, home, work]) if (d) rmSync(d, { recursive: true, force: true });
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function sessionFiles(): string[] {
  const dir = join(home, 'sessions');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : [];
}

describe('SIGKILL mid-tool, then --resume (real CLI, simulator)', () => {
  it('keeps the completed records and answers the interrupted call without re-running it', async () => {
    const env = { home, cwd: work, baseUrl: sim.url, apiKey: API_KEY };
    const first = startTether(outdir, ['--approval', 'full-auto', '-p', 'deploy the app'], env);
    // The ledger's `running` mark is written ahead of the tool; the marker proves it started.
    await waitFor(() => {
      const [f] = sessionFiles();
      return (
        !!f &&
        readFileSync(join(home, 'sessions', f), 'utf8').includes('"state":"running"') &&
        existsSync(join(work, 'marker.txt'))
      );
    }, 15_000);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');

    const [file] = sessionFiles();
    const id = file!.slice(0, -'.jsonl'.length);
    const crashed = loadSessionFile(join(home, 'sessions', file!));
    expect(crashed.prompts).toEqual(['deploy the app']);
    expect(crashed.interrupted).toHaveLength(1);
    const callId = crashed.interrupted[0]!.callId;
    const reasoningItem = crashed.items.find((i) => i.type === 'reasoning') as
      | { encrypted_content?: string }
      | undefined;
    expect(reasoningItem?.encrypted_content).toBeTruthy();

    sim.recorder.clear();
    const second = await startTether(
      outdir,
      ['--approval', 'full-auto', '--resume', id, '-p', 'status?'],
      env,
    ).done;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Status report');

    const creates = sim.recorder.creates();
    // The warm-up carries the answered part of the saved context (a call without an output would
    // be rejected by the service); the interrupted call, its reasoning and its synthetic output
    // follow in the first real turn, chained on the warm-up.
    expect(creates[0]!.generate).toBe(false);
    const firstTurn = creates[1]!;
    expect(firstTurn.previousResponseId).toBe(creates[0]!.responseId);
    const turnInput = JSON.stringify(firstTurn.body);
    expect(turnInput).toContain(callId);
    expect(turnInput).toContain(reasoningItem!.encrypted_content!);
    const sentOutputs = creates
      .flatMap((c) => ((c.body as { input?: unknown[] }).input ?? []) as Array<Record<string, unknown>>)
      .filter((i) => i['type'] === 'function_call_output' && i['call_id'] === callId);
    expect(sentOutputs.map((o) => o['output'])).toEqual([INTERRUPTED_OUTPUT]);

    // Give a surviving tool process (if any) time to append again, then check it ran once.
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(join(work, 'marker.txt'), 'utf8')).toBe('ran\n');
    const after = loadSessionFile(join(home, 'sessions', file!));
    expect(after.interrupted).toEqual([]);
    expect(after.ledger.find((e) => e.callId === callId)?.output).toBe(INTERRUPTED_OUTPUT);
    expect(after.prompts).toEqual(['deploy the app', 'status?']);
    expect(readFileSync(join(home, 'sessions', file!), 'utf8')).not.toContain(API_KEY);
  });
});

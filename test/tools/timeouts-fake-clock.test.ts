import { afterAll, describe, expect, it } from 'vitest';
import { type ExecResult, runProcess } from '../../src/tools/exec/run-process.js';
import { killAllToolProcesses } from '../../src/tools/index.js';
import { FakeClock } from '../../src/util/clock.js';
import { tempDir, testEnv } from './helpers.js';

afterAll(() => killAllToolProcesses('SIGKILL'));

const realWait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a real process whose timers run on a fake clock (R18: timeouts with fake timers). */
function start(command: string, timeoutMs: number, inactivityTimeoutMs = 300_000) {
  const clock = new FakeClock();
  let done: ExecResult | undefined;
  let spawned = false;
  const p = runProcess({
    file: 'bash',
    args: ['-c', command],
    cwd: tempDir(),
    env: testEnv() as Record<string, string>,
    timeoutMs,
    inactivityTimeoutMs,
    maxChars: 40_000,
    spillDir: tempDir(),
    toolName: 'shell',
    signal: new AbortController().signal,
    clock,
    onSpawn: () => {
      spawned = true;
    },
  }).then((r) => {
    done = r;
    return r;
  });
  return {
    clock,
    p,
    isDone: () => done !== undefined,
    isSpawned: () => spawned,
    /** Advances fake time in steps, giving the real process time to react between steps. */
    async settle(): Promise<ExecResult> {
      for (let i = 0; i < 100 && !done; i++) {
        await realWait(30);
        await clock.advance(100);
      }
      return p;
    },
  };
}

describe('timeouts on a fake clock', () => {
  it('sleep 1000 with the default timeout is killed at 120 s', async () => {
    const run = start('sleep 1000', 120_000);
    await realWait(100);
    expect(run.isSpawned()).toBe(true);
    await run.clock.advance(119_000);
    await realWait(200);
    expect(run.isDone()).toBe(false);
    await run.clock.advance(1_000);
    const r = await run.settle();
    expect(r.end).toBe('timeout');
  });

  it('a silent command with a 600 s timeout is killed at 300 s by the inactivity timeout', async () => {
    const run = start('sleep 1000', 600_000);
    await realWait(100);
    await run.clock.advance(299_000);
    await realWait(200);
    expect(run.isDone()).toBe(false);
    await run.clock.advance(1_000);
    const r = await run.settle();
    expect(r.end).toBe('inactivity');
  });

  it('a command printing every "minute" survives past 300 s and is killed at 600 s', async () => {
    const run = start('while true; do echo tick; sleep 0.05; done', 600_000);
    await realWait(100);
    for (let t = 0; t < 540_000; t += 60_000) {
      await run.clock.advance(60_000);
      await realWait(120); // real output arrives and re-arms the inactivity timer
      expect(run.isDone()).toBe(false);
    }
    await run.clock.advance(60_000);
    const r = await run.settle();
    expect(r.end).toBe('timeout');
    expect(r.output).toContain('tick');
  });
});

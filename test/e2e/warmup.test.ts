/**
 * Issue 14 §5 end to end: the built CLI against the simulator's warm-up switches — accepted
 * (the first request chains from it), refused (one round trip, remembered in state.json so the
 * next run sends none) and accepted-but-silent (the run does not wait for the 60 s idle timeout:
 * the turn goes out on a new socket after warmupWaitMs). Request counts are exact.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultSpec, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { parseJsonl, requireBuild, runTether, tempDir } from '../agent/cli-harness.js';

let sim: Simulator | undefined;
beforeAll(() => requireBuild());
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function simWith(faults: FaultSpec): Promise<Simulator> {
  sim = await startSimulator({ scenario: 'plain-answer', seed: 5, faults });
  return sim;
}
const warmups = (s: Simulator) => s.recorder.creates().filter((c) => c.generate === false);
const turns = (s: Simulator) => s.recorder.creates().filter((c) => c.generate !== false);

describe('the warm-up (e2e)', () => {
  it('accepted: one warm-up, the first request chains from it on the same socket', async () => {
    const s = await simWith({});
    // A loaded machine must not turn this into the abandoned case: the bound is not under test here.
    const r = await runTether(['-p', 'hi', '--base-url', s.url, '-C', tempDir('tether-e2e-warm-')], {
      env: { TETHER_WARMUP_WAIT_MS: '60000' },
    });
    expect(r.code).toBe(0);
    expect(warmups(s)).toHaveLength(1);
    expect(turns(s)).toHaveLength(1);
    expect(turns(s)[0]).toMatchObject({ previousResponseId: warmups(s)[0]!.responseId, connectionId: 1 });
    expect(s.connectionCount()).toBe(1);
  });

  it('refused: one round trip, no warning, remembered — the next run on this base URL + model sends none', async () => {
    const s = await simWith({ account: { refuseWarmup: true } });
    const home = tempDir('tether-e2e-warm-home-');
    const env = { TETHER_HOME: home, HOME: home };
    const args = ['-p', 'hi', '--json', '--base-url', s.url, '-C', tempDir('tether-e2e-warm-')];
    const first = await runTether(args, { env });
    expect(first.code).toBe(0);
    expect(parseJsonl(first.stdout).filter((l) => l.type === 'warning')).toHaveLength(0);
    expect(warmups(s)).toHaveLength(1);
    expect(warmups(s)[0]!.errorCode).toBe('unknown_parameter');
    expect(turns(s)).toHaveLength(1);
    expect(s.connectionCount()).toBe(1);
    expect(readFileSync(join(home, 'state.json'), 'utf8')).toContain('"generate"');

    s.recorder.clear();
    const second = await runTether(args, { env });
    expect(second.code).toBe(0);
    expect(warmups(s)).toHaveLength(0);
    expect(turns(s)).toHaveLength(1);

    // warmup=true set explicitly asks again.
    s.recorder.clear();
    const forced = await runTether(args, { env: { ...env, TETHER_WARMUP: 'true' } });
    expect(forced.code).toBe(0);
    expect(warmups(s)).toHaveLength(1);
  });

  it('accepted but never answered: the run completes long before the idle timeout, on a second socket', async () => {
    const s = await simWith({ account: { silentWarmup: true } });
    const r = await runTether(['-p', 'hi', '--base-url', s.url, '-C', tempDir('tether-e2e-warm-')], {
      env: { TETHER_WARMUP_WAIT_MS: '300', TETHER_STREAM_IDLE_TIMEOUT_MS: '120000' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('You said: hi');
    // Before: the turn queued behind the silent warm-up until the 120 s idle timeout. Generous bound.
    expect(r.durationMs).toBeLessThan(60_000);
    expect(warmups(s)).toHaveLength(1);
    expect(turns(s)).toHaveLength(1);
    expect(turns(s)[0]).toMatchObject({ previousResponseId: null, connectionId: 2 });
    expect(s.connectionCount()).toBe(2);
  });
});

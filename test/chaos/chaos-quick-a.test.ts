/**
 * Chaos, quick subset part A (seeds 1–100; part B runs 101–200): seeded sessions of 5–20 model
 * calls through the real agent runtime against the simulator with every fault mixed in (see
 * test/helpers/chaos-plan.ts), invariants checked after each (test/helpers/chaos-checks.ts).
 * Replay failing seeds with `CHAOS_SEED=<n>[,<m>…] npx vitest run test/chaos/chaos-quick-a`
 * (CHAOS_DEBUG=1 also prints every request and agent event; CHAOS_STRICT=1 fails on known
 * findings too).
 */
import { it } from 'vitest';
import { assertChaos, chaosSeeds, runChaos } from '../helpers/chaos-run.js';

it('100 seeded chaos sessions (1–100): every turn terminal, nothing run twice or lost, no leaks', async () => {
  const seeds = chaosSeeds(1, 100);
  const stats = await runChaos(seeds, { concurrency: 8 });
  assertChaos('chaos A', seeds, stats);
}, 240_000);

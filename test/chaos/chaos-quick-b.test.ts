/**
 * Chaos, quick subset part B (seeds 101–200); see chaos-quick-a.test.ts. Skipped when
 * `CHAOS_SEED` is set (part A replays the requested seeds).
 */
import { it } from 'vitest';
import { assertChaos, chaosSeeds, runChaos } from '../helpers/chaos-run.js';

it.skipIf(Boolean(process.env['CHAOS_SEED']))(
  '100 seeded chaos sessions (101–200): every invariant holds',
  async () => {
    const seeds = chaosSeeds(101, 100);
    const stats = await runChaos(seeds, { concurrency: 8 });
    assertChaos('chaos B', seeds, stats);
  },
  240_000,
);

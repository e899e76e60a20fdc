/**
 * The chaos soak (`npm run soak`, RELIABILITY R25): ≥ 2,000 seeded sessions of 5–20 model calls
 * with every fault mixed in, the same invariants as the quick subset, progress on stdout and the
 * final counts (sessions, faults injected by kind, turns completed, tool calls run, duplicates,
 * lost, leaks, heap growth) written to test/chaos/soak-latest.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { assertChaos, chaosSeeds, runChaos, summary } from '../helpers/chaos-run.js';

const SESSIONS = Number(process.env['CHAOS_SOAK_SESSIONS'] ?? 2000);
const START = Number(process.env['CHAOS_SOAK_START'] ?? 1_000_001);
const CONCURRENCY = Number(process.env['CHAOS_SOAK_CONCURRENCY'] ?? 8);

it(`chaos soak: ${SESSIONS} seeded sessions`, async () => {
  const seeds = chaosSeeds(START, SESSIONS);
  const t0 = Date.now();
  const stats = await runChaos(seeds, {
    concurrency: CONCURRENCY,
    onBatch: (done, s) => {
      const rate = done / ((Date.now() - t0) / 1000);
      console.log(
        `soak: ${done}/${seeds.length} sessions, ${s.turnsCompleted} turns, ${s.toolCallsRun} tool calls, ` +
          `dup=${s.duplicates} lost=${s.lost} leaks=${s.leaks} failing=${s.failingSeeds.length} (${rate.toFixed(1)}/s)`,
      );
    },
  });
  const report = {
    finishedAt: new Date().toISOString(),
    seeds: { first: seeds[0], last: seeds[seeds.length - 1], count: seeds.length },
    concurrency: CONCURRENCY,
    node: process.version,
    ...summary(stats),
    violations: stats.violations.slice(0, 50),
  };
  writeFileSync(join(import.meta.dirname, 'soak-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  assertChaos('soak', seeds, stats);
});

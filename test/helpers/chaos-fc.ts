/**
 * Shared fast-check settings for the fuzz suite. Every property runs with a fixed seed derived
 * from `FUZZ_SEED` (default 20261125) so a failure replays exactly; fast-check prints the seed
 * and the counterexample path on failure, and `FUZZ_RUNS_SCALE` multiplies the run counts.
 */
import fc, { type Parameters } from 'fast-check';

const BASE_SEED = Number(process.env['FUZZ_SEED'] ?? 20261125);
const SCALE = Number(process.env['FUZZ_RUNS_SCALE'] ?? 1);

/** Total fuzz cases requested by properties in this worker (for the ≥10,000 budget check). */
export const fuzzBudget = { requested: 0 };

/**
 * fast-check parameters for one property: `numRuns` cases (scaled by `FUZZ_RUNS_SCALE`) and a
 * seed that differs per property (`salt`) but is stable across runs.
 */
export function fuzzParams<T>(numRuns: number, salt: number): Parameters<T> {
  const runs = Math.max(1, Math.round(numRuns * SCALE));
  fuzzBudget.requested += runs;
  return { numRuns: runs, seed: (BASE_SEED + salt * 7919) | 0, endOnFailure: true };
}

/**
 * Arbitrary text of up to `maxLength` code points: mostly ASCII (so structure characters show
 * up often), plus any code point including lone surrogates and NUL. Much faster to generate
 * than fast-check's `unit: 'binary'` strings.
 */
export function anyText(maxLength: number): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0x10ffff })), { maxLength })
    .map((cps) => String.fromCodePoint(...cps));
}

import { defineConfig } from 'vitest/config';

/**
 * `npm run soak`: the long chaos soak (≥ 2,000 seeded sessions, test/chaos/*.soak.ts). Counts are
 * printed and written to test/chaos/soak-latest.json. `CHAOS_SOAK_SESSIONS`, `CHAOS_SOAK_START`
 * and `CHAOS_SOAK_CONCURRENCY` tune the run; a failing seed replays with `CHAOS_SEED=<n>`.
 */
export default defineConfig({
  define: { __TETHER_VERSION__: JSON.stringify(process.env.npm_package_version ?? '0.0.0-test') },
  test: {
    include: ['test/chaos/**/*.soak.ts'],
    pool: 'forks',
    // A real full GC between chunks makes the heap-growth bound meaningful.
    execArgv: ['--expose-gc'],
    testTimeout: 4 * 60 * 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});

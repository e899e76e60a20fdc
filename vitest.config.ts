import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig } from 'vitest/config';

// src/ui/ink-output.ts wraps Ink's internal output grid (see scripts/ink-output-plugin.mjs).
const inkOutput = join(dirname(createRequire(import.meta.url).resolve('ink')), 'output.js');

export default defineConfig({
  resolve: { alias: { 'ink-internal-output': inkOutput } },
  define: { __TETHER_VERSION__: JSON.stringify(process.env.npm_package_version ?? '0.0.0-test') },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/setup/env.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});

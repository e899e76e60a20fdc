#!/usr/bin/env node
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// Benchmark entry (`npm run bench` = build, then this). The harness is TypeScript under
// bench/harness/ (type-checked with the rest of the repo); esbuild bundles it here into
// bench/results/tmp/ (git-ignored) so it runs on plain Node without a TS loader.
//
// Flags: --quick (tiny configuration, used by the smoke test), --out <dir> (default
// bench/results), --only <section,…>, --skip <section,…>, --no-codex.
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const tmp = join(here, 'results', 'tmp');
mkdirSync(tmp, { recursive: true });
const outfile = join(tmp, `harness-${process.pid}.mjs`);
await build({
  entryPoints: [join(here, 'harness', 'main.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  define: { __TETHER_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
const { main } = await import(pathToFileURL(outfile).href);
const code = await main(process.argv.slice(2), { root, tmpDir: tmp, bundleFile: outfile });
process.exit(code);

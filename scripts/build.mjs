// Bundles src/ into dist/ with esbuild. Dependencies stay external (installed from npm), and
// code splitting keeps each mode (interactive UI, simulator, print) in its own lazily imported
// chunk, so `tether --version` loads none of React, Ink or ws.
import { build } from 'esbuild';
import { rmSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { 'cli/main': 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  define: { __TETHER_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});

// The simulator's scenarios and the demo project ship inside dist/ (fixtures/ is not published).
import { cpSync, existsSync } from 'node:fs';
for (const sub of ['scenarios', 'demo']) {
  const from = new URL(`../fixtures/${sub}`, import.meta.url);
  if (existsSync(from)) cpSync(from, new URL(`../dist/fixtures/${sub}`, import.meta.url), { recursive: true });
}

#!/usr/bin/env node
// `npm run bench:mcp`: per-call overhead of tether's MCP path over the bare SDK client, against
// server-everything over stdio (see bench/harness/mcp-overhead.ts). Prints one JSON object.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const tmp = join(here, 'results', 'tmp');
mkdirSync(tmp, { recursive: true });
const outfile = join(tmp, `mcp-${process.pid}.mjs`);
await build({
  entryPoints: [join(here, 'harness', 'mcp-overhead.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const calls = Number(process.argv.find((a) => a.startsWith('--calls='))?.slice(8) ?? 300);
const { main } = await import(pathToFileURL(outfile).href);
const server = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const r = await main({ server, calls });
const fmt = (x) => (Number.isInteger(x) ? x : Math.round(x * 1000) / 1000);
console.log(JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, fmt(v)])), null, 2));
console.log(
  `per-call overhead (median): ${fmt(r.overhead_median_ms)} ms — target <= 2 ms: ${r.overhead_median_ms <= 2 ? 'met' : 'NOT met'}`,
);

#!/usr/bin/env node
// Startup benchmark: median wall time of `tether --version` and `tether --help` against
// `node -e 0` over N runs (default 25), sequential, same machine, one run. Prints a table and,
// with --json, a JSON object (used by bench/run.mjs).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.env.BENCH_RUNS ?? 25);
const bin = resolve(fileURLToPath(import.meta.url), '../../bin/tether.js');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(args) {
  const xs = [];
  spawnSync(process.execPath, args); // warm the file cache
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, {
      env: { ...process.env, TETHER_HOME: '/tmp/tether-bench-home' },
    });
    const t1 = process.hrtime.bigint();
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    xs.push(Number(t1 - t0) / 1e6);
  }
  return median(xs);
}

const base = time(['-e', '0']);
const version = time([bin, '--version']);
const help = time([bin, '--help']);
const result = {
  runs,
  node_e0_ms: +base.toFixed(1),
  version_ms: +version.toFixed(1),
  help_ms: +help.toFixed(1),
  version_ratio: +(version / base).toFixed(2),
  help_ratio: +(help / base).toFixed(2),
  version_target_met: version <= 1.5 * base,
};
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  console.log(`startup, median of ${runs} runs`);
  console.log(`  node -e 0          ${result.node_e0_ms} ms`);
  console.log(
    `  tether --version   ${result.version_ms} ms  (${result.version_ratio}x; target <= 1.5x: ${result.version_target_met ? 'met' : 'NOT met'})`,
  );
  console.log(`  tether --help      ${result.help_ms} ms  (${result.help_ratio}x)`);
}

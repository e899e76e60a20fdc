#!/usr/bin/env node
// PID-namespace benchmark (issue 13 §8): what running an unsandboxed command in its own PID
// namespace (src/platform/pid-namespace.ts) adds per command. Runs `echo hi` through tether's own
// runProcess, plainly and wrapped, interleaved, and prints the median wall time of each, the
// difference, and the children's CPU time per command (/proc/self/stat cutime+cstime, less
// sensitive to a loaded machine than wall time).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const runs = Number(process.env.BENCH_RUNS ?? 40);
const dir = mkdtempSync(join(tmpdir(), 'tether-bench-pidns-'));
const out = join(dir, 'pidns.mjs');
await build({
  stdin: {
    contents: `export * from ${JSON.stringify(join(root, 'src/platform/pid-namespace.ts'))};
export { runProcess } from ${JSON.stringify(join(root, 'src/tools/exec/run-process.ts'))};
export { realClock } from ${JSON.stringify(join(root, 'src/util/clock.ts'))};`,
    resolveDir: root,
    loader: 'ts',
  },
  outfile: out,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const m = await import(out);

const probe = await m.probePidNamespace();
if (!probe.ok) {
  console.log(`pidns: no PID namespace here (${probe.reason}); nothing to measure`);
  process.exit(0);
}

function childTicks() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return Number(f[13]) + Number(f[14]); // cutime + cstime (fields 16, 17)
}

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
async function once(ns) {
  const w = m.wrapInPidNamespace(ns, 'echo', ['hi'], env);
  const t0 = process.hrtime.bigint();
  const r = await m.runProcess({
    file: w.file,
    args: w.args,
    cwd: dir,
    env,
    timeoutMs: 10_000,
    inactivityTimeoutMs: 10_000,
    maxChars: 10_000,
    spillDir: dir,
    toolName: 'bench',
    signal: new AbortController().signal,
    clock: m.realClock,
    drainMs: 0,
  });
  if (r.output.trim() !== 'hi') throw new Error(`unexpected output ${JSON.stringify(r.output)}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};
const plain = [];
const wrapped = [];
let plainTicks = 0;
let wrappedTicks = 0;
for (let i = 0; i < 3; i++) await once(probe.ns); // warm the page cache
for (let i = 0; i < runs; i++) {
  let t = childTicks();
  plain.push(await once(null));
  plainTicks += childTicks() - t;
  t = childTicks();
  wrapped.push(await once(probe.ns));
  wrappedTicks += childTicks() - t;
}
const tick = 1000 / 100; // USER_HZ is 100 on Linux
const fmt = (x) => x.toFixed(2);
console.log(`pidns: ${runs} runs of \`echo hi\` via runProcess (load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
console.log(`  median wall: plain ${fmt(median(plain))} ms, in a PID namespace ${fmt(median(wrapped))} ms, overhead ${fmt(median(wrapped) - median(plain))} ms`);
console.log(`  children CPU per command: plain ${fmt((plainTicks * tick) / runs)} ms, in a PID namespace ${fmt((wrappedTicks * tick) / runs)} ms`);

#!/usr/bin/env node
// Classifier benchmark: what the bash parser (web-tree-sitter + tree-sitter-bash, loaded lazily)
// costs. Bundles src/policy/command-safety.ts with esbuild, then measures in fresh processes the
// first classification (parser load + parse) and, in one process, the median of later ones.
// Nothing here runs at startup: `tether --version`/`--help` never load the parser (bundle test).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const out = join(mkdtempSync(join(tmpdir(), 'tether-bench-cls-')), 'cls.mjs');
await build({
  entryPoints: [join(root, 'src/policy/command-safety.ts')],
  outfile: out,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // Resolve the .wasm files from the checkout's node_modules (the bundle lives in /tmp).
  define: { 'import.meta.url': JSON.stringify(`file://${join(root, 'src/policy/shell-parser.ts')}`) },
});

const COMMANDS = [
  'ls -la',
  "grep -rn 'TODO' src | head -n 20",
  'npm test -- --watch',
  "find . -name '*.ts' -not -path '*/node_modules/*' | xargs wc -l",
  'for f in a b; do rm -rf "$f"; done',
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const probe = `
const t0 = performance.now();
const { classifyCommand } = await import(${JSON.stringify(out)});
const t1 = performance.now();
await classifyCommand(${JSON.stringify(COMMANDS[1])});
const t2 = performance.now();
const later = [];
for (let i = 0; i < 200; i++) {
  const s = performance.now();
  await classifyCommand(${JSON.stringify(COMMANDS)}[i % ${COMMANDS.length}]);
  later.push(performance.now() - s);
}
later.sort((a, b) => a - b);
console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, laterMedianMs: later[100], laterP95Ms: later[190] }));
`;
const firsts = [];
const imports = [];
const laters = [];
const p95s = [];
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const m = JSON.parse(r.stdout);
  imports.push(m.importMs);
  firsts.push(m.firstMs);
  laters.push(m.laterMedianMs);
  p95s.push(m.laterP95Ms);
}
const result = {
  runs,
  module_import_ms: +median(imports).toFixed(2),
  first_classification_ms: +median(firsts).toFixed(2),
  later_classification_median_ms: +median(laters).toFixed(3),
  later_classification_p95_ms: +median(p95s).toFixed(3),
};
// The file-system check of a known-safe command's path arguments (policy/path-reach.ts), in this
// process: a workspace with a source file and a planted `p -> /proc` link.
{
  const { mkdirSync, realpathSync, symlinkSync, writeFileSync } = await import('node:fs');
  const reachOut = join(mkdtempSync(join(tmpdir(), 'tether-bench-reach-')), 'reach.mjs');
  await build({
    entryPoints: [join(root, 'src/policy/path-reach.ts')],
    outfile: reachOut,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  const { pathReachProblem } = await import(reachOut);
  const ws = realpathSync(mkdtempSync(join(tmpdir(), 'tether-bench-reach-ws-')));
  mkdirSync(join(ws, 'src'));
  writeFileSync(join(ws, 'src', 'a.ts'), 'x\n');
  symlinkSync('/proc', join(ws, 'p'));
  const argvs = [
    [['grep', '-rn', 'TODO', 'src'], ['head', '-n', '20']],
    [['grep', '-r', 'KEY', 'p']],
    [['find', '.', '-name', '*.ts', '-not', '-path', '*/node_modules/*'], ['wc', '-l']],
  ];
  const times = [];
  for (let i = 0; i < 3000; i++) {
    const s = performance.now();
    pathReachProblem(argvs[i % argvs.length], { cwd: ws, workspace: ws });
    if (i >= 300) times.push(performance.now() - s);
  }
  result.path_check_median_ms = +median(times).toFixed(3);
}
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else {
  console.log(`classifier (median of ${runs} fresh processes; load: ${(await import('node:os')).loadavg()[0].toFixed(1)})`);
  for (const [k, v] of Object.entries(result)) if (k !== 'runs') console.log(`  ${k.padEnd(34)} ${v}`);
}

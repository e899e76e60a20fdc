/**
 * The benchmark harness (bundled and started by bench/run.mjs). Runs every section in order,
 * never lets one section's failure stop the others, and writes latest.md / latest.json.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../../src/util/version.js';
import { removeScratch } from './cli-run.js';
import { FULL, type Profile, QUICK } from './config.js';
import type { Section, SectionContext } from './context.js';
import type { HarnessPaths } from './load-src.js';
import { loadAvg1, machineInfo } from './machine.js';
import { type BenchResults, type SectionResult, writeResults } from './report.js';
import { SECTIONS } from './sections/index.js';
import { evaluateTargets, type Verdict } from './targets.js';

/** Parsed command line of bench/run.mjs. */
export interface BenchArgs {
  profile: Profile;
  outDir: string;
  only?: string[];
  skip: string[];
}

/** Parses `--quick`, `--out <dir>`, `--only a,b`, `--skip a,b`, `--no-codex`. */
export function parseArgs(argv: string[], root: string): BenchArgs {
  let profile: Profile = FULL;
  let outDir = join(root, 'bench', 'results');
  let only: string[] | undefined;
  const skip: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') profile = QUICK;
    else if (a === '--out') outDir = next();
    else if (a === '--only') only = next().split(',');
    else if (a === '--skip') skip.push(...next().split(','));
    else if (a === '--no-codex') skip.push('codex');
    else throw new Error(`unknown flag ${a}`);
  }
  return { profile, outDir, skip, ...(only ? { only } : {}) };
}

function selected(s: Section, args: BenchArgs): boolean {
  if (args.only && !args.only.includes(s.id)) return false;
  return !args.skip.includes(s.id);
}

/** Entry point; returns the process exit code (0 even when targets are missed: these are figures). */
export async function main(argv: string[], env: HarnessPaths & { bundleFile: string }): Promise<number> {
  const args = parseArgs(argv, env.root);
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const loadAvgStart = loadAvg1();
  const log = (m: string): void => {
    process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);
  };
  const ctx: SectionContext = {
    paths: { root: env.root, tmpDir: env.tmpDir },
    profile: args.profile,
    log,
    figures: new Map(),
  };
  const sections: SectionResult[] = [];
  const verdicts = new Map<string, Verdict>();
  const errors = new Map<string, string>();
  for (const s of SECTIONS) {
    if (!selected(s, args)) {
      errors.set(s.id, 'skipped in this run');
      continue;
    }
    log(`${s.name}…`);
    const st = performance.now();
    try {
      const out = await s.run(ctx);
      ctx.figures.set(s.id, out.figures);
      for (const [id, v] of Object.entries(out.verdicts ?? {})) verdicts.set(id, v);
      sections.push({
        name: s.name,
        ok: true,
        durationMs: performance.now() - st,
        figures: out.figures,
        tables: out.tables ?? [],
        notes: out.notes ?? [],
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errors.set(s.id, message);
      sections.push({
        name: s.name,
        ok: false,
        error: message,
        durationMs: performance.now() - st,
        figures: {},
        tables: [],
        notes: [],
      });
      log(`  ${s.id} not measured: ${message}`);
    }
    log(`  done in ${((performance.now() - st) / 1000).toFixed(1)} s`);
  }
  const results: BenchResults = {
    tool: 'tether-code bench',
    version: VERSION,
    startedAt,
    profile: args.profile.name,
    durationMs: performance.now() - t0,
    machine: { ...machineInfo(), loadAvgStart, loadAvgEnd: loadAvg1() },
    targets: evaluateTargets(verdicts, errors),
    sections,
  };
  removeScratch();
  for (const f of readdirSync(env.tmpDir))
    if (f.includes(`-${process.pid}.`)) rmSync(join(env.tmpDir, f), { force: true });
  const files = writeResults(args.outDir, results);
  for (const t of results.targets)
    log(
      `${t.status.padEnd(12)} ${t.label}: ${t.measured}${t.note && t.status !== 'met' ? ` (${t.note})` : ''}`,
    );
  log(`wrote ${files.md} and ${files.json}`);
  return 0;
}

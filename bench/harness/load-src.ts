/**
 * Loads tether's TypeScript modules in-process for the fine-grained benchmarks. The parts under
 * measurement are written concurrently with the harness, so a module is located by the symbol
 * it exports (not a fixed path), bundled with esbuild into bench/results/tmp/, and imported.
 * A missing module is an ordinary error that the section reports as "not measured".
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the harness runs: repository root and scratch folder. */
export interface HarnessPaths {
  root: string;
  tmpDir: string;
}

const cache = new Map<string, Promise<Record<string, unknown>>>();

/** First `.ts` file under `dir` (relative to root, recursive one level) exporting `symbol`. */
export function findExporter(root: string, dir: string, symbol: string): string | undefined {
  const abs = join(root, dir);
  if (!existsSync(abs)) return undefined;
  const pattern = new RegExp(
    `export\\s+(?:async\\s+)?(?:function\\*?|const|let|class)\\s+${symbol}\\b|export\\s*\\{[^}]*\\b${symbol}\\b`,
  );
  const files: string[] = [];
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    if (entry.isFile() && /\.tsx?$/.test(entry.name)) files.push(join(abs, entry.name));
  }
  // index/create files first: they are the intended public entry points.
  files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const f of files) if (pattern.test(readFileSync(f, 'utf8'))) return relative(root, f);
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const hit = findExporter(root, join(dir, entry.name), symbol);
      if (hit) return hit;
    }
  }
  return undefined;
}

function rank(f: string): number {
  if (/\/index\.tsx?$/.test(f)) return 0;
  if (/\/(create|server|controller)\.tsx?$/.test(f)) return 1;
  return 2;
}

async function bundle(paths: HarnessPaths, file: string): Promise<Record<string, unknown>> {
  const { build } = await import('esbuild');
  const pkg = JSON.parse(readFileSync(join(paths.root, 'package.json'), 'utf8')) as { version: string };
  const outfile = join(paths.tmpDir, `src-${file.replace(/[^A-Za-z0-9]+/g, '_')}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(paths.root, file)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    define: { __TETHER_VERSION__: JSON.stringify(pkg.version) },
    logLevel: 'silent',
  });
  return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
}

/**
 * The export `symbol` of the first module under `dir` that declares it, as a function.
 * Throws `not landed: …` when no module exports it yet.
 */
export async function loadExport<F>(paths: HarnessPaths, dir: string, symbol: string): Promise<F> {
  const file = findExporter(paths.root, dir, symbol);
  if (!file) throw new Error(`not landed: no module under ${dir}/ exports ${symbol}`);
  let mod = cache.get(file);
  if (!mod) {
    mod = bundle(paths, file);
    cache.set(file, mod);
  }
  const value = (await mod)[symbol];
  if (typeof value !== 'function') throw new Error(`${file} does not export a function ${symbol}`);
  return value as F;
}

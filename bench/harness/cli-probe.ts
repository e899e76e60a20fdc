/** Builds the CLI preload probe (cli-probe-entry.ts) and reads what it recorded. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HarnessPaths } from './load-src.js';
import type { FrameMark } from './ws-probe.js';

let built: Promise<string> | undefined;

/** The `file:` URL of the bundled probe (built once per run, next to the harness bundle). */
export function probeUrl(paths: HarnessPaths): Promise<string> {
  built ??= (async () => {
    const { build } = await import('esbuild');
    const outfile = join(paths.tmpDir, `cli-probe-${process.pid}.mjs`);
    await build({
      entryPoints: [join(paths.root, 'bench', 'harness', 'cli-probe-entry.ts')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    return pathToFileURL(outfile).href;
  })();
  return built;
}

let builtCli: Promise<string> | undefined;

/**
 * The CLI entry used with the probe: the release bundle inlines `ws`, so the probe could not
 * see its frames; this build of the same source keeps packages external (resolved from the
 * repo's node_modules), so the CLI and the probe share one `ws` module instance.
 */
export function probeCliEntry(paths: HarnessPaths): Promise<string> {
  builtCli ??= (async () => {
    const { build } = await import('esbuild');
    const { readFileSync: read } = await import('node:fs');
    const pkg = JSON.parse(read(join(paths.root, 'package.json'), 'utf8')) as { version: string };
    const outdir = join(paths.tmpDir, `probe-cli-${process.pid}`);
    await build({
      entryPoints: { 'cli/main': join(paths.root, 'src', 'cli', 'main.ts') },
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      define: { __TETHER_VERSION__: JSON.stringify(pkg.version) },
      logLevel: 'silent',
    });
    return join(outdir, 'cli', 'main.js');
  })();
  return builtCli;
}

/** Marks written by the probe, or [] when the file is missing. */
export function readProbe(file: string): FrameMark[] {
  if (!existsSync(file)) return [];
  return JSON.parse(readFileSync(file, 'utf8')) as FrameMark[];
}

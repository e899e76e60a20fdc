// Bundles src/ and its runtime dependencies into dist/ with esbuild. Code splitting keeps each
// mode (interactive UI, simulator, print, config…) in its own lazily imported chunk, so
// `tether --version` loads nothing but dist/cli/main.js. Dependencies are bundled too: loading
// Ink and its many small ESM packages file by file cost ~0.7 s before the first frame; one
// chunk loads in ~0.25 s.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inkOutputPlugin } from './ink-output-plugin.mjs';

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
  // Ink imports react-devtools-core only when DEV is set; it is not a dependency of ours.
  // @lydell/node-pty loads a native binary from its per-platform package: it stays a runtime
  // dependency resolved from node_modules (imported lazily, only for tty exec sessions).
  external: ['react-devtools-core', '@lydell/node-pty'],
  // CommonJS dependencies (react, ws…) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __tetherRequire } from 'node:module'; const require = __tetherRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  define: { __TETHER_VERSION__: JSON.stringify(pkg.version) },
  // Ink's output grid with memoized rows (src/ui/ink-output.ts).
  plugins: [inkOutputPlugin()],
  logLevel: 'warning',
});

// The simulator's scenarios and the demo project ship inside dist/ (fixtures/ is not published).
for (const sub of ['scenarios', 'demo']) {
  const from = new URL(`../fixtures/${sub}`, import.meta.url);
  if (existsSync(from)) cpSync(from, new URL(`../dist/fixtures/${sub}`, import.meta.url), { recursive: true });
}

// The bash parser (web-tree-sitter + tree-sitter-bash, both WebAssembly) is loaded from dist/wasm
// by src/policy/shell-parser.ts the first time a command is classified.
const require = createRequire(import.meta.url);
mkdirSync(new URL('../dist/wasm', import.meta.url), { recursive: true });
for (const [file, from] of [
  ['web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm'],
  ['tree-sitter-bash.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm'],
]) {
  cpSync(require.resolve(from), new URL(`../dist/wasm/${file}`, import.meta.url));
}

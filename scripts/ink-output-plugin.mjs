// esbuild plugin: Ink's renderer gets tether's row-memoizing output grid (src/ui/ink-output.ts)
// instead of its own `./output.js`, which that module wraps (imported as `ink-internal-output`),
// a `widest-line` that memoizes each line's width (src/ui/ink-widest-line.ts), and a
// `measureText` whose cache is bounded (src/ui/ink-measure-text.ts; Ink's keeps every text), and
// for Ink's renderer an `ansi-escapes` whose `clearTerminal` keeps the scrollback
// (src/ui/ink-overflow.ts). Used by scripts/build.mjs and bench/render.mjs; vitest.config.ts
// maps the specifier for tests.
// The build fails if Ink stops importing `./output.js` from its renderer or `ansi-escapes` from
// ink.js (a swap would silently be lost), so an Ink upgrade that changes its internals is noticed.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
/** Ink's own output.js. */
export const inkOutputPath = join(dirname(require.resolve('ink')), 'output.js');
const ours = new URL('../src/ui/ink-output.ts', import.meta.url).pathname;
const widestLine = new URL('../src/ui/ink-widest-line.ts', import.meta.url).pathname;
const measureText = new URL('../src/ui/ink-measure-text.ts', import.meta.url).pathname;
const overflow = new URL('../src/ui/ink-overflow.ts', import.meta.url).pathname;

/** The plugin (see the file's comment). */
export function inkOutputPlugin() {
  return {
    name: 'tether-ink-output',
    setup(build) {
      let swapped = 0;
      let escapes = 0;
      build.onStart(() => {
        swapped = 0;
        escapes = 0;
      });
      build.onResolve({ filter: /^\.\/output\.js$/ }, (args) => {
        if (!/[\\/]ink[\\/]build[\\/]renderer\.js$/.test(args.importer)) return undefined;
        swapped++;
        return { path: ours };
      });
      build.onResolve({ filter: /^ink-internal-output$/ }, () => ({ path: inkOutputPath }));
      // Ink's renderer (and its text measuring) measure every line of every text on each frame.
      build.onResolve({ filter: /^\.\/measure-text\.js$/ }, (args) =>
        /[\\/]ink[\\/]build[\\/]dom\.js$/.test(args.importer) ? { path: measureText } : undefined,
      );
      // Ink's renderer clears the screen and the scrollback when a frame was as tall as the
      // terminal; its `ansi-escapes` gets a `clearTerminal` that erases the visible rows only.
      build.onResolve({ filter: /^ansi-escapes$/ }, (args) => {
        if (!/[\\/]ink[\\/]build[\\/]ink\.js$/.test(args.importer)) return undefined;
        escapes++;
        return { path: overflow };
      });
      build.onResolve({ filter: /^widest-line$/ }, (args) =>
        /[\\/]ink[\\/]build[\\/]/.test(args.importer) ? { path: widestLine } : undefined,
      );
      build.onEnd((result) => {
        if (result.errors.length === 0 && escapes === 0)
          return {
            errors: [
              {
                text: "ink/build/ink.js no longer imports 'ansi-escapes': update scripts/ink-output-plugin.mjs and src/ui/ink-overflow.ts for this Ink version",
              },
            ],
          };
        if (result.errors.length === 0 && swapped === 0)
          return {
            errors: [
              {
                text: "ink/build/renderer.js no longer imports './output.js': update scripts/ink-output-plugin.mjs and src/ui/ink-output.ts for this Ink version",
              },
            ],
          };
        return undefined;
      });
    },
  };
}

// Ink's internal output grid (ink/build/output.js), which Ink's package exports do not expose. The
// specifier is resolved by scripts/ink-output-plugin.mjs (bundles) and vitest.config.ts (tests);
// only src/ui/ink-output.ts imports it.
declare module 'ink-internal-output' {
  export default class Output {
    constructor(options: { width: number; height: number });
    write(
      x: number,
      y: number,
      text: string,
      options: { transformers: Array<(line: string, index: number) => string> },
    ): void;
    clip(clip: {
      x1: number | undefined;
      x2: number | undefined;
      y1: number | undefined;
      y2: number | undefined;
    }): void;
    unclip(): void;
    get(): { output: string; height: number };
  }
}

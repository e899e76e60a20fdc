/**
 * Code blocks in rendered markdown: a known language is highlighted; untagged code, an unknown
 * language and a fence line still arriving ("```t") are shown in the code style without running
 * highlight.js's auto-detection (every grammar, on every frame of a streaming block) and without
 * its "Could not find the language" console.error, which would land on the screen.
 */
import chalk from 'chalk';
import hljs from 'highlight.js';
import stripAnsi from 'strip-ansi';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderMarkdown } from '../../src/ui/markdown/render.js';

describe('code blocks', () => {
  let level: typeof chalk.level;
  beforeEach(() => {
    level = chalk.level;
    chalk.level = 3; // a colour terminal (the tests run with NO_COLOR)
  });
  afterEach(() => {
    chalk.level = level;
    vi.restoreAllMocks();
  });

  it('highlights a known language, also with more words in the info string', () => {
    const highlight = vi.spyOn(hljs, 'highlight');
    for (const src of ['```ts\nconst a = 1;\n```', '```ts title="x.ts"\nconst a = 1;\n```']) {
      expect(stripAnsi(renderMarkdown(src, 80))).toBe('  const a = 1;');
    }
    expect(highlight).toHaveBeenCalledTimes(2);
    for (const call of highlight.mock.calls) expect(call[1]).toMatchObject({ language: 'ts' });
  });

  it('untagged, unknown and half-typed languages: the code style, no auto-detection, nothing on the console', () => {
    const auto = vi.spyOn(hljs, 'highlightAuto');
    const highlight = vi.spyOn(hljs, 'highlight');
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const src of [
      '```\nfoo()\nbar\n```',
      '```',
      '```t\nlet x',
      '```mermaid\ngraph TD\n```',
      'Para.\n\n    indented code\n',
    ]) {
      const out = renderMarkdown(src, 80);
      for (const word of ['foo()', 'let x', 'graph TD', 'indented code'].filter((w) => src.includes(w)))
        expect(out).toContain(chalk.yellow(word));
    }
    expect(renderMarkdown('```\nfoo()\nbar\n```', 80)).toBe(
      `  ${chalk.yellow('foo()\nbar').split('\n').join('\n  ')}`,
    );
    expect(auto).not.toHaveBeenCalled();
    expect(highlight).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it('without colours the code is plain and indented', () => {
    chalk.level = 0;
    expect(renderMarkdown('```\nfoo()\n```', 80)).toBe('  foo()');
    expect(renderMarkdown('```ts\nconst a = 1;\n```', 80)).toBe('  const a = 1;');
  });
});

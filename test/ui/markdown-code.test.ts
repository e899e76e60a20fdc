/**
 * Code blocks in rendered markdown: a known language is highlighted; untagged code, an unknown
 * language and a fence line still arriving ("```t") are shown in the code style without running
 * highlight.js's auto-detection (every grammar, on every frame of a streaming block) and without
 * its "Could not find the language" console.error, which would land on the screen. The fast
 * highlighter colours exactly as cli-highlight (which marked-terminal used) does.
 */
import chalk from 'chalk';
import { highlight as cliHighlight, DEFAULT_THEME } from 'cli-highlight';
import hljs from 'highlight.js';
import stripAnsi from 'strip-ansi';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { highlightCode } from '../../src/ui/markdown/highlight.js';
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

describe('highlightCode', () => {
  // cli-highlight colours with its own chalk (4); its theme's styles share that instance.
  const style = DEFAULT_THEME.keyword as unknown as { level: number };
  let level: number;
  beforeEach(() => {
    level = style.level;
    style.level = 3;
  });
  afterEach(() => {
    style.level = level;
  });

  const samples: Array<[string, string]> = [
    [
      'ts',
      'export function f<T>(a: T[]): number {\n  return a.filter((x) => x !== null && `$\u007Bx}` > "b").length; // done\n}',
    ],
    ['js', "const re = /a&b<c>/g;\nlet s = 'it\\'s' + \"q\" + `t$\u007B1 + 2}`;\n/* multi\n line */"],
    [
      'python',
      'def f(x: int) -> str:\n    """doc & <stuff>"""\n    return f"{x!r}" if x > 0 else None\n@decorator\nclass A(B): pass',
    ],
    ['bash', 'for f in *.ts; do echo "$f" && grep -n \'x\' "$f" | head -1 > /dev/null; done\n# comment'],
    ['json', '{"a": [1, 2.5, true, null], "b": {"c": "d&e"}}'],
    [
      'html',
      '<div class="x" onclick="go(1 < 2)"><style>a { color: red; }</style><script>let a = 1 && 2;</script>&amp;</div>',
    ],
    ['diff', '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-old\n+new\n context'],
    ['sql', "SELECT a, COUNT(*) FROM t WHERE b <> 'x' AND c > 2 GROUP BY a;"],
    ['rust', 'fn main() { let v: Vec<u8> = vec![1, 2]; println!("{:?}", v); }'],
    ['go', 'package main\nimport "fmt"\nfunc main() { fmt.Println(`raw`) }'],
    ['markdown', '# Title\n\n```js\nlet a = 1;\n```\n\n- **b** _c_ [d](e)'],
    ['ts', ''],
    ['ts', 'const 漢字 = "🙂 é";\n\tindented();'],
  ];

  it('colours exactly as cli-highlight does', () => {
    for (const [language, code] of samples)
      expect(highlightCode(code, language), `${language}: ${code}`).toBe(cliHighlight(code, { language }));
    // The colours are really on in this test.
    expect(highlightCode('const a = 1;', 'ts')).toContain('\x1b[');
  });
});

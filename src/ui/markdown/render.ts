/**
 * Markdown → ANSI text for the transcript (marked + marked-terminal; code blocks highlighted by
 * cli-highlight through marked-terminal). Pure string in, string out, so it is usable from the
 * store, the components and the render benchmark alike.
 */
import chalk from 'chalk';
import { Marked, type Tokens } from 'marked';
import { markedTerminal } from 'marked-terminal';
import { sanitizeText } from '../sanitize.js';
import { highlightCode, supportsLanguage } from './highlight.js';

const instances = new Map<number, Marked>();

function instance(width: number): Marked {
  let m = instances.get(width);
  if (!m) {
    m = new Marked(
      markedTerminal({ width, reflowText: false, showSectionPrefix: false, tab: 2, emoji: false }),
    );
    // marked-terminal 7 prints list-item text tokens raw under marked 15 ("**Bug:**" stays
    // literal); render their inline children instead. `false` falls back to its renderer.
    m.use({
      renderer: {
        text(token) {
          return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
        },
        code: codeBlock,
      },
    });
    instances.set(width, m);
  }
  return m;
}

/**
 * A fenced or indented code block, laid out as marked-terminal lays it out (indented by its `tab`
 * of 2, no colours without a colour terminal), highlighted by `highlight.ts` (marked-terminal's
 * colours, faster). marked-terminal handed any info string to highlight.js: without one it ran
 * language auto-detection (every grammar tried: the first call compiles them all, ~0.6 s, then
 * 10–30 ms per call, on every frame of a streaming block), and an unknown name (a fence line still
 * arriving, "```t", or "```mermaid") made highlight.js print "Could not find the language"
 * through console.error, onto the screen. So only the info string's first word is used, and only
 * when highlight.js knows it; other code gets marked-terminal's code style (as when highlighting
 * fails).
 */
function codeBlock(token: Tokens.Code): string {
  const code = token.text.replace(CONTROL_CHARS, '');
  const lang = (token.lang ?? '').trim().split(/\s+/)[0] ?? '';
  let text = code;
  if (chalk.level > 0) {
    try {
      text = lang && supportsLanguage(lang) ? highlightCode(code, lang) : chalk.yellow(code);
    } catch {
      text = chalk.yellow(code);
    }
  }
  return text === '' ? '\n\n' : `  ${text.split('\n').join('\n  ')}\n\n`;
}

// What marked-terminal strips from code before highlighting it (tabs and newlines stay).
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Renders a markdown block to terminal text at `width` columns. Trailing blank lines are trimmed
 * (the transcript adds its own spacing). Never throws: on a renderer error the source is shown.
 */
export function renderMarkdown(source: string, width = 100): string {
  if (source.trim() === '') return '';
  try {
    // Model text is untrusted: no raw escape sequences reach the terminal (styling is added after).
    const out = instance(Math.max(20, width)).parse(sanitizeText(source), { async: false });
    return (typeof out === 'string' ? out : source).replace(/\t/g, '    ').replace(/\s+$/, '');
  } catch {
    return sanitizeText(source).replace(/\s+$/, '');
  }
}

/**
 * Markdown → ANSI text for the transcript (marked + marked-terminal; code blocks highlighted by
 * cli-highlight through marked-terminal). Pure string in, string out, so it is usable from the
 * store, the components and the render benchmark alike.
 */
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';
import { sanitizeText } from '../sanitize.js';

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
      },
    });
    instances.set(width, m);
  }
  return m;
}

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

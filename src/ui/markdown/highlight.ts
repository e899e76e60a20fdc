/**
 * Syntax highlighting of code blocks, as marked-terminal does it through cli-highlight —
 * highlight.js, coloured with cli-highlight's default theme — without cli-highlight's HTML round
 * trip: it parses highlight.js's HTML output with parse5 to walk the spans, which is half of the
 * cost of highlighting (and a streaming code block is highlighted again on every frame). Here the
 * spans are walked with one regular expression, with cli-highlight's rules: a span with an
 * `hljs-<token>` class is coloured with the theme's style for that token around its content,
 * other spans (sub-languages) pass their content through. The output is cli-highlight's, byte for
 * byte (a test compares the two over many languages).
 */
import { DEFAULT_THEME, plain } from 'cli-highlight';
import hljs from 'highlight.js';

/** Whether highlight.js knows `language` (a name or an alias). */
export function supportsLanguage(language: string): boolean {
  return hljs.getLanguage(language) !== undefined;
}

// highlight.js escapes exactly these in its HTML output.
const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
};
const ENTITY = /&(?:amp|lt|gt|quot|#x27);/g;
const PIECE = /<span class="([^"]*)">|<\/span>|[^<]+/g;
const TOKEN_CLASS = /hljs-(\w+)/;
const theme = DEFAULT_THEME as unknown as Record<string, ((s: string) => string) | undefined>;

/** Frames of open spans: the style to apply when the span closes (null: pass through). */
interface Frame {
  style: ((s: string) => string) | null;
  out: string;
}

/**
 * `code` highlighted as `language` (which highlight.js must know) in terminal colours. Throws
 * what highlight.js throws.
 */
export function highlightCode(code: string, language: string): string {
  const html = hljs.highlight(code, { language }).value;
  const stack: Frame[] = [{ style: null, out: '' }];
  let top = stack[0] as Frame;
  PIECE.lastIndex = 0;
  for (let m = PIECE.exec(html); m !== null; m = PIECE.exec(html)) {
    const piece = m[0];
    if (m[1] !== undefined) {
      const token = TOKEN_CLASS.exec(m[1])?.[1];
      top = { style: token === undefined ? null : (theme[token] ?? plain), out: '' };
      stack.push(top);
    } else if (piece === '</span>') {
      const done = stack.length > 1 ? (stack.pop() as Frame) : null;
      if (!done) continue;
      top = stack[stack.length - 1] as Frame;
      top.out += done.style ? done.style(done.out) : done.out;
    } else {
      top.out += piece.includes('&') ? piece.replace(ENTITY, (e) => ENTITIES[e] ?? e) : piece;
    }
  }
  // highlight.js closes every span it opens; anything left open is passed through.
  while (stack.length > 1) {
    const done = stack.pop() as Frame;
    const parent = stack[stack.length - 1] as Frame;
    parent.out += done.style ? done.style(done.out) : done.out;
  }
  return (stack[0] as Frame).out;
}

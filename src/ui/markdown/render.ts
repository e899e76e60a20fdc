/**
 * Markdown → ANSI text for the transcript (marked + marked-terminal; code blocks highlighted by
 * cli-highlight through marked-terminal). Pure string in, string out, so it is usable from the
 * store, the components and the render benchmark alike.
 */
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

const instances = new Map<number, Marked>();

function instance(width: number): Marked {
  let m = instances.get(width);
  if (!m) {
    m = new Marked(markedTerminal({ width, reflowText: false, showSectionPrefix: false, tab: 2, emoji: false }));
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
    const out = instance(Math.max(20, width)).parse(source, { async: false });
    return (typeof out === 'string' ? out : source).replace(/\s+$/, '');
  } catch {
    return source.replace(/\s+$/, '');
  }
}

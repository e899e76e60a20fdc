/** URL citations of a web-searched answer as numbered footnotes (TUI and text output). Pure. */

/** Control characters never reach the terminal from a search query or a citation. */
export function citationLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 300);
}

/** `Sources:` followed by `[n] title — url` lines. */
export function sourcesText(citations: ReadonlyArray<{ url: string; title?: string }>): string {
  return [
    'Sources:',
    ...citations.map(
      (c, i) => `[${i + 1}] ${c.title ? `${citationLine(c.title)} — ` : ''}${citationLine(c.url)}`,
    ),
  ].join('\n');
}

/**
 * Makes program output (a tool's streamed output, the answer before markdown) safe to print inside
 * the live region: terminal escape sequences could move the cursor, switch screens or set the
 * clipboard, and a bare CR would overwrite what Ink drew. It drops text (a CR keeps only what
 * follows it, like a terminal's progress bar), so it is never used for what an approval or a tool
 * card shows as the call itself — command, diff, paths, MCP arguments, errors quoting a patch: those
 * go through util/visible-text.ts, which escapes every hidden character and drops nothing.
 */

// CSI, OSC (BEL or ST terminated) and two-byte escapes.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?/g;
// C0 controls except LF (tabs are expanded first), plus DEL and C1 controls.
const CONTROLS = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/g;

/**
 * Strips escape sequences and control characters; a CR keeps only what follows it on its line.
 * Tabs become spaces: the terminal expands a tab to the next stop but Ink counts it as one column,
 * and that mismatch leaves stale copies of the live region behind.
 */
export function sanitizeText(text: string): string {
  return text
    .replace(ESCAPES, '')
    .replace(/\t/g, '    ')
    .split('\n')
    .map((line) => {
      const cr = line.replace(/\r+$/, '').lastIndexOf('\r');
      return (cr === -1 ? line : line.slice(cr + 1)).replace(CONTROLS, '');
    })
    .join('\n');
}

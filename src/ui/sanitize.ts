/**
 * Makes untrusted text (tool output, model text shown raw) safe to print inside the live region:
 * terminal escape sequences could move the cursor, switch screens or set the clipboard, and a
 * bare CR would overwrite what Ink drew.
 */

// CSI, OSC (BEL or ST terminated) and two-byte escapes.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?/g;
// C0 controls except TAB and LF, plus DEL and C1 controls.
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Strips escape sequences and control characters; a CR keeps only what follows it on its line. */
export function sanitizeText(text: string): string {
  return text
    .replace(ESCAPES, '')
    .split('\n')
    .map((line) => {
      const cr = line.replace(/\r+$/, '').lastIndexOf('\r');
      return (cr === -1 ? line : line.slice(cr + 1)).replace(CONTROLS, '');
    })
    .join('\n');
}

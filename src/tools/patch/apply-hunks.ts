/**
 * Applies parsed hunks to file text. Pure. Lines are matched exactly, then ignoring trailing
 * whitespace, then ignoring surrounding whitespace (Codex `seek_sequence`). The file's line
 * ending (LF or CRLF) and its trailing-newline state are preserved.
 */
import type { PatchHunk } from './parse.js';

/** Result of {@link applyHunks}. */
export type HunkApplyResult = { ok: true; content: string } | { ok: false; error: string };

type Eq = (a: string, b: string) => boolean;
const MATCHERS: Eq[] = [
  (a, b) => a === b,
  (a, b) => a.trimEnd() === b.trimEnd(),
  (a, b) => a.trim() === b.trim(),
];

function seek(lines: readonly string[], pattern: readonly string[], from: number, eof: boolean): number {
  if (pattern.length > lines.length) return -1;
  for (const eq of MATCHERS) {
    const matchAt = (s: number) => pattern.every((p, k) => eq(lines[s + k] as string, p));
    if (eof) {
      const s = lines.length - pattern.length;
      if (s >= from && matchAt(s)) return s;
    }
    for (let s = from; s + pattern.length <= lines.length; s++) if (matchAt(s)) return s;
  }
  return -1;
}

/** Applies `hunks` to `content`; `label` names the file in errors. */
export function applyHunks(content: string, hunks: readonly PatchHunk[], label: string): HunkApplyResult {
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const hadFinalNewline = content === '' || content.endsWith('\n');
  const lines = content === '' ? [] : content.split(/\r?\n/);
  if (hadFinalNewline && lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const edits: Array<{ start: number; oldLen: number; newLines: string[] }> = [];
  let cursor = 0;
  for (let k = 0; k < hunks.length; k++) {
    const h = hunks[k] as PatchHunk;
    const name = `hunk ${k + 1}${h.header ? ` (@@ ${h.header})` : ''}`;
    if (h.header) {
      const at = seek(lines, [h.header], cursor, false);
      if (at < 0)
        return {
          ok: false,
          error: `apply_patch: ${label}: ${name}: the context line "${h.header}" was not found after line ${cursor}. No file was changed.`,
        };
      // The header may itself be the first context line; only skip past it when it is not.
      const first = h.lines[0];
      if (!(first && first.op !== '+' && first.text.trim() === (lines[at] as string).trim())) cursor = at + 1;
      else cursor = at;
    }
    const oldLines = h.lines.filter((l) => l.op !== '+').map((l) => l.text);
    const newLines = h.lines.filter((l) => l.op !== '-').map((l) => l.text);
    if (oldLines.length === 0) {
      const at = h.header ? cursor : lines.length;
      edits.push({ start: at, oldLen: 0, newLines });
      cursor = at;
      continue;
    }
    const at = seek(lines, oldLines, cursor, h.endOfFile);
    if (at < 0) {
      const expected = oldLines.map((l) => `  ${l}`).join('\n');
      return {
        ok: false,
        error: `apply_patch: ${label}: ${name} did not match the file (searched from line ${cursor + 1}). Expected these lines:\n${expected}\nRe-read the file and regenerate the hunk. No file was changed.`,
      };
    }
    // Context lines keep the file's own text (a whitespace-tolerant match must not rewrite them).
    const merged: string[] = [];
    let oi = 0;
    for (const l of h.lines) {
      if (l.op === ' ') merged.push(lines[at + oi] as string);
      else if (l.op === '+') merged.push(l.text);
      if (l.op !== '+') oi++;
    }
    edits.push({ start: at, oldLen: oldLines.length, newLines: merged });
    cursor = at + oldLines.length;
  }
  for (let k = edits.length - 1; k >= 0; k--) {
    const e = edits[k] as { start: number; oldLen: number; newLines: string[] };
    lines.splice(e.start, e.oldLen, ...e.newLines);
  }
  if (lines.length === 0) return { ok: true, content: '' };
  return { ok: true, content: lines.join(eol) + (hadFinalNewline ? eol : '') };
}

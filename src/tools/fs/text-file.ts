/** Reading text files for edit tools. */
import { readFileSync, statSync } from 'node:fs';

/** Largest file the edit tools will rewrite (bytes). */
export const MAX_EDIT_BYTES = 10 * 1024 * 1024;

/** Reads a UTF-8 text file for editing; null content when it does not exist. */
export function readTextForEdit(
  path: string,
): { ok: true; content: string | null } | { ok: false; error: string } {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return { ok: true, content: null };
  }
  if (st.isDirectory()) return { ok: false, error: 'is a directory' };
  if (!st.isFile()) return { ok: false, error: 'is not a regular file' };
  if (st.size > MAX_EDIT_BYTES) return { ok: false, error: `is too large to edit (${st.size} bytes)` };
  const buf = readFileSync(path);
  if (buf.subarray(0, 8192).includes(0)) return { ok: false, error: 'is a binary file' };
  return { ok: true, content: buf.toString('utf8') };
}

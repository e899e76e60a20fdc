/**
 * Parser for the Codex `apply_patch` format (the one OpenAI models are trained on):
 *
 *   *** Begin Patch
 *   *** Add File: <path>        then lines starting with '+'
 *   *** Delete File: <path>
 *   *** Update File: <path>
 *   *** Move to: <path>         (optional, right after Update File)
 *   @@ [context header]         then ' ' context, '-' removed, '+' added lines;
 *                               '*** End of File' anchors a hunk at the end
 *   *** End Patch
 *
 * CRLF patches are accepted; a `<<'EOF'` heredoc wrapper is tolerated. Never throws.
 */

/** One line of a hunk. */
export interface HunkLine {
  op: ' ' | '-' | '+';
  text: string;
}

/** One `@@` hunk. */
export interface PatchHunk {
  /** Text after `@@ ` used to locate the hunk, or null. */
  header: string | null;
  lines: HunkLine[];
  /** `*** End of File` followed: the hunk must match at the end of the file. */
  endOfFile: boolean;
}

/** One file operation. */
export type PatchOp =
  | { type: 'add'; path: string; content: string }
  | { type: 'delete'; path: string }
  | { type: 'update'; path: string; moveTo: string | null; hunks: PatchHunk[] };

/** Parser outcome. */
export type ParsePatchResult = { ok: true; ops: PatchOp[] } | { ok: false; error: string };

const BEGIN = '*** Begin Patch';
const END = '*** End Patch';
const ADD = '*** Add File: ';
const DELETE = '*** Delete File: ';
const UPDATE = '*** Update File: ';
const MOVE = '*** Move to: ';
const EOF_MARK = '*** End of File';

/**
 * A line that starts the next file operation (or the end marker) inside the body. Only an
 * unindented "*** End Patch" counts: " *** End Patch" is a context line of a file that contains
 * that text (the very last line may still be padded; see `parseInner`).
 */
function isFileOp(line: string): boolean {
  return line.startsWith(ADD) || line.startsWith(DELETE) || line.startsWith(UPDATE) || line.trimEnd() === END;
}

class PatchError extends Error {}

function parseInner(text: string): PatchOp[] {
  let lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  while (lines.length > 0 && (lines[0] as string).trim() === '') lines.shift();
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  // Tolerate a shell heredoc wrapper: `apply_patch <<'EOF'` … `EOF`.
  if (
    lines.length >= 2 &&
    /^(apply_patch\s+)?<<-?\s*['"]?EOF['"]?\s*$/.test(lines[0] as string) &&
    (lines[lines.length - 1] as string).trim() === 'EOF'
  ) {
    lines = lines.slice(1, -1);
  }
  if (lines.length === 0 || (lines[0] as string).trim() !== BEGIN)
    throw new PatchError(`the patch must start with "${BEGIN}"`);
  if (lines.length < 2 || (lines[lines.length - 1] as string).trim() !== END)
    throw new PatchError(`the patch must end with "${END}"`);
  const body = lines.slice(1, -1);
  const ops: PatchOp[] = [];
  const seen = new Set<string>();
  const claim = (path: string, lineNo: number) => {
    if (path === '') throw new PatchError(`line ${lineNo}: missing file path`);
    if (seen.has(path)) throw new PatchError(`line ${lineNo}: ${path} appears more than once in the patch`);
    seen.add(path);
  };
  let i = 0;
  const lineNo = (k: number) => k + 2; // 1-based, after "*** Begin Patch"
  while (i < body.length) {
    const line = body[i] as string;
    if (line.startsWith(ADD)) {
      const path = line.slice(ADD.length).trim();
      claim(path, lineNo(i));
      i++;
      const content: string[] = [];
      while (i < body.length && !isFileOp(body[i] as string)) {
        const l = body[i] as string;
        if (!l.startsWith('+'))
          throw new PatchError(
            `line ${lineNo(i)}: in Add File ${path}, every line must start with '+' (got ${JSON.stringify(l.slice(0, 60))})`,
          );
        content.push(l.slice(1));
        i++;
      }
      ops.push({ type: 'add', path, content: content.length > 0 ? `${content.join('\n')}\n` : '' });
    } else if (line.startsWith(DELETE)) {
      const path = line.slice(DELETE.length).trim();
      claim(path, lineNo(i));
      ops.push({ type: 'delete', path });
      i++;
    } else if (line.startsWith(UPDATE)) {
      const path = line.slice(UPDATE.length).trim();
      claim(path, lineNo(i));
      i++;
      let moveTo: string | null = null;
      if (i < body.length && (body[i] as string).startsWith(MOVE)) {
        moveTo = (body[i] as string).slice(MOVE.length).trim();
        claim(moveTo, lineNo(i));
        i++;
      }
      const hunks: PatchHunk[] = [];
      let current: PatchHunk | null = null;
      while (i < body.length && !isFileOp(body[i] as string)) {
        const l = body[i] as string;
        if (l.startsWith('@@')) {
          if (current && current.lines.length === 0)
            throw new PatchError(`line ${lineNo(i)}: empty hunk in ${path}`);
          const header = l
            .slice(2)
            .replace(/@@\s*$/, '')
            .trim();
          current = { header: header === '' ? null : header, lines: [], endOfFile: false };
          hunks.push(current);
        } else if (l.trim() === EOF_MARK) {
          if (!current) throw new PatchError(`line ${lineNo(i)}: "${EOF_MARK}" outside a hunk in ${path}`);
          current.endOfFile = true;
        } else {
          if (!current) {
            // Codex allows the first hunk of a file to omit its @@ line.
            current = { header: null, lines: [], endOfFile: false };
            hunks.push(current);
          } else if (current.endOfFile)
            throw new PatchError(`line ${lineNo(i)}: lines after "${EOF_MARK}" in ${path}`);
          const op = l[0];
          if (l === '') current.lines.push({ op: ' ', text: '' });
          else if (op === ' ' || op === '-' || op === '+') current.lines.push({ op, text: l.slice(1) });
          else
            throw new PatchError(
              `line ${lineNo(i)}: unexpected line in hunk for ${path}: ${JSON.stringify(l.slice(0, 60))} (hunk lines start with ' ', '-' or '+')`,
            );
        }
        i++;
      }
      if (current && current.lines.length === 0) throw new PatchError(`empty hunk at the end of ${path}`);
      if (hunks.length === 0 && moveTo === null) throw new PatchError(`Update File ${path} has no hunks`);
      ops.push({ type: 'update', path, moveTo, hunks });
    } else if (line.trim() === '') {
      i++;
    } else if (line.trimEnd() === END) {
      throw new PatchError(
        `line ${lineNo(i)}: "${END}" before the end of the patch (send one patch per call; a file line that reads "${END}" needs its ' ', '-' or '+' prefix)`,
      );
    } else {
      throw new PatchError(
        `line ${lineNo(i)}: expected "*** Add File:", "*** Update File:", "*** Delete File:" or "${END}", got ${JSON.stringify(line.slice(0, 60))}`,
      );
    }
  }
  if (ops.length === 0) throw new PatchError('the patch contains no file operations');
  return ops;
}

/** Parses a patch. Never throws: malformed input yields `{ ok: false, error }`. */
export function parsePatch(text: string): ParsePatchResult {
  try {
    if (typeof text !== 'string') return { ok: false, error: 'patch must be a string' };
    return { ok: true, ops: parseInner(text) };
  } catch (err) {
    return {
      ok: false,
      error: err instanceof PatchError ? `invalid patch: ${err.message}` : `invalid patch: ${String(err)}`,
    };
  }
}

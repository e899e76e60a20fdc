/** `edit`: replace exactly one occurrence of a string in a file. */
import { defineTool } from '../define-tool.js';
import { EDIT_DESCRIPTION } from '../descriptions/files.js';
import { unifiedDiff } from '../fs/diff.js';
import { atomicWriteFile } from '../fs/safe-write.js';
import { readTextForEdit } from '../fs/text-file.js';
import { pathsOf, resolveToolPath } from '../fs/workspace.js';

/** Validated `edit` arguments. */
export interface EditArgs {
  path: string;
  old_string: string;
  new_string: string;
}

function countOccurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Computes the edited content or a model-readable error. Pure. */
export function applyEdit(
  content: string,
  oldString: string,
  newString: string,
  label: string,
): { ok: true; content: string } | { ok: false; error: string } {
  if (oldString === '')
    return { ok: false, error: `edit: old_string is empty; use write_file to create ${label}` };
  if (oldString === newString)
    return { ok: false, error: 'edit: old_string and new_string are identical; nothing to change' };
  let oldS = oldString;
  let newS = newString;
  let n = countOccurrences(content, oldS);
  if (n === 0 && content.includes('\r\n') && !oldS.includes('\r\n')) {
    // The model writes \n; the file uses CRLF. Match and write in the file's convention.
    oldS = oldS.replace(/\n/g, '\r\n');
    newS = newS.replace(/\r?\n/g, '\r\n');
    n = countOccurrences(content, oldS);
  }
  if (n === 0)
    return {
      ok: false,
      error: `edit: old_string was not found in ${label}. Re-read the file and copy the text exactly (whitespace and indentation included).`,
    };
  if (n > 1)
    return {
      ok: false,
      error: `edit: old_string occurs ${n} times in ${label}; include more surrounding context so it matches exactly once.`,
    };
  const i = content.indexOf(oldS);
  return { ok: true, content: content.slice(0, i) + newS + content.slice(i + oldS.length) };
}

function plan(args: EditArgs, ctx: Parameters<Parameters<typeof defineTool<EditArgs>>[0]['prepare']>[1]) {
  const r = resolveToolPath(ctx.ws, args.path, 'write');
  if (!r.ok) return { ok: false as const, error: `edit: ${r.error}` };
  const cur = readTextForEdit(r.path);
  if (!cur.ok) return { ok: false as const, error: `edit: ${args.path} ${cur.error}` };
  if (cur.content === null)
    return { ok: false as const, error: `edit: ${args.path} does not exist; use write_file to create it` };
  const res = applyEdit(cur.content, args.old_string, args.new_string, r.display);
  if (!res.ok) return res;
  return {
    ok: true as const,
    path: r.path,
    display: r.display,
    touches: pathsOf(r),
    before: cur.content,
    after: res.content,
  };
}

/** The `edit` tool. */
export const editTool = defineTool<EditArgs>({
  name: 'edit',
  kind: 'edit',
  description: EDIT_DESCRIPTION,
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File path relative to the workspace root.' },
      old_string: { type: 'string', description: 'Exact text to replace (must occur exactly once).' },
      new_string: { type: 'string', description: 'Replacement text.' },
    },
    required: ['path', 'old_string', 'new_string'],
    additionalProperties: false,
  },
  async prepare(args, ctx) {
    const p = plan(args, ctx);
    if (!p.ok) return p;
    const diff = unifiedDiff(p.display, p.display, p.before, p.after);
    return {
      ok: true,
      subject: { kind: 'edit', summary: `edit ${p.display}`, paths: [p.path], diff },
      touches: p.touches,
    };
  },
  async execute(args, ctx) {
    const p = plan(args, ctx);
    if (!p.ok) return { status: 'error', output: p.error };
    atomicWriteFile(p.path, p.after, ctx.ws);
    const diff = unifiedDiff(p.display, p.display, p.before, p.after);
    return {
      status: 'ok',
      output: `Edited ${p.display}.`,
      fileChanges: [{ path: p.path, kind: 'update', diff }],
    };
  },
});

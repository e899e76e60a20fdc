/** `write_file`: create or overwrite one file, atomically, inside the workspace. */
import { dirname } from 'node:path';
import { defineTool } from '../define-tool.js';
import { WRITE_FILE_DESCRIPTION } from '../descriptions/files.js';
import { unifiedDiff } from '../fs/diff.js';
import { atomicWriteFile, makeWorkspaceDirs } from '../fs/safe-write.js';
import { readTextForEdit } from '../fs/text-file.js';
import { pathsOf, resolveToolPath } from '../fs/workspace.js';

/** Validated `write_file` arguments. */
export interface WriteFileArgs {
  path: string;
  content: string;
}

/** The `write_file` tool. */
export const writeFileTool = defineTool<WriteFileArgs>({
  name: 'write_file',
  kind: 'edit',
  description: WRITE_FILE_DESCRIPTION,
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File path relative to the workspace root.' },
      content: { type: 'string', description: 'The complete new file content.' },
    },
    required: ['path', 'content'],
    additionalProperties: false,
  },
  async prepare(args, ctx) {
    const r = resolveToolPath(ctx.ws, args.path, 'write');
    if (!r.ok) return { ok: false, error: `write_file: ${r.error}` };
    const cur = readTextForEdit(r.path);
    if (!cur.ok && cur.error === 'is a directory')
      return { ok: false, error: `write_file: ${args.path} is a directory` };
    const before = cur.ok ? (cur.content ?? '') : '';
    const exists = cur.ok ? cur.content !== null : true;
    const diff = unifiedDiff(exists ? r.display : null, r.display, before, args.content);
    return {
      ok: true,
      subject: {
        kind: 'edit',
        summary: `${exists ? 'overwrite' : 'create'} ${r.display}`,
        paths: [r.path],
        diff,
      },
      touches: pathsOf(r),
    };
  },
  async execute(args, ctx) {
    const r = resolveToolPath(ctx.ws, args.path, 'write');
    if (!r.ok) return { status: 'error', output: `write_file: ${r.error}` };
    const cur = readTextForEdit(r.path);
    if (!cur.ok && cur.error === 'is a directory')
      return { status: 'error', output: `write_file: ${args.path} is a directory` };
    const before = cur.ok ? (cur.content ?? '') : '';
    const exists = cur.ok ? cur.content !== null : true;
    // Missing parents are created one at a time through verified directory descriptors, never
    // by a recursive mkdir on a path a concurrent process could have swapped for a link (F3).
    const dirs = makeWorkspaceDirs(ctx.ws, dirname(r.path));
    if (!dirs.ok) return { status: 'error', output: `write_file: ${dirs.error}` };
    // Re-resolve after mkdir: the target must still resolve to the same place inside.
    const again = resolveToolPath(ctx.ws, args.path, 'write');
    if (!again.ok || again.path !== r.path)
      return { status: 'error', output: `write_file: ${args.path} changed while writing; not written` };
    atomicWriteFile(r.path, args.content, ctx.ws);
    const diff = unifiedDiff(exists ? r.display : null, r.display, before, args.content);
    const bytes = Buffer.byteLength(args.content);
    return {
      status: 'ok',
      output: `${exists ? 'Updated' : 'Created'} ${r.display} (${bytes} bytes).`,
      fileChanges: [{ path: r.path, kind: exists ? 'update' : 'add', diff }],
    };
  },
});

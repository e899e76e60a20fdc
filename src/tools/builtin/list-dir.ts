/** `list_dir`: one directory's entries. */
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { defineTool } from '../define-tool.js';
import { LIST_DIR_DESCRIPTION } from '../descriptions/files.js';
import { resolveToolPath } from '../fs/workspace.js';

/** Entries listed at most. */
export const MAX_LIST_ENTRIES = 1000;

/** The `list_dir` tool. */
export const listDirTool = defineTool<{ path: string | null }>({
  name: 'list_dir',
  kind: 'read',
  description: LIST_DIR_DESCRIPTION,
  parameters: {
    type: 'object',
    properties: {
      path: {
        type: ['string', 'null'],
        description: 'Directory relative to the workspace root; null for the root.',
      },
    },
    required: ['path'],
    additionalProperties: false,
  },
  async prepare(args, ctx) {
    const r = resolveToolPath(ctx.ws, args.path ?? '.', 'read');
    if (!r.ok) return { ok: false, error: `list_dir: ${r.error}` };
    return {
      ok: true,
      subject: { kind: 'read', summary: `list ${r.display}`, paths: [r.path] },
      touches: [r.path],
    };
  },
  async execute(args, ctx) {
    const r = resolveToolPath(ctx.ws, args.path ?? '.', 'read');
    if (!r.ok) return { status: 'error', output: `list_dir: ${r.error}` };
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(r.path, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'does not exist'
          : code === 'ENOTDIR'
            ? 'is not a directory'
            : (err as Error).message;
      return { status: 'error', output: `list_dir: ${args.path ?? '.'} ${why}` };
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const lines = entries.slice(0, MAX_LIST_ENTRIES).map((e) => {
      if (e.isDirectory()) return `${e.name}/`;
      if (e.isSymbolicLink()) {
        let target = '?';
        try {
          target = readlinkSync(join(r.path, e.name));
        } catch {
          /* unreadable link */
        }
        return `${e.name} -> ${target}`;
      }
      return e.name;
    });
    if (entries.length > MAX_LIST_ENTRIES)
      lines.push(`[${entries.length - MAX_LIST_ENTRIES} more entries not shown]`);
    return { status: 'ok', output: lines.length > 0 ? lines.join('\n') : '(empty directory)' };
  },
});

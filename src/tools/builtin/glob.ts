/** `glob`: files matching a pattern, honouring .gitignore. */
import { statSync } from 'node:fs';
import { defineTool } from '../define-tool.js';
import { GLOB_DESCRIPTION } from '../descriptions/files.js';
import { globToRegExp } from '../fs/glob-match.js';
import { walkFiles } from '../fs/walk.js';
import { displayPath, resolveToolPath } from '../fs/workspace.js';

/** Matches returned at most. */
export const MAX_GLOB_RESULTS = 1000;

/** Validated `glob` arguments. */
export interface GlobArgs {
  pattern: string;
  path: string | null;
}

/** Files under `root` matching `pattern` (relative to `root`), sorted. */
export function globFiles(
  root: string,
  pattern: string,
  limit = MAX_GLOB_RESULTS,
  signal?: AbortSignal,
): { matches: string[]; more: boolean } {
  const clean = pattern.replace(/^\.\//, '');
  const re = globToRegExp(clean);
  const basenameOnly = !clean.includes('/');
  const matches: string[] = [];
  let more = false;
  for (const e of walkFiles(root, signal ? { signal } : {})) {
    const name = e.rel.slice(e.rel.lastIndexOf('/') + 1);
    if (!(basenameOnly ? re.test(name) : re.test(e.rel))) continue;
    if (matches.length >= limit) {
      more = true;
      break;
    }
    matches.push(e.abs);
  }
  return { matches, more };
}

/** The `glob` tool. */
export const globTool = defineTool<GlobArgs>({
  name: 'glob',
  kind: 'read',
  description: GLOB_DESCRIPTION,
  parameters: {
    type: 'object',
    properties: {
      pattern: { type: 'string', description: 'Glob pattern, e.g. "**/*.ts".' },
      path: {
        type: ['string', 'null'],
        description: 'Directory to search, relative to the workspace root; null for the root.',
      },
    },
    required: ['pattern', 'path'],
    additionalProperties: false,
  },
  async prepare(args, ctx) {
    if (args.pattern.trim() === '') return { ok: false, error: 'glob: pattern is empty' };
    const r = resolveToolPath(ctx.ws, args.path ?? '.', 'read');
    if (!r.ok) return { ok: false, error: `glob: ${r.error}` };
    return {
      ok: true,
      subject: { kind: 'read', summary: `glob ${args.pattern} in ${r.display}`, paths: [r.path] },
      touches: [r.path],
    };
  },
  async execute(args, ctx, opts) {
    const r = resolveToolPath(ctx.ws, args.path ?? '.', 'read');
    if (!r.ok) return { status: 'error', output: `glob: ${r.error}` };
    try {
      if (!statSync(r.path).isDirectory())
        return { status: 'error', output: `glob: ${args.path} is not a directory` };
    } catch {
      return { status: 'error', output: `glob: ${args.path} does not exist` };
    }
    const { matches, more } = globFiles(r.path, args.pattern, MAX_GLOB_RESULTS, opts.signal);
    if (matches.length === 0) return { status: 'ok', output: 'No files matched.' };
    const lines = matches.map((m) => displayPath(ctx.ws, m));
    if (more) lines.push(`[more than ${MAX_GLOB_RESULTS} matches; narrow the pattern]`);
    return { status: 'ok', output: lines.join('\n') };
  },
});

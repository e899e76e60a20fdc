/**
 * The sensitive-file part of the approval decision (issue 13 §7): which prepared calls ask in
 * every approval mode because of the files they touch. Prepared calls carry real paths and, for
 * paths reached through a symlink, the path as named (`touches`), so a link named `.envrc` or a
 * link to `.env` is judged by both names.
 */
import { isAbsolute, relative } from 'node:path';
import type { ReadyCall } from '../tools/types.js';
import { autorunReason, isDotenvPath } from './sensitive-paths.js';

/** Read tools that only list names (never contents) are not dotenv reads. */
const NAME_ONLY_READS = new Set(['list_dir', 'glob']);

function pathsOfCall(call: ReadyCall): string[] {
  return [...new Set([...call.subject.paths, ...call.touches])];
}

function rel(workspace: string | undefined, p: string): string {
  if (!workspace) return p;
  const r = relative(workspace, p);
  return r === '' || r.startsWith('..') || isAbsolute(r) ? p : r;
}

/** Why `call` needs approval in every mode because of a sensitive file, or null. */
export function sensitiveFileReason(
  call: ReadyCall,
  ctx: { workspace?: string; allowDotenv?: boolean },
): string | null {
  if (call.kind === 'read' && !NAME_ONLY_READS.has(call.name) && !ctx.allowDotenv) {
    const hit = pathsOfCall(call).find((p) => isDotenvPath(p));
    if (hit)
      return `${rel(ctx.workspace, hit)} is a dotenv file (may hold secrets): reading it always needs approval`;
  }
  if (call.kind === 'edit') {
    for (const p of pathsOfCall(call)) {
      const shown = rel(ctx.workspace, p);
      const why = autorunReason(shown);
      if (why) return `writing ${shown} always needs approval: ${why}`;
    }
  }
  return null;
}

/** `apply_patch`: the Codex patch format, confined to the workspace and applied atomically. */
import { defineTool, type ToolContext } from '../define-tool.js';
import { APPLY_PATCH_DESCRIPTION, APPLY_PATCH_FREEFORM_DESCRIPTION } from '../descriptions/files.js';
import { unifiedDiff } from '../fs/diff.js';
import { readTextForEdit } from '../fs/text-file.js';
import { pathsOf, resolveToolPath } from '../fs/workspace.js';
import { applyHunks } from '../patch/apply-hunks.js';
import { type CommitHooks, commitWrites, type PlannedWrite } from '../patch/commit.js';
import { APPLY_PATCH_LARK_GRAMMAR } from '../patch/grammar.js';
import { parsePatch } from '../patch/parse.js';
import type { FileChange } from '../types.js';

/** Validated `apply_patch` arguments. */
export interface ApplyPatchArgs {
  patch: string;
}

/** A fully computed patch: writes to commit plus what to report. */
export interface PatchPlan {
  writes: PlannedWrite[];
  changes: FileChange[];
  /** `A path` / `M path` / `D path` / `R old -> new` lines. */
  summary: string[];
  /** Every path written, real and as named (see `pathsOf`), for the policy. */
  named: string[];
}

/** Parses, confines and computes a patch against the current files. Pure apart from reads. */
export function planPatch(
  patchText: string,
  ctx: Pick<ToolContext, 'ws'>,
): { ok: true; plan: PatchPlan } | { ok: false; error: string } {
  const parsed = parsePatch(patchText);
  if (!parsed.ok) return { ok: false, error: `apply_patch: ${parsed.error}. No file was changed.` };
  const writes: PlannedWrite[] = [];
  const changes: FileChange[] = [];
  const summary: string[] = [];
  const claimed = new Set<string>();
  const named = new Set<string>();
  const resolve = (p: string) => {
    const r = resolveToolPath(ctx.ws, p, 'write');
    if (!r.ok) return r;
    for (const n of pathsOf(r)) named.add(n);
    if (claimed.has(r.path)) return { ok: false as const, error: `${p} is touched twice by this patch` };
    claimed.add(r.path);
    return r;
  };
  for (const op of parsed.ops) {
    const r = resolve(op.path);
    if (!r.ok) return { ok: false, error: `apply_patch: ${r.error}. No file was changed.` };
    const cur = readTextForEdit(r.path);
    if (!cur.ok) return { ok: false, error: `apply_patch: ${op.path} ${cur.error}. No file was changed.` };
    switch (op.type) {
      case 'add': {
        writes.push({ path: r.path, before: cur.content, after: op.content });
        changes.push({
          path: r.path,
          kind: 'add',
          diff: unifiedDiff(
            cur.content === null ? null : r.display,
            r.display,
            cur.content ?? '',
            op.content,
          ),
        });
        summary.push(`A ${r.display}`);
        break;
      }
      case 'delete': {
        if (cur.content === null)
          return {
            ok: false,
            error: `apply_patch: cannot delete ${op.path}: it does not exist. No file was changed.`,
          };
        writes.push({ path: r.path, before: cur.content, after: null });
        changes.push({ path: r.path, kind: 'delete', diff: unifiedDiff(r.display, null, cur.content, '') });
        summary.push(`D ${r.display}`);
        break;
      }
      case 'update': {
        if (cur.content === null)
          return {
            ok: false,
            error: `apply_patch: cannot update ${op.path}: it does not exist (use "*** Add File:"). No file was changed.`,
          };
        const applied = applyHunks(cur.content, op.hunks, r.display);
        if (!applied.ok) return applied;
        if (op.moveTo === null) {
          writes.push({ path: r.path, before: cur.content, after: applied.content });
          changes.push({
            path: r.path,
            kind: 'update',
            diff: unifiedDiff(r.display, r.display, cur.content, applied.content),
          });
          summary.push(`M ${r.display}`);
          break;
        }
        const dest = resolve(op.moveTo);
        if (!dest.ok) return { ok: false, error: `apply_patch: ${dest.error}. No file was changed.` };
        const destCur = readTextForEdit(dest.path);
        if (!destCur.ok)
          return { ok: false, error: `apply_patch: ${op.moveTo} ${destCur.error}. No file was changed.` };
        writes.push({ path: dest.path, before: destCur.content, after: applied.content });
        writes.push({ path: r.path, before: cur.content, after: null });
        changes.push({
          path: r.path,
          kind: 'move',
          movedTo: dest.path,
          diff: unifiedDiff(r.display, dest.display, cur.content, applied.content),
        });
        summary.push(`R ${r.display} -> ${dest.display}`);
        break;
      }
      default: {
        const unreachable: never = op;
        return { ok: false, error: `apply_patch: unknown operation ${JSON.stringify(unreachable)}` };
      }
    }
  }
  return { ok: true, plan: { writes, changes, summary, named: [...named] } };
}

/** Creates the apply_patch tool (`hooks` let tests inject a failure mid-commit). */
export function createApplyPatchTool(hooks: CommitHooks = {}) {
  return defineTool<ApplyPatchArgs>({
    name: 'apply_patch',
    kind: 'edit',
    description: APPLY_PATCH_DESCRIPTION,
    parameters: {
      type: 'object',
      properties: {
        patch: { type: 'string', description: 'The full patch, from "*** Begin Patch" to "*** End Patch".' },
      },
      required: ['patch'],
      additionalProperties: false,
    },
    freeform: {
      description: APPLY_PATCH_FREEFORM_DESCRIPTION,
      grammar: APPLY_PATCH_LARK_GRAMMAR,
      toArgs: (input) => ({ patch: input }),
    },
    async prepare(args, ctx) {
      const p = planPatch(args.patch, ctx);
      if (!p.ok) return p;
      const paths = [...new Set(p.plan.writes.map((w) => w.path))];
      return {
        ok: true,
        subject: {
          kind: 'edit',
          summary: `apply_patch: ${p.plan.summary.join(', ')}`,
          paths,
          diff: p.plan.changes.map((c) => c.diff).join(''),
        },
        touches: [...new Set([...paths, ...p.plan.named])],
      };
    },
    async execute(args, ctx) {
      // Recompute against the files as they are now: they may have changed since prepare.
      const p = planPatch(args.patch, ctx);
      if (!p.ok) return { status: 'error', output: p.error };
      try {
        commitWrites(p.plan.writes, hooks);
      } catch (err) {
        return {
          status: 'error',
          output: `apply_patch: failed while writing (${(err as Error).message}); all changes were rolled back.`,
        };
      }
      return {
        status: 'ok',
        output: `Success. Updated the following files:\n${p.plan.summary.join('\n')}`,
        fileChanges: p.plan.changes,
      };
    },
  });
}

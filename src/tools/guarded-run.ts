/**
 * Wraps the tool runtime's `run` with the autorun guard (policy/autorun-guard.ts): a call that
 * runs a command the user did not review (policy `auto`, and every `write_stdin`) is checked
 * before and after, and while `exec_command` processes run in the background every call first
 * undoes what they wrote since the last look. A call the user reviewed keeps what it wrote, and
 * so does an edit tool's own change. One `'exit'` handler looks a last time.
 */
import type { AutorunGuard } from '../policy/autorun-guard.js';
import type { ReadyCall, ToolResult, ToolRunOptions } from './types.js';

type Note = { model: string; user: string } | null;

/** Every guard with background processes at its last look; checked once more at exit. */
const watched = new Set<AutorunGuard>();
let exitHook = false;
function watchAtExit(g: AutorunGuard): void {
  watched.add(g);
  if (exitHook) return;
  // Installed once background processes exist: after the exec sessions' own exit handler (which
  // kills them), so this looks when nothing can write any more.
  exitHook = true;
  process.once('exit', () => {
    for (const x of watched) {
      const note = x.watching ? x.sweep(false) : null;
      if (note) process.stderr.write(`tether: ${note.user}\n`);
    }
  });
}

/** The guarded `run`. `background()` says whether exec sessions are running. */
export function guardedRun(
  guard: AutorunGuard,
  run: (call: ReadyCall, opts: ToolRunOptions) => Promise<ToolResult>,
  background: () => boolean,
): (call: ReadyCall, opts: ToolRunOptions) => Promise<ToolResult> {
  return async (call, opts) => {
    const notes: Note[] = [guard.sweep(background())];
    const reviewedCommand = call.kind === 'execute' && opts.unreviewed !== true;
    const watch = !reviewedCommand && (call.kind === 'execute' || call.name === 'write_stdin');
    const before = watch ? guard.snapshot() : null;
    const result = await run(call, opts);
    if (before) notes.push(guard.revertSince(before, 'a command that ran without your review'));
    if (watch || reviewedCommand) guard.accept(background());
    else {
      // Reads and edits: what background processes wrote meanwhile, not the edit's own files.
      const own = new Set([
        ...call.touches,
        ...(result.fileChanges ?? []).flatMap((c) => [c.path, c.movedTo ?? '']),
      ]);
      notes.push(guard.sweep(background(), own));
    }
    if (guard.watching) watchAtExit(guard);
    const done = notes.filter((n): n is NonNullable<Note> => n !== null);
    if (done.length === 0) return result;
    return {
      ...result,
      output: `${result.output}\n\n${done.map((n) => n.model).join('\n')}`,
      notice: done.map((n) => n.user).join('; '),
    };
  };
}

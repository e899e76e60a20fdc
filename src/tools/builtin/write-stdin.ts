/**
 * `write_stdin` (Codex's unified-exec shape): writes to a running `exec_command` session (empty
 * `chars` polls; `\u0003` interrupts) and reports its new output and state. Input to a session the
 * user already allowed needs no new approval.
 */
import { type AnyTool, defineTool } from '../define-tool.js';
import { WRITE_STDIN_DESCRIPTION } from '../descriptions/exec.js';
import {
  clamp,
  EXEC_MAX_YIELD_MS,
  MIN_YIELD_MS,
  manager,
  maxCharsFor,
  POLL_MAX_YIELD_MS,
  report,
  summaryLine,
  unknownSession,
  WRITE_DEFAULT_YIELD_MS,
  waitWatching,
} from './exec-shared.js';

/** Validated `write_stdin` arguments. */
export interface WriteStdinArgs {
  session_id: number;
  chars: string | null;
  yield_time_ms: number | null;
  max_output_tokens: number | null;
}

/** Creates `write_stdin`. */
export function createWriteStdinTool(): AnyTool {
  return defineTool<WriteStdinArgs>({
    name: 'write_stdin',
    // Input to a session the user already allowed: no new approval (the command was approved).
    kind: 'read',
    description: WRITE_STDIN_DESCRIPTION,
    parameters: {
      type: 'object',
      properties: {
        session_id: { type: 'integer', description: 'Session id returned by exec_command.' },
        chars: { type: ['string', 'null'], description: 'Text to write; empty to only poll.' },
        yield_time_ms: {
          type: ['integer', 'null'],
          description: 'How long to collect output (ms; default 250).',
        },
        max_output_tokens: { type: ['integer', 'null'], description: 'Cap on returned output, in tokens.' },
      },
      required: ['session_id', 'chars', 'yield_time_ms', 'max_output_tokens'],
      additionalProperties: false,
    },
    async prepare(args, ctx) {
      const s = ctx.exec?.get(args.session_id);
      if (!s) return { ok: false, error: unknownSession(ctx, args.session_id) };
      const chars = args.chars ?? '';
      const what =
        chars === '' ? 'poll' : JSON.stringify(chars.length > 60 ? `${chars.slice(0, 60)}…` : chars);
      return {
        ok: true,
        subject: {
          kind: 'command',
          summary: `write_stdin ${s.id} (${summaryLine(s.command)}): ${what}`,
          paths: [],
        },
        touches: [],
      };
    },
    async execute(args, ctx, opts) {
      const sessions = manager(ctx);
      const s = sessions.get(args.session_id);
      if (!s) return { status: 'error', output: unknownSession(ctx, args.session_id) };
      const started = Date.now();
      const chars = args.chars ?? '';
      const notes: string[] = [];
      if (chars !== '' && s.ended)
        notes.push('[note: the process had already exited; the input was not delivered]');
      else if (!s.write(chars).delivered)
        notes.push(
          '[note: this process was started without tty, so it has no stdin; the input was not delivered (only "\\u0003" interrupts it). Start it with tty: true to send input.]',
        );
      const hi = chars === '' ? POLL_MAX_YIELD_MS : EXEC_MAX_YIELD_MS;
      const yieldMs = clamp(args.yield_time_ms ?? WRITE_DEFAULT_YIELD_MS, MIN_YIELD_MS, hi);
      await waitWatching(s, yieldMs, opts);
      s.lastUsed = Date.now();
      const out = report(s, started, maxCharsFor(ctx, args.max_output_tokens), notes);
      if (out.ended) sessions.release(s.id);
      const { ended: _e, ...outcome } = out;
      // An interrupted turn stops waiting; the process keeps running (it was started on purpose).
      return opts.signal.aborted ? { ...outcome, status: 'aborted' } : outcome;
    },
  });
}

/**
 * What `exec_command` and `write_stdin` share: yield-time bounds, the session manager lookup, the
 * Codex-shaped report of a session's state and new output (head + tail within the token budget,
 * spill note), and the wait that streams output to the UI meanwhile.
 */
import type { ToolContext, ToolOutcome } from '../define-tool.js';
import type { ExecSession } from '../exec/exec-session.js';
import type { EndedSession, ExecSessionManager } from '../exec/exec-sessions.js';
import { truncateHeadTail } from '../truncate.js';
import type { ToolRunOptions } from '../types.js';

export const EXEC_DEFAULT_YIELD_MS = 10_000;
export const EXEC_MAX_YIELD_MS = 30_000;
export const WRITE_DEFAULT_YIELD_MS = 250;
export const POLL_MAX_YIELD_MS = 300_000;
export const MIN_YIELD_MS = 250;
const CHARS_PER_TOKEN = 4;

export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function summaryLine(command: string): string {
  const first = command.split('\n')[0] ?? '';
  const more = command.includes('\n') ? ' …' : '';
  return first.length > 200 ? `${first.slice(0, 200)}…` : first + more;
}

export function manager(ctx: ToolContext): ExecSessionManager {
  if (!ctx.exec) throw new Error('exec sessions are not available in this runtime');
  return ctx.exec;
}

/** Renders what a session produced since the last read, within `maxChars`. */
function renderOutput(s: ExecSession, maxChars: number): { text: string; truncated: boolean } {
  const { head, tail, omitted } = s.take();
  let text =
    omitted > 0 ? `${head}\n[... ${omitted} characters of output omitted ...]\n${tail}` : head + tail;
  let truncated = omitted > 0;
  if (text.length > maxChars) {
    const t = truncateHeadTail(text, maxChars);
    text = `${t.head}\n[... ${t.omittedChars} characters of output omitted ...]\n${t.tail}`;
    truncated = true;
  }
  if (s.replacedControls > 0 && !s.tty)
    text += `\n[${s.replacedControls} binary control bytes shown as \uFFFD]`;
  if (truncated && s.spillPath)
    text += `\n[the whole output of this process so far is saved to ${s.spillPath}; read it with read_file]`;
  return { text, truncated };
}

export function report(
  s: ExecSession,
  started: number,
  maxChars: number,
  notes: string[],
): ToolOutcome & { ended: boolean } {
  const { text, truncated } = renderOutput(s, maxChars);
  const wall = ((Date.now() - started) / 1000).toFixed(4);
  const lines = [...notes, `Wall time: ${wall} seconds`];
  let status: ToolOutcome['status'] = 'ok';
  let exitCode: number | undefined;
  if (s.ended) {
    exitCode = s.exitCode ?? 128 + signalNumber(s.exitSignal);
    if (exitCode !== 0) status = 'error';
    lines.push(`Process exited with code ${exitCode}${s.exitSignal ? ` (${s.exitSignal})` : ''}`);
  } else lines.push(`Process running with session ID ${s.id}`);
  lines.push('Output:', text);
  const out: ToolOutcome & { ended: boolean } = {
    status,
    output: lines.join('\n'),
    selfTruncated: true,
    ended: s.ended,
  };
  if (exitCode !== undefined) out.exitCode = exitCode;
  if (truncated) out.truncated = true;
  if (truncated && s.spillPath) out.spillPath = s.spillPath;
  return out;
}

function signalNumber(sig: string | null): number {
  if (!sig) return 1;
  const m = /(\d+)/.exec(sig);
  if (m) return Number(m[1]);
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };
  return table[sig] ?? 1;
}

export function evictionNotes(evicted: EndedSession[]): string[] {
  return evicted.map((e) => `[note: process ${e.id} (${summaryLine(e.command)}) was ended: ${e.reason}]`);
}

export function maxCharsFor(ctx: ToolContext, tokens: number | null): number {
  const cap = ctx.settings.toolOutputMaxChars;
  return tokens && tokens > 0 ? clamp(tokens * CHARS_PER_TOKEN, 400, cap) : cap;
}

/** Waits on a session, streaming its output to the UI meanwhile (coalesced, as shell does). */
export async function waitWatching(s: ExecSession, ms: number, opts: ToolRunOptions): Promise<void> {
  const onOutput = opts.onOutput;
  if (!onOutput) return s.wait(ms, opts.signal);
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (!pending) return;
    const text = pending;
    pending = '';
    try {
      onOutput(text);
    } catch {
      /* a listener error must not break the call */
    }
  };
  const stop = s.watch((text) => {
    pending += text;
    if (pending.length > 65_536) pending = pending.slice(-65_536);
    timer ??= setTimeout(flush, 100);
  });
  try {
    await s.wait(ms, opts.signal);
  } finally {
    stop();
    clearTimeout(timer);
    flush();
  }
}

export function unknownSession(ctx: ToolContext, id: number): string {
  const running = ctx.exec?.list() ?? [];
  const list = running.length
    ? `Running sessions: ${running.map((r) => `${r.id} (${summaryLine(r.command)})`).join(', ')}.`
    : 'No process is running.';
  return `write_stdin: no session ${id} (it ended and its output was already returned, or it never existed). ${list} Start a process with exec_command.`;
}

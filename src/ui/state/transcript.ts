/**
 * The transcript reducer: committed entries (printed once into scrollback through `<Static>`)
 * versus the live part (the streaming tail, reasoning, running tool cards). Pure.
 */

import type { AgentEvent } from '../../agent/events.js';
import { citationLine, sourcesText } from '../../output/citations.js';
import { sanitizeText } from '../sanitize.js';
import type { Entry, NewEntry, ToolView } from './entries.js';
import { TOOL_LINE_MAX, TOOL_TAIL_LINES } from './entries.js';
import {
  appendDelta,
  flushStream,
  newStream,
  replaceItem,
  resetAttempt,
  type StreamState,
} from './stream.js';

/** Transcript state. */
export interface TranscriptState {
  entries: readonly Entry[];
  nextId: number;
  stream: StreamState | null;
  /** Live reasoning summary of the current call ('' when none). */
  reasoning: string;
  /** Tool calls not finished yet, in proposal order. */
  tools: readonly ToolView[];
  /** Final text of the last assistant answer (for `/copy`). */
  lastAnswer: string;
  /** True while the stream has deltas not yet run through {@link flushTranscript}. */
  dirty: boolean;
}

/** Empty transcript. */
export function initialTranscript(): TranscriptState {
  return { entries: [], nextId: 1, stream: null, reasoning: '', tools: [], lastAnswer: '', dirty: false };
}

/** Appends committed entries. */
export function commit(s: TranscriptState, ...items: NewEntry[]): TranscriptState {
  if (items.length === 0) return s;
  let id = s.nextId;
  const added = items.map((e) => ({ ...e, id: id++ }) as Entry);
  return { ...s, entries: [...s.entries, ...added], nextId: id };
}

/** Shown when a retried attempt ended without repeating all of the partial text shown before. */
export const DISCARDED_NOTICE =
  'The retried answer did not repeat all of the partial text above; the part it did not repeat was discarded.';

/** Runs the stream's block splitter and commits what is complete. */
export function flushTranscript(s: TranscriptState, final: boolean | 'turn' = false): TranscriptState {
  if (!s.stream) return s.dirty ? { ...s, dirty: false } : s;
  const r = flushStream(s.stream, final);
  let next: TranscriptState = { ...s, stream: r.stream, dirty: false };
  if (r.discarded) {
    next = commit(next, { kind: 'notice', level: 'warn', text: DISCARDED_NOTICE });
  }
  if (r.diverged) {
    next = commit(next, {
      kind: 'notice',
      level: 'warn',
      text: 'The retried answer differs from the partial text above; showing it in full.',
    });
  }
  return commit(next, ...r.commits.map((text): NewEntry => ({ kind: 'markdown', text })));
}

function endStream(s: TranscriptState): TranscriptState {
  if (!s.stream) return s;
  const flushed = flushTranscript(s, 'turn');
  const reasoning = flushed.reasoning.trim();
  const withReasoning = reasoning ? commit(flushed, { kind: 'reasoning', text: reasoning }) : flushed;
  return { ...withReasoning, stream: null, reasoning: '' };
}

function updateTool(s: TranscriptState, callId: string, f: (t: ToolView) => ToolView): TranscriptState {
  const i = s.tools.findIndex((t) => t.callId === callId);
  if (i === -1) return s;
  const tools = s.tools.slice();
  tools[i] = f(tools[i] as ToolView);
  return { ...s, tools };
}

function finishTool(s: TranscriptState, callId: string, f: (t: ToolView) => ToolView): TranscriptState {
  const t = s.tools.find((x) => x.callId === callId);
  if (!t) return s;
  return commit({ ...s, tools: s.tools.filter((x) => x.callId !== callId) }, { kind: 'tool', tool: f(t) });
}

/** Adds an output chunk to a tool card: keeps the last few lines, bounded. */
export function addToolOutput(t: ToolView, chunk: string): ToolView {
  const parts = sanitizeText(t.partial + chunk).split('\n');
  const partial = (parts.pop() ?? '').slice(-TOOL_LINE_MAX);
  const complete = parts.map((l) => (l.length > TOOL_LINE_MAX ? `${l.slice(0, TOOL_LINE_MAX)}…` : l));
  return {
    ...t,
    partial,
    lines: t.lines + complete.length,
    tail: [...t.tail, ...complete].slice(-TOOL_TAIL_LINES),
  };
}

function newTool(callId: string, name: string, subject: ToolView['subject']): ToolView {
  return {
    callId,
    name,
    subject,
    status: 'proposed',
    sandboxed: false,
    startedAt: null,
    tail: [],
    partial: '',
    lines: 0,
    result: null,
  };
}

/** Commits the "Interrupted." notice once (turn_finished and the run's end may both report it). */
function interrupted(s: TranscriptState): TranscriptState {
  let next = s;
  for (const t of next.tools) next = finishTool(next, t.callId, (x) => ({ ...x, status: 'interrupted' }));
  const last = next.entries[next.entries.length - 1];
  if (last?.kind === 'notice' && last.text === 'Interrupted.') return next;
  return commit(next, { kind: 'notice', level: 'warn', text: 'Interrupted.' });
}

/** Applies one agent event; `now` is the UI clock (ms). */
export function transcriptReducer(s: TranscriptState, e: AgentEvent, now: number): TranscriptState {
  switch (e.type) {
    case 'session_started':
      // The screen may have shown this session's banner already (at startup, before the agent
      // connected); a new id (/new, /resume, also back to an earlier one) gets its own.
      if (s.entries.findLast((x) => x.kind === 'banner')?.banner.sessionId === e.sessionId) return s;
      return commit(endStream(s), {
        kind: 'banner',
        banner: {
          sessionId: e.sessionId,
          model: e.model,
          cwd: e.cwd,
          sandbox: e.sandbox,
          approval: e.approval,
          resumed: e.resumed,
          instructionFiles: e.instructionFiles,
          simulated: false,
        },
      });
    case 'user_message':
      return commit(endStream(s), { kind: 'user', text: e.text });
    case 'turn_started': {
      const ended = s.stream && s.stream.turnId !== e.turnId ? endStream(s) : s;
      return ended.stream ? ended : { ...ended, stream: newStream(e.turnId) };
    }
    case 'assistant_delta': {
      const stream = s.stream?.turnId === e.turnId ? s.stream : newStream(e.turnId);
      const base = s.stream && s.stream !== stream ? endStream(s) : s;
      return { ...base, stream: appendDelta(stream, e.itemId, e.text), dirty: true };
    }
    case 'assistant_item_done': {
      const stream = s.stream?.turnId === e.turnId ? s.stream : newStream(e.turnId);
      const base = s.stream && s.stream !== stream ? endStream(s) : s;
      const replaced = { ...base, stream: replaceItem(stream, e.itemId, e.text), lastAnswer: e.text };
      // The item is complete: everything up to its end can be committed.
      const flushed = flushTranscript(replaced, true);
      // URL citations of a web-searched answer, as numbered footnotes under it.
      return e.citations?.length
        ? commit(flushed, { kind: 'notice', level: 'info', text: sourcesText(e.citations) })
        : flushed;
    }
    case 'web_search': {
      if (e.status !== 'completed' && e.status !== 'failed') return s;
      const what = e.status === 'failed' ? 'Web search failed' : 'Searched the web';
      return commit(endStream(s), {
        kind: 'notice',
        level: e.status === 'failed' ? 'warn' : 'info',
        text: `${what}${e.query ? `: ${citationLine(e.query)}` : ''}`,
      });
    }
    case 'reasoning_delta':
      return { ...s, reasoning: s.reasoning + e.text };
    case 'reasoning_done': {
      // The summary is complete: print it now, above the answer it precedes.
      const text = e.text.trim();
      return text ? commit({ ...s, reasoning: '' }, { kind: 'reasoning', text }) : { ...s, reasoning: '' };
    }
    case 'turn_retrying':
      return { ...s, stream: s.stream ? resetAttempt(s.stream) : null, reasoning: '', dirty: false };
    case 'tool_proposed': {
      const ended = endStream(s);
      if (ended.tools.some((t) => t.callId === e.callId)) return ended;
      return { ...ended, tools: [...ended.tools, newTool(e.callId, e.name, e.subject)] };
    }
    case 'approval_requested': {
      const known = s.tools.some((t) => t.callId === e.callId);
      const base = known ? s : { ...endStream(s), tools: [...s.tools, newTool(e.callId, e.name, e.subject)] };
      return updateTool(base, e.callId, (t) => ({ ...t, status: 'awaiting' }));
    }
    case 'approval_resolved':
      if (e.decision === 'deny') {
        return finishTool(s, e.callId, (t) => ({
          ...t,
          status: 'denied',
          ...(e.reason ? { reason: e.reason } : {}),
        }));
      }
      return updateTool(s, e.callId, (t) => ({ ...t, status: 'proposed' }));
    case 'tool_started': {
      const known = s.tools.some((t) => t.callId === e.callId);
      const base = known ? s : { ...endStream(s), tools: [...s.tools, newTool(e.callId, e.name, e.subject)] };
      return updateTool(base, e.callId, (t) => ({
        ...t,
        subject: e.subject,
        status: 'running',
        startedAt: now,
        sandboxed: e.sandboxed,
      }));
    }
    case 'tool_output':
      return updateTool(s, e.callId, (t) => addToolOutput(t, e.chunk));
    case 'tool_finished':
      return finishTool(s, e.callId, (t) => {
        const withTail = t.partial ? { ...addToolOutput(t, '\n') } : t;
        return {
          ...withTail,
          status: e.result.status === 'aborted' ? 'interrupted' : 'done',
          result: e.result,
        };
      });
    case 'turn_finished': {
      let next = endStream(s);
      if (e.status === 'cancelled' || e.status === 'failed') {
        // Cards still live were cut off by the interrupt/failure (codex interrupt_exec_marks_failed).
        for (const t of next.tools)
          next = finishTool(next, t.callId, (x) => ({ ...x, status: 'interrupted' }));
      }
      if (e.status === 'cancelled') return interrupted(next);
      if (e.status === 'failed')
        return commit(next, {
          kind: 'notice',
          level: 'error',
          text: `Turn failed: ${e.error ?? 'unknown error'}`,
        });
      if (e.status === 'incomplete')
        return commit(next, {
          kind: 'notice',
          level: 'warn',
          text: `Response incomplete${e.error ? `: ${e.error}` : ''}.`,
        });
      return next;
    }
    case 'compaction':
      return commit(s, {
        kind: 'notice',
        level: 'info',
        text: `Context ${e.auto ? 'auto-' : ''}compacted: ${e.tokensBefore} → ${e.tokensAfter} tokens.`,
      });
    case 'warning':
      return commit(s, { kind: 'notice', level: 'warn', text: e.message });
    case 'processes_ended':
      return commit(s, {
        kind: 'notice',
        level: 'info',
        text: `Ended ${e.processes.length} background process(es): ${e.processes.map((p) => p.command.split('\n')[0]).join(', ')}.`,
      });
    case 'error':
      // The run's end after Esc is reported as an error with code `cancelled`: not an error to the user.
      if (e.code === 'cancelled') return interrupted(endStream(s));
      {
        // The run ends with the failure its turn just reported: said once, not twice.
        const last = s.entries[s.entries.length - 1];
        if (last?.kind === 'notice' && last.level === 'error' && last.text === `Turn failed: ${e.message}`)
          return s;
      }
      return commit(s, {
        kind: 'notice',
        level: 'error',
        text: e.code ? `${e.message} (${e.code})` : e.message,
      });
    case 'transport':
      if (e.event.type === 'fallback_http') {
        return commit(s, {
          kind: 'notice',
          level: 'warn',
          text: `Falling back from WebSocket to ${e.event.scheme === 'http' ? 'HTTP' : 'HTTPS'} transport: ${e.event.reason}`,
        });
      }
      return s;
    case 'usage':
    case 'run_finished':
      return s;
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

/**
 * The invariants checked after every chaos session (RELIABILITY R7, R8, R25). Each check
 * returns human-readable violations; an empty list means the session was clean.
 */
import type { AgentEvent } from '../../src/agent/events.js';
import type { RecordedRequest } from '../../src/simulator/index.js';
import type { LoadedSession } from '../../src/store/session-loader.js';
import type { ChaosPlan } from './chaos-plan.js';

/** How one prompt's run ended (`hang` = no terminal outcome before the deadline). */
export type PromptOutcome = 'success' | 'failed' | 'cancelled' | 'hang';

/** Side-effect counts of one session. */
export interface SideEffectCounts {
  toolCallsRun: number;
  duplicates: number;
  lost: number;
}

const LINE_RE = /^m-p(\d+)-s(\d+)-c(\d+)-(\S+)$/;
const ID_RE = /«[an]\d+(?:\.\d+)?»/g;

/** R8: no call ran twice, none was lost, every side effect belongs to a recorded call. */
export function checkSideEffects(
  ledgerText: string,
  events: AgentEvent[],
  loaded: LoadedSession | null,
  out: string[],
): SideEffectCounts {
  const started = new Map<string, number>();
  const finished = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'tool_started') started.set(e.callId, (started.get(e.callId) ?? 0) + 1);
    if (e.type === 'tool_finished') finished.set(e.callId, e.result.status);
  }
  let duplicates = 0;
  let lost = 0;
  for (const [id, n] of started) {
    if (n > 1) {
      duplicates += n - 1;
      out.push(`tool call ${id} started ${n} times`);
    }
  }
  const byCall = new Map<string, number>();
  const byMarker = new Map<string, Set<string>>();
  for (const line of ledgerText.split('\n')) {
    if (line.trim() === '') continue;
    const m = LINE_RE.exec(line.trim());
    if (!m) {
      out.push(`garbled side-effect line ${JSON.stringify(line)}`);
      continue;
    }
    const callId = m[4] as string;
    const marker = `p${m[1]}-s${m[2]}-c${m[3]}`;
    byCall.set(callId, (byCall.get(callId) ?? 0) + 1);
    const ids = byMarker.get(marker) ?? new Set<string>();
    ids.add(callId);
    byMarker.set(marker, ids);
    if (!started.has(callId)) out.push(`side effect of ${callId} (${marker}) has no tool_started event`);
  }
  for (const [callId, n] of byCall) {
    if (n > 1) {
      duplicates += n - 1;
      out.push(`side effect of ${callId} ran ${n} times`);
    }
  }
  for (const [marker, ids] of byMarker) {
    // The same script step executed under two call ids means its first output never reached
    // the model (the step was re-planned): a lost output.
    if (ids.size > 1) {
      lost += ids.size - 1;
      out.push(
        `step ${marker} executed for ${ids.size} different calls (${[...ids].join(', ')}): an output was lost`,
      );
    }
  }
  for (const [callId, status] of finished) {
    if (status === 'ok' && !byCall.has(callId)) {
      lost++;
      out.push(`tool call ${callId} finished ok but its side effect is missing`);
    }
  }
  if (loaded) {
    for (const entry of loaded.ledger) {
      if (entry.state === 'running')
        out.push(`ledger entry ${entry.callId} still 'running' after the session`);
    }
  }
  return { toolCallsRun: [...started.values()].reduce((a, b) => a + b, 0), duplicates, lost };
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Codex-style request invariants: every output answers a call, every full-context call has an output. */
export function checkPairing(creates: RecordedRequest[], events: AgentEvent[], out: string[]): void {
  // Calls the model issued in completed responses (chained requests answer them without
  // repeating the call item).
  const known = new Set<string>();
  for (const e of events) if (e.type === 'tool_proposed') known.add(e.callId);
  for (const r of creates)
    for (const it of arr(rec(r.body)['input']))
      if (rec(it)['type'] === 'function_call') known.add(String(rec(it)['call_id']));
  for (const r of creates) {
    const body = rec(r.body);
    // Warm-ups (generate:false) are named apart: a rotation warm-up with dangling calls is FINDINGS F4.
    const what = body['generate'] === false ? `warm-up request #${r.seq}` : `request #${r.seq}`;
    if (r.errorCode === 'invalid_request_error') out.push(`${what} rejected by the server as invalid`);
    const input = arr(body['input']);
    const chained = typeof body['previous_response_id'] === 'string';
    const calls = new Set<string>();
    const callCounts = new Map<string, number>();
    const outputs = new Map<string, number>();
    for (const raw of input) {
      const it = rec(raw);
      if (it['type'] === 'function_call') {
        const id = String(it['call_id']);
        calls.add(id);
        callCounts.set(id, (callCounts.get(id) ?? 0) + 1);
      }
      if (it['type'] === 'function_call_output') {
        const id = it['call_id'];
        if (typeof id !== 'string' || id === '') {
          out.push(`${what}: function_call_output with empty call_id`);
          continue;
        }
        outputs.set(id, (outputs.get(id) ?? 0) + 1);
        if (!calls.has(id) && !(chained && known.has(id)))
          out.push(`${what}: output for ${id} matches no prior call`);
      }
    }
    // A call the service re-delivered under the same call_id is answered once per delivery.
    for (const [id, n] of outputs)
      if (n > Math.max(1, callCounts.get(id) ?? 0)) out.push(`${what}: ${n} outputs for ${id}`);
    if (!chained)
      for (const id of calls)
        if (!outputs.has(id)) out.push(`${what}: full-context call ${id} has no output`);
  }
}

/** Occurrences of every «a…»/«n…» text id in `texts`. */
function idCounts(texts: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of texts) for (const id of t.match(ID_RE) ?? []) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

/**
 * R7: assistant text is never duplicated and, for completed prompts, present exactly once and
 * in full. `where` names the view (UI transcript, JSONL, session file) in the messages.
 */
export function checkAssistantText(
  where: string,
  texts: string[],
  plan: ChaosPlan,
  outcomes: PromptOutcome[],
  out: string[],
): void {
  const counts = idCounts(texts);
  for (const [id, n] of counts) if (n > 1) out.push(`${where}: assistant text ${id} appears ${n} times`);
  const all = texts.join('\n');
  plan.prompts.forEach((p, i) => {
    if (outcomes[i] !== 'success') return;
    for (const para of p.answer) {
      if (!all.includes(para))
        out.push(
          `${where}: answer paragraph ${para.slice(0, 8)} of completed prompt ${p.tag} missing or altered`,
        );
    }
  });
}

/** Every `turn_started` reaches a `turn_finished`; every prompt reached a terminal outcome. */
export function checkTerminal(events: AgentEvent[], outcomes: PromptOutcome[], out: string[]): void {
  const open = new Set<string>();
  for (const e of events) {
    if (e.type === 'turn_started') open.add(e.turnId);
    if (e.type === 'turn_finished') open.delete(e.turnId);
  }
  for (const id of open) out.push(`turn ${id} never finished`);
  outcomes.forEach((o, i) => {
    if (o === 'hang') out.push(`prompt ${i + 1} did not reach a terminal state before the deadline`);
  });
}

/** The session file reloads cleanly and holds each completed answer once. */
export function checkReload(loaded: LoadedSession | null, loadError: string | null, out: string[]): void {
  if (loadError || !loaded) {
    out.push(`session file did not load: ${loadError ?? 'missing'}`);
    return;
  }
  if (loaded.metaMissing) out.push('session file lost its session_meta');
  if (loaded.stats.skipped > 0) out.push(`session file has ${loaded.stats.skipped} garbled lines`);
  if (loaded.stats.tornTail) out.push('session file ends in a torn line');
}

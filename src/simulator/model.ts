/**
 * The scripted "model": from the reconstructed conversation it replays the scenario's steps
 * (following branches and `next` jumps over the tool batches already answered) and plans the
 * next response. The plan depends only on the conversation, so a turn re-requested after a
 * failure gets the same kind of output (with new ids).
 */
import { type Analysis, batchOutputs, type FoldedState } from './conversation.js';
import { generateMarkdown } from './markdown-gen.js';
import type { Condition, Scenario, ScenarioStep, ScenarioTurn, StepBody } from './scenario-types.js';
import { mapCall, type PlannedCall } from './tool-mapping.js';

/** The content of one planned response. */
export interface PlannedResponse {
  reasoning: string[];
  say?: string;
  calls: PlannedCall[];
  /** Hosted web searches (only when the request declares `web_search`). */
  searches: Array<{ query: string; status: 'completed' | 'failed' }>;
  citations: Array<{ url: string; title?: string; quote?: string }>;
  fail?: { code: string; message: string };
  incomplete?: 'max_output_tokens' | 'content_filter';
  /** Model state at the start of this response (folded into compaction items). */
  state: FoldedState;
}

/** Whether the request's `tools` offer the hosted web search. */
function declaresWebSearch(tools: unknown): boolean {
  return (
    Array.isArray(tools) &&
    tools.some(
      (t) =>
        typeof t === 'object' &&
        t !== null &&
        typeof (t as { type?: unknown }).type === 'string' &&
        /^web_search(_preview)?(_\d{4}_\d{2}_\d{2})?$/.test((t as { type: string }).type),
    )
  );
}

const DEFAULT_FALLBACK = '(simulated model) There is nothing more in this script.';

function includesCI(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

/**
 * What clients send back for a call the user refused (tether: "The user denied this tool call";
 * Codex: "rejected by user"); lower case.
 */
const DENIAL_MARKERS = ['the user denied this tool call', 'rejected by user', 'declined by the user'];

/** True when the outputs of a batch say the user denied one of its calls. */
export function wasDenied(outputs: string): boolean {
  const o = outputs.toLowerCase();
  return DENIAL_MARKERS.some((m) => o.includes(m));
}

function conditionHolds(c: Condition, prevOutputs: string, user: string): boolean {
  if (c.denied !== undefined && c.denied !== wasDenied(prevOutputs)) return false;
  if (c.output !== undefined && !includesCI(prevOutputs, c.output)) return false;
  if (c.outputLacks !== undefined && includesCI(prevOutputs, c.outputLacks)) return false;
  if (c.user !== undefined && !includesCI(user, c.user)) return false;
  return true;
}

/** The body a step produces given its input (branches resolved). */
function resolveStep(step: ScenarioStep, prevOutputs: string, user: string): StepBody {
  if (!step.branches) return step;
  for (const b of step.branches) if (!b.if || conditionHolds(b.if, prevOutputs, user)) return b;
  return { say: DEFAULT_FALLBACK };
}

function nextPointer(steps: ScenarioStep[], pointer: number, body: StepBody): number {
  if (body.next !== undefined) {
    const target = steps.findIndex((s) => s.id === body.next);
    if (target >= 0) return target;
  }
  return pointer + 1;
}

/** The turn answering user message number `ordinal` with text `user`. */
export function selectTurn(scenario: Scenario, ordinal: number, user: string): ScenarioTurn | undefined {
  const byText = scenario.turns.find((t) => t.when?.user !== undefined && includesCI(user, t.when.user));
  if (byText) return byText;
  const positional = scenario.turns[ordinal - 1];
  if (positional && positional.when?.user === undefined) return positional;
  const plain = scenario.turns.filter((t) => t.when?.user === undefined);
  return plain[plain.length - 1];
}

function callsOf(body: StepBody): StepBody['calls'] {
  return [...(body.call ? [body.call] : []), ...(body.calls ?? [])];
}

function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (m, name: string) => vars[name] ?? m);
}

function fillDeep(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return fill(value, vars);
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, vars));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, vars)]));
  }
  return value;
}

/** Plans the next response for the conversation described by `a`. */
export function planResponse(scenario: Scenario, a: Analysis, tools: unknown): PlannedResponse {
  const turn = selectTurn(scenario, Math.max(1, a.userOrdinal), a.lastUser);
  const steps = turn?.steps ?? [];
  let pointer = a.resume?.pointer ?? 0;
  let prevOutputs = a.resume?.prevOutputs ?? '';
  for (const batch of a.batches) {
    const step = steps[pointer];
    if (!step) break;
    pointer = nextPointer(steps, pointer, resolveStep(step, prevOutputs, a.lastUser));
    prevOutputs = batchOutputs(batch);
  }
  // Capped so compaction blobs stay small; branch conditions only look at short substrings.
  const state: FoldedState = {
    userOrdinal: a.userOrdinal,
    lastUser: a.lastUser.slice(0, 1000),
    pointer,
    prevOutputs: prevOutputs.slice(0, 2000),
  };
  const step = steps[pointer];
  const body: StepBody = step
    ? resolveStep(step, prevOutputs, a.lastUser)
    : { say: scenario.fallback ?? DEFAULT_FALLBACK };
  const vars = {
    user: a.lastUser,
    step: String(pointer + 1),
    turn: String(a.userOrdinal),
    output: prevOutputs.slice(0, 2000),
  };
  const plan: PlannedResponse = {
    reasoning:
      body.reasoning === undefined
        ? []
        : (Array.isArray(body.reasoning) ? body.reasoning : [body.reasoning]).map((r) => fill(r, vars)),
    calls: (callsOf(body) ?? []).map((c) =>
      mapCall(
        {
          tool: c.tool,
          args: fillDeep(c.args ?? {}, vars) as Record<string, unknown>,
          ...(typeof c.input === 'string' ? { input: fill(c.input, vars) } : {}),
        },
        tools,
      ),
    ),
    searches: declaresWebSearch(tools)
      ? (Array.isArray(body.search) ? body.search : body.search ? [body.search] : []).map((q) => ({
          query: fill(q.query, vars),
          status: q.status ?? 'completed',
        }))
      : [],
    citations: body.citations ?? [],
    state,
  };
  if (body.say !== undefined)
    plan.say = typeof body.say === 'string' ? fill(body.say, vars) : generateMarkdown(body.say.chars);
  if (body.fail) plan.fail = body.fail;
  if (body.incomplete) plan.incomplete = body.incomplete;
  return plan;
}

/**
 * The seeded plan of one chaos session: a scenario of 5–20 model calls (user prompts, shell calls
 * that append `<marker>-<call_id>` lines to ledger.txt, multi-paragraph answers) and a random mix
 * of every fault the simulator has, plus cancellations. Everything derives from the seed, so
 * `CHAOS_SEED=<n>` replays the same plan.
 */
import type {
  DropFault,
  ErrorFault,
  FaultSpec,
  MalformedFault,
  Scenario,
  ScenarioStep,
} from '../../src/simulator/index.js';
import { type Random, seededRandom } from '../../src/util/random.js';

/** Every fault kind the chaos suite injects (counted in the soak report). */
export const FAULT_KINDS = [
  'drop',
  'drop_fatal_code',
  'half_open',
  'stall',
  'age_limit',
  'prev_not_found',
  'upgrade_refusal',
  'rate_limit_429',
  'connection_limit',
  'server_error',
  'malformed',
  'http_status',
  'cancel',
  'event_delay',
  // Drawn after the mix above (so the plans of existing seeds keep their faults):
  'redeliver',
  'slow_tool',
] as const;

/** Kinds drawn in the random mix (the rest are drawn separately, after it). */
const MIXED_KINDS = FAULT_KINDS.filter((k) => k !== 'redeliver' && k !== 'slow_tool');

/** One fault kind. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One user prompt of the plan. */
export interface PlannedPrompt {
  /** Unique tag the scenario turn is selected by (`when.user`), e.g. `«p3»`. */
  tag: string;
  text: string;
  /** Responses with tool calls before the answer. */
  toolSteps: number;
  /** Shell calls planned in this turn. */
  calls: number;
  /** The final answer's paragraphs (each unique in the whole session). */
  answer: string[];
  /** Cancel the run this long after submitting it (ms), if set. */
  cancelAfterMs?: number;
}

/** A whole session plan. */
export interface ChaosPlan {
  seed: number;
  scenario: Scenario;
  prompts: PlannedPrompt[];
  faults: FaultSpec;
  /** Kinds injected (one entry per injected fault). */
  kinds: FaultKind[];
  /** Planned model calls (responses) without retries. */
  modelCalls: number;
  /** Client settings that vary per seed. */
  rotationAgeMs: number;
  /** Sandbox setting for shell calls (`auto` uses bubblewrap when it works). */
  sandbox: 'auto' | 'off';
  /** Transport setting: mostly `auto` (WebSocket with SSE fallback), sometimes HTTP+SSE only. */
  transport: 'auto' | 'http';
}

const WORDS =
  'socket chain ledger retry output turn stream delta buffer marker record replay session cursor fence patch'.split(
    ' ',
  );

const int = (r: Random, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

function paragraph(r: Random, id: string): string {
  const n = int(r, 8, 22);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(pick(r, WORDS));
  return `${id} ${words.join(' ')}.`;
}

function planPrompts(r: Random): PlannedPrompt[] {
  for (;;) {
    const count = int(r, 2, 6);
    const prompts: PlannedPrompt[] = [];
    let calls = 0;
    for (let i = 1; i <= count; i++) {
      const toolSteps = int(r, 0, 2);
      const tag = `«p${i}»`;
      const answer = Array.from({ length: int(r, 1, 3) }, (_, k) => paragraph(r, `«a${i}.${k + 1}»`));
      prompts.push({ tag, text: `Task ${tag}: please append the markers.`, toolSteps, calls: 0, answer });
      calls += toolSteps + 1;
    }
    if (calls >= 5 && calls <= 20) return prompts;
  }
}

function turnSteps(r: Random, p: PlannedPrompt, index: number): ScenarioStep[] {
  const steps: ScenarioStep[] = [];
  for (let k = 1; k <= p.toolSteps; k++) {
    const parallel = r() < 0.3 ? 2 : 1;
    const calls = Array.from({ length: parallel }, (_, j) => ({
      tool: 'shell',
      args: { command: `echo m-p${index}-s${k}-c${j + 1}-{{call_id}} >> ledger.txt` },
    }));
    p.calls += parallel;
    const step: ScenarioStep = parallel === 1 ? { call: calls[0] } : { calls };
    if (r() < 0.3) step.say = paragraph(r, `«n${index}.${k}»`);
    if (r() < 0.2) step.reasoning = `Thinking about step ${k}.`;
    steps.push(step);
  }
  steps.push({ say: p.answer.join('\n\n') });
  return steps;
}

/** Builds the fault mix: 1–4 kinds, each aimed at a random request (warm-ups included). */
function planFaults(
  r: Random,
  requests: number,
  prompts: PlannedPrompt[],
): { spec: FaultSpec; kinds: FaultKind[] } {
  const spec: FaultSpec = {};
  const kinds: FaultKind[] = [];
  const drops: DropFault[] = [];
  const errors: ErrorFault[] = [];
  const malformed: MalformedFault[] = [];
  const req = () => int(r, 1, requests);
  const n = int(r, 1, 4);
  for (let i = 0; i < n; i++) {
    const kind = pick(r, MIXED_KINDS);
    switch (kind) {
      case 'drop':
        drops.push(
          r() < 0.5
            ? { request: req(), event: int(r, 0, 14), mode: 'terminate', times: 1 }
            : {
                request: req(),
                event: int(r, 0, 14),
                mode: 'close',
                code: pick(r, [1000, 1001, 1011, 1012, 1013]),
                times: 1,
              },
        );
        break;
      case 'drop_fatal_code':
        drops.push({
          request: req(),
          event: int(r, 1, 10),
          mode: 'close',
          code: pick(r, [1002, 1003, 1008]),
          times: 1,
        });
        break;
      case 'half_open':
        spec.halfOpen = { request: req(), event: int(r, 1, 8), times: 1 };
        break;
      case 'stall':
        spec.stall = { request: req(), event: int(r, 1, 8), times: 1 };
        break;
      case 'age_limit':
        spec.ageLimitMs = int(r, 80, 400);
        break;
      case 'prev_not_found':
        spec.prevNotFound = { every: int(r, 2, 4) };
        break;
      case 'upgrade_refusal':
        spec.refuseUpgrade = {
          status: pick(r, [426, 429, 503]),
          times: int(r, 1, 3),
          headers: { 'retry-after-ms': String(int(r, 5, 30)), 'retry-after': '0' },
        };
        break;
      case 'rate_limit_429':
        errors.push({
          request: req(),
          event: int(r, 0, 2),
          shape: 'wrapped',
          status: 429,
          code: 'rate_limit_exceeded',
          headers: { 'retry-after-ms': String(int(r, 5, 40)) },
          times: 1,
        });
        break;
      case 'connection_limit':
        errors.push({
          request: req(),
          event: int(r, 0, 3),
          shape: 'wrapped',
          status: 400,
          code: 'websocket_connection_limit_reached',
          times: 1,
        });
        break;
      case 'server_error':
        errors.push({
          request: req(),
          event: int(r, 0, 6),
          shape: pick(r, ['wrapped', 'flat', 'failed'] as const),
          status: 500,
          code: 'server_error',
          times: 1,
        });
        break;
      case 'malformed': {
        const target = req();
        const burst = r() < 0.25 ? 3 : 1; // 3 in one response crosses the protocol-error threshold (R13)
        for (let b = 0; b < burst; b++)
          malformed.push({
            request: target,
            event: int(r, 1, 8),
            kind: pick(r, ['json', 'binary', 'unknown-event'] as const),
            times: 1,
          });
        break;
      }
      case 'http_status':
        spec.httpStatus = {
          request: req(),
          status: pick(r, [429, 500, 503]),
          headers: { 'retry-after-ms': '10' },
          times: 1,
        };
        break;
      case 'cancel': {
        // Early (during the first model call) or late (during tools and later calls).
        const p = pick(r, prompts);
        p.cancelAfterMs = r() < 0.5 ? int(r, 0, 60) : int(r, 60, 600);
        break;
      }
      case 'event_delay':
        spec.eventDelayMs = int(r, 1, 3);
        break;
      default: {
        const unreachable: never = kind;
        void unreachable;
      }
    }
    kinds.push(kind);
  }
  if (drops.length > 0) spec.drop = drops;
  if (errors.length > 0) spec.error = errors;
  if (malformed.length > 0) spec.malformed = malformed;
  return { spec, kinds };
}

/** The plan for `seed`. */
export function chaosPlan(seed: number): ChaosPlan {
  const r = seededRandom(seed);
  const prompts = planPrompts(r);
  const scenario: Scenario = {
    name: `chaos-${seed}`,
    chunkChars: int(r, 6, 24),
    fallback: '(chaos) nothing more scripted.',
    turns: prompts.map((p, i) => ({ when: { user: p.tag }, steps: turnSteps(r, p, i + 1) })),
  };
  const modelCalls = prompts.reduce((n, p) => n + p.toolSteps + 1, 0);
  // Requests include a warm-up per connection and retries; aim faults across that range.
  const { spec, kinds } = planFaults(r, modelCalls + 3, prompts);
  const rotationAgeMs = r() < 0.2 ? int(r, 100, 400) : 55 * 60_000;
  const sandbox = r() < 0.15 ? 'auto' : 'off';
  const transport = r() < 0.1 ? 'http' : 'auto';
  const withTools = prompts.map((p, i) => ({ p, i })).filter(({ p }) => p.toolSteps > 0);
  if (withTools.length > 0 && r() < 0.2) {
    // A function call re-delivered with the same call_id after a reconnect (the drop forces one):
    // it must never run twice.
    spec.redeliverCall = { times: 1 };
    spec.drop = [
      ...(Array.isArray(spec.drop) ? spec.drop : spec.drop ? [spec.drop] : []),
      { request: int(r, 2, modelCalls + 2), event: int(r, 1, 6), mode: 'terminate', times: 1 },
    ];
    kinds.push('redeliver');
  }
  if (withTools.length > 0 && r() < 0.15) {
    // A tool that takes seconds, with the user's cancel landing while its process runs.
    const { p, i } = pick(r, withTools);
    const first = scenario.turns[i]!.steps[0]!;
    for (const call of first.calls ?? (first.call ? [first.call] : [])) {
      const args = call.args as { command: string };
      args.command = `sleep 2 && ${args.command}`;
    }
    p.cancelAfterMs = int(r, 300, 1500);
    kinds.push('slow_tool');
  }
  return { seed, scenario, prompts, faults: spec, kinds, modelCalls, rotationAgeMs, sandbox, transport };
}

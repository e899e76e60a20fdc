/**
 * Runs one seeded chaos session in-process through the real agent runtime
 * (`createAgentRuntime`) against the simulator with the plan's faults, then checks every
 * invariant. Timing settings are tens of milliseconds so faults resolve fast.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgentRuntime } from '../../src/agent/create.js';
import type { AgentEvent } from '../../src/agent/events.js';
import { defaultSettings, type Settings } from '../../src/config/schema.js';
import { JsonlWriter } from '../../src/output/jsonl-writer.js';
import { isMessage, messageText } from '../../src/protocol/items.js';
import { type RecordedRequest, startSimulator } from '../../src/simulator/index.js';
import { type LoadedSession, loadSessionFile } from '../../src/store/session-loader.js';
import { SessionWriter } from '../../src/store/session-writer.js';
import {
  DISCARDED_NOTICE,
  flushTranscript,
  initialTranscript,
  type TranscriptState,
  transcriptReducer,
} from '../../src/ui/state/transcript.js';
import {
  checkAssistantText,
  checkPairing,
  checkReload,
  checkSideEffects,
  checkTerminal,
  type PromptOutcome,
} from './chaos-checks.js';
import { handleCounts, isClean, type LeakReport, waitForNoLeaks } from './chaos-leaks.js';
import { type ChaosPlan, chaosPlan, type FaultKind } from './chaos-plan.js';

/** A fake key with the real shape: it must never show up anywhere (checked by the security suite). */
export const CHAOS_API_KEY = 'sk-chaos-0123456789abcdefghijklmnopqrstuv';

/** Outcome of one session. */
export interface ChaosResult {
  seed: number;
  violations: string[];
  kinds: FaultKind[];
  prompts: number;
  outcomes: PromptOutcome[];
  turnsCompleted: number;
  toolCallsRun: number;
  duplicates: number;
  lost: number;
  leaks: LeakReport;
  retries: number;
  reconnects: number;
  /** WebSocket handshakes the simulator accepted. */
  connections: number;
  fallbacks: number;
  rechains: number;
  requests: number;
  /** `terminalReason: error` of every prompt that did not succeed. */
  failReasons: string[];
  durationMs: number;
}

/** Options of {@link runChaosSession}. */
export interface ChaosOptions {
  /** Deadline per prompt before it counts as a hang (ms). */
  promptDeadlineMs?: number;
  /** Check for leaked processes/handles after this session (off when sessions run concurrently; the batch checks). */
  checkLeaks?: boolean;
}

function settingsFor(plan: ChaosPlan, baseUrl: string): Settings {
  return {
    ...defaultSettings(),
    baseUrl,
    transport: plan.transport,
    approval: 'full-auto',
    sandbox: plan.sandbox,
    connectTimeoutMs: 1000,
    rotationAgeMs: plan.rotationAgeMs,
    heartbeatIntervalMs: 100,
    heartbeatTimeoutMs: 250,
    streamIdleTimeoutMs: 400,
    maxRetries: 5,
    backoffBaseMs: 2,
    backoffMaxMs: 20,
    fallbackReprobeTurns: 3,
    toolTimeoutMs: 10_000,
  };
}

/**
 * The assistant text the UI shows as standing: a retried attempt's partial text that the screen
 * marks as replaced (the "differs" notice) or discarded (the "did not repeat" notice) — the
 * markdown entries right before that notice — is not counted as shown twice.
 */
function shownAnswerTexts(ui: TranscriptState): string[] {
  const out: Array<string | null> = [];
  for (const e of ui.entries) {
    if (
      e.kind === 'notice' &&
      (e.text === DISCARDED_NOTICE || e.text.startsWith('The retried answer differs'))
    ) {
      for (let i = out.length - 1; i >= 0 && out[i] !== null; i--) out[i] = '';
      out.push(null);
    } else if (e.kind === 'markdown') out.push(e.text);
    else if (e.kind !== 'reasoning') out.push(null);
  }
  return out.filter((t): t is string => typeof t === 'string' && t !== '');
}

/** How long a prompt that missed its deadline is still watched, to tell "slow" from "stuck" (ms). */
const HANG_GRACE_MS = 30_000;

/**
 * Runs `prompt` with an optional cancel timer; a run that outlives the deadline is a hang. A hung
 * run is then watched for {@link HANG_GRACE_MS} more, and `late` says whether it ended after all
 * (a machine too loaded for the deadline) or not (really stuck), for the violation message.
 */
async function runPrompt(
  run: () => Promise<{ status: string }>,
  cancel: () => void,
  cancelAfterMs: number | undefined,
  deadlineMs: number,
  late: (note: string) => void,
): Promise<PromptOutcome> {
  let cancelTimer: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const started = Date.now();
  try {
    const p = run().then((o) => o.status as PromptOutcome);
    if (cancelAfterMs !== undefined) cancelTimer = setTimeout(cancel, cancelAfterMs);
    const hang = new Promise<PromptOutcome>((r) => {
      deadline = setTimeout(() => r('hang'), deadlineMs);
    });
    const outcome = await Promise.race([p, hang]);
    if (outcome === 'hang') {
      let grace: NodeJS.Timeout | undefined;
      const after = await Promise.race([
        p.catch(() => 'failed' as const),
        new Promise<'stuck'>((r) => {
          grace = setTimeout(() => r('stuck'), HANG_GRACE_MS);
        }),
      ]);
      clearTimeout(grace);
      late(
        after === 'stuck'
          ? `still running ${HANG_GRACE_MS} ms after the deadline: stuck`
          : `it ended (${after}) after ${Date.now() - started} ms: slow, not stuck`,
      );
    }
    return outcome;
  } catch {
    return 'failed';
  } finally {
    clearTimeout(cancelTimer);
    clearTimeout(deadline);
  }
}

function jsonlChecks(lines: string[], out: string[]): string[] {
  // Text completed in an attempt that was then retried is discarded by consumers (turn.retrying).
  const byTurn = new Map<string, string[]>();
  const started = new Map<string, string>();
  const ended = new Set<string>();
  const turnsReset = new Set<string>();
  for (const line of lines) {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      out.push(`JSONL line is not JSON: ${line.slice(0, 60)}`);
      continue;
    }
    const item = (rec['item'] ?? {}) as Record<string, unknown>;
    const turn = String(rec['turn_id']);
    if (rec['type'] === 'item.started' && item['type'] === 'agent_message')
      started.set(String(item['id']), turn);
    if (rec['type'] === 'item.completed' && item['type'] === 'agent_message') {
      ended.add(String(item['id']));
      byTurn.set(turn, [...(byTurn.get(turn) ?? []), String(item['text'])]);
    }
    if (rec['type'] === 'turn.retrying') byTurn.delete(turn);
    if (rec['type'] === 'turn.retrying' || rec['type'] === 'turn.failed') turnsReset.add(turn);
  }
  for (const [id, turn] of started) {
    if (!ended.has(id) && !turnsReset.has(turn))
      out.push(`JSONL: agent_message ${id} started but never completed nor discarded`);
  }
  return [...byTurn.values()].flat();
}

/** Prints the plan, every request and the agent events (CHAOS_DEBUG=1). */
function dumpDebug(plan: ChaosPlan, creates: RecordedRequest[], events: AgentEvent[]): void {
  const lines = [
    `plan ${JSON.stringify({ faults: plan.faults, kinds: plan.kinds, prompts: plan.prompts.map((p) => ({ tag: p.tag, steps: p.toolSteps, cancel: p.cancelAfterMs })) })}`,
  ];
  for (const r of creates) {
    const body = (r.body ?? {}) as Record<string, unknown>;
    const input = Array.isArray(body['input']) ? (body['input'] as Record<string, unknown>[]) : [];
    const items = input.map(
      (it) =>
        `${String(it['type'])}${it['call_id'] ? `:${String(it['call_id']).slice(-4)}` : ''}${it['role'] ? `:${String(it['role'])}` : ''}`,
    );
    lines.push(
      `req#${r.seq} ${r.transport} conn${r.connectionId} prev=${String(body['previous_response_id'] ?? '-').slice(-6)} gen=${String(r.generate ?? '')} resp=${String(r.responseId ?? '').slice(-6)} err=${r.errorCode ?? ''} [${items.join(' ')}]`,
    );
  }
  for (const e of events) {
    if (
      e.type === 'assistant_delta' ||
      e.type === 'reasoning_delta' ||
      e.type === 'tool_output' ||
      e.type === 'usage'
    )
      continue;
    const { type, ...rest } = e as { type: string } & Record<string, unknown>;
    lines.push(`  ev ${type} ${JSON.stringify(rest).slice(0, 200)}`);
  }
  console.log(lines.join('\n'));
}

/** Runs the session for `seed` and returns its result (violations empty when every invariant held). */
export async function runChaosSession(seed: number, opts: ChaosOptions = {}): Promise<ChaosResult> {
  const t0 = performance.now();
  const plan = chaosPlan(seed);
  const baseline = handleCounts();
  const root = mkdtempSync(join(tmpdir(), `tether-chaos-${seed}-`));
  const ws = join(root, 'ws');
  const home = join(root, 'home');
  mkdirSync(ws);
  mkdirSync(home);
  const violations: string[] = [];
  const events: AgentEvent[] = [];
  const jsonl: string[] = [];
  const outcomes: PromptOutcome[] = [];
  let ui: TranscriptState = initialTranscript();
  const sim = await startSimulator({
    apiKey: CHAOS_API_KEY,
    scenario: plan.scenario,
    faults: plan.faults,
    seed,
  });
  const writer = new SessionWriter({
    cwd: ws,
    model: 'gpt-chaos',
    dir: join(home, 'sessions'),
    gitBranch: () => null,
  });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    TETHER_HOME: home,
    OPENAI_API_KEY: CHAOS_API_KEY,
  };
  let loaded: LoadedSession | null = null;
  const debug = process.env['CHAOS_DEBUG'] === '1';
  let loadError: string | null = null;
  try {
    const rt = await createAgentRuntime({
      settings: settingsFor(plan, sim.url),
      cwd: ws,
      apiKey: CHAOS_API_KEY,
      interactive: false,
      sessionId: writer.sessionId,
      persistence: writer,
      env,
    });
    // JSONL is one stream per --prompt run: a fresh writer per prompt, opened with the session's
    // session_started event (the agent emits it once).
    let jw = new JsonlWriter((l) => jsonl.push(l.trimEnd()));
    let startedEvent: AgentEvent | undefined;
    rt.agent.subscribe((e) => {
      events.push(e);
      if (e.type === 'session_started') startedEvent = e;
      jw.handle(e);
      ui = flushTranscript(transcriptReducer(ui, e, 0));
    });
    for (const p of plan.prompts) {
      if (startedEvent) {
        jw = new JsonlWriter((l) => jsonl.push(l.trimEnd()));
        jw.handle(startedEvent);
      }
      outcomes.push(
        await runPrompt(
          () => rt.agent.run(p.text),
          () => rt.agent.cancel(),
          p.cancelAfterMs,
          opts.promptDeadlineMs ?? 20_000,
          (note) => violations.push(`prompt ${outcomes.length + 1} missed the deadline; ${note}`),
        ),
      );
    }
    await rt.close();
    await writer.close();
    ui = flushTranscript(ui, 'turn');
    try {
      loaded = loadSessionFile(writer.path);
    } catch (err) {
      loadError = (err as Error).message;
    }
  } catch (err) {
    violations.push(`session crashed: ${(err as Error).stack ?? String(err)}`);
  }
  const creates = sim.recorder.creates();
  if (debug) dumpDebug(plan, creates, events);
  const connections = sim.connectionCount();
  await sim.close();

  let ledgerText = '';
  try {
    ledgerText = readFileSync(join(ws, 'ledger.txt'), 'utf8');
  } catch {
    /* no tool ran */
  }
  checkTerminal(events, outcomes, violations);
  const fx = checkSideEffects(ledgerText, events, loaded, violations);
  checkPairing(creates, events, violations);
  const uiTexts = shownAnswerTexts(ui);
  checkAssistantText('UI transcript', uiTexts, plan, outcomes, violations);
  checkAssistantText('JSONL', jsonlChecks(jsonl, violations), plan, outcomes, violations);
  checkReload(loaded, loadError, violations);
  if (loaded) {
    const texts = loaded.allItems.flatMap((it) =>
      isMessage(it) && it.role === 'assistant' ? [messageText(it)] : [],
    );
    checkAssistantText('session file', texts, plan, outcomes, violations);
  }
  const leaks: LeakReport =
    opts.checkLeaks === false
      ? { childPids: [], toolGroups: [], handles: {} }
      : await waitForNoLeaks(baseline);
  if (!isClean(leaks)) violations.push(`leaks: ${JSON.stringify(leaks)}`);
  rmSync(root, { recursive: true, force: true });

  const transport = events.flatMap((e) => (e.type === 'transport' ? [e.event.type] : []));
  return {
    seed,
    violations,
    kinds: plan.kinds,
    prompts: plan.prompts.length,
    outcomes,
    turnsCompleted: events.filter((e) => e.type === 'turn_finished' && e.status === 'completed').length,
    toolCallsRun: fx.toolCallsRun,
    duplicates: fx.duplicates,
    lost: fx.lost,
    leaks,
    retries: events.filter((e) => e.type === 'turn_retrying').length,
    reconnects: transport.filter((t) => t === 'reconnecting').length,
    connections,
    fallbacks: transport.filter((t) => t === 'fallback_http').length,
    rechains: transport.filter((t) => t === 'rechained').length,
    requests: creates.length,
    failReasons: events.flatMap((e) =>
      e.type === 'error'
        ? [`${e.code ?? '?'}: ${e.message.replace(/call_[0-9a-f]+|resp_[0-9a-f]+/g, 'ID').slice(0, 90)}`]
        : e.type === 'transport' && e.event.type === 'fallback_http'
          ? [`fallback_http: ${e.event.reason.replace(/\d+/g, 'N').slice(0, 90)}`]
          : [],
    ),
    durationMs: Math.round(performance.now() - t0),
  };
}

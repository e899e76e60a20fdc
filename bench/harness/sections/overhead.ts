/**
 * Client overhead per turn (in-process): from the client socket receiving `response.completed`
 * to it sending the next `response.create`, minus the time tools ran in between (tool_started →
 * tool_finished). Everything else in that gap is ours: turn reducer, approval policy, argument
 * validation, ledger, request building, JSON encoding and the send.
 */
import type { SectionContext, SectionOutput } from '../context.js';
import { runAgentInProcess } from '../inproc.js';
import { startSim, toolLoopScenario } from '../sim.js';
import { round, roundSummary, summarize } from '../stats.js';
import { verdict } from '../targets.js';
import { installWsProbe } from '../ws-probe.js';

/** Tool time inside each gap: union of tool_started → tool_finished spans between two timestamps. */
function toolTimeBetween(spans: Array<{ start: number; end: number }>, from: number, to: number): number {
  let total = 0;
  for (const s of spans) {
    const a = Math.max(s.start, from);
    const b = Math.min(s.end, to);
    if (b > a) total += b - a;
  }
  return total;
}

/** Runs the overhead benchmark. */
export async function runOverhead(ctx: SectionContext): Promise<SectionOutput> {
  const n = ctx.profile.overheadTurns;
  const sim = await startSim(ctx.paths, { scenario: toolLoopScenario(`overhead-${n}`, n), latencyMs: 0 });
  const probe = installWsProbe();
  let run;
  try {
    run = await runAgentInProcess(ctx.paths, { baseUrl: sim.url, transport: 'websocket', prompt: 'Run the steps.' });
  } finally {
    probe.uninstall();
    await sim.close();
  }
  if (run.outcome.status !== 'success') throw new Error(`agent run ended ${run.outcome.status}: ${run.outcome.error ?? run.outcome.terminalReason}`);
  const creates = probe.marks.filter((m) => m.kind === 'create');
  const completions = probe.marks.filter((m) => m.kind === 'completed');
  const started = new Map<string, number>();
  const spans: Array<{ start: number; end: number }> = [];
  for (const { at, event } of run.events) {
    if (event.type === 'tool_started') started.set(event.callId, at);
    else if (event.type === 'tool_finished') spans.push({ start: started.get(event.callId) ?? at, end: at });
  }
  // Gap i: completion of response i → create of response i+1 (warm-up completions excluded by order).
  const gaps: number[] = [];
  const raw: number[] = [];
  const tools: number[] = [];
  for (const create of creates.slice(1)) {
    const before = completions.filter((c) => c.at < create.at);
    const last = before[before.length - 1];
    if (!last) continue;
    const toolMs = toolTimeBetween(spans, last.at, create.at);
    raw.push(create.at - last.at);
    tools.push(toolMs);
    gaps.push(Math.max(0, create.at - last.at - toolMs));
  }
  if (gaps.length === 0) throw new Error('no completed→create gaps observed (socket probe saw no frames)');
  const s = summarize(gaps);
  const figures = {
    turns: creates.length,
    gapsMeasured: gaps.length,
    overheadMs: roundSummary(s),
    rawGapMs: roundSummary(summarize(raw)),
    toolMs: roundSummary(summarize(tools)),
    agentWallMs: round(run.wallMs, 1),
    via: run.via,
  };
  const how =
    run.via === 'runtime'
      ? 'createAgentRuntime with the real shell tool'
      : `real session controller + agent loop with an in-memory echo tool (createAgentRuntime unavailable: ${run.fallbackReason ?? 'unknown'})`;
  return {
    figures,
    tables: [
      {
        title: `Client overhead per turn over ${gaps.length} gaps (in-process, WebSocket, 0 ms RTT)`,
        headers: ['measure', 'p50 ms', 'p99 ms', 'max ms'],
        rows: [
          ['overhead (gap − tool time)', round(s.p50, 3), round(s.p99, 3), round(s.max, 3)],
          ['raw gap completed → next create', round(figures.rawGapMs.p50, 3), round(figures.rawGapMs.p99, 3), round(figures.rawGapMs.max, 3)],
          ['tool time inside the gap', round(figures.toolMs.p50, 3), round(figures.toolMs.p99, 3), round(figures.toolMs.max, 3)],
        ],
      },
    ],
    notes: [
      `Driven in-process through ${how}.`,
      'Timestamps are taken at the client socket (ws `message` / `send`), tool time from the agent’s tool_started/tool_finished events; the simulator shares the process, so its work can land inside a gap (figures are an upper bound).',
    ],
    verdicts: {
      'overhead-p50': verdict(s.p50, 1, `${round(s.p50, 3)} ms (n=${gaps.length})`, 'per-turn work between completion and the next send exceeds 1 ms; profile the reducer/tool dispatch path'),
      'overhead-p99': verdict(s.p99, 5, `${round(s.p99, 3)} ms (max ${round(s.max, 2)} ms)`, 'tail latency between turns (GC pauses or synchronous work); profile with --cpu-prof'),
    },
  };
}

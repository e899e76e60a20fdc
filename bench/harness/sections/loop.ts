/**
 * Agent loop, WebSocket vs HTTP, through the built CLI (`tether -p … --json`, a real process, so
 * wall time and RSS are what a user gets): every scenario × RTT × transport, WS and HTTP runs
 * interleaved. Per run: wall time, peak RSS, per-turn time to first event (from the JSONL
 * `turn.completed` metrics), and bytes per request from the simulator's recorder.
 */
import type { RecordedRequest } from '../../../src/simulator/types.js';
import { collectNumbers, describeFailure, runTether } from '../cli-run.js';
import { CONTEXT_COST_US_PER_TOKEN, handshakeMsFor } from '../config.js';
import type { SectionContext, SectionOutput } from '../context.js';
import type { ResultTable } from '../report.js';
import { generatingCreates, scenarioFor, startSim } from '../sim.js';
import { median, percentile, round } from '../stats.js';
import { type Verdict, verdict } from '../targets.js';

type Transport = 'websocket' | 'http';

/** What both transports pay equally per run, for the miss note. */
const CALLS_NOTE = 'tool processes, per-turn persistence';

/** One CLI run's figures. */
export interface LoopRun {
  wallMs: number;
  peakRssMiB: number;
  turns: number;
  ttfeMs: number[];
  /** Sum of per-turn model-call durations reported by the client (ms). */
  modelMs: number;
  /** Sum of tool durations reported by the client (ms). */
  toolMs: number;
  bytes: number[];
  wireBytes: number[];
  incremental: boolean[];
  connections: number;
}

/** Figures of one (scenario, RTT, transport) cell. */
export interface LoopCell {
  scenario: string;
  calls: number;
  rttMs: number;
  transport: Transport;
  runs: LoopRun[];
  medianWallMs: number;
  maxPeakRssMiB: number;
}

function runFigures(
  creates: RecordedRequest[],
  events: Array<Record<string, unknown>>,
  wallMs: number,
  peak: number,
): LoopRun {
  const turnsDone = events.filter((e) => e['type'] === 'turn.completed');
  const tools = events.filter((e) => e['type'] === 'item.completed');
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  return {
    wallMs,
    peakRssMiB: peak,
    turns: creates.length,
    ttfeMs: collectNumbers(turnsDone, /^(time_to_first_event_ms|timeToFirstEventMs)$/),
    modelMs: sum(
      collectNumbers(
        turnsDone.map((e) => e['metrics']),
        /^(duration_ms|durationMs)$/,
      ),
    ),
    toolMs: sum(
      collectNumbers(
        tools.map((e) => e['item']),
        /^(duration_ms|durationMs)$/,
      ),
    ),
    bytes: creates.map((c) => c.bytes),
    wireBytes: creates.map((c) => c.wireBytes ?? c.bytes),
    incremental: creates.map((c) => typeof c.previousResponseId === 'string'),
    connections: new Set(creates.map((c) => c.connectionId)).size,
  };
}

async function oneRun(
  ctx: SectionContext,
  scenario: { name: string; calls: number },
  rttMs: number,
  transport: Transport,
): Promise<LoopRun> {
  const sim = await startSim(ctx.paths, {
    scenario: scenarioFor(ctx.paths, scenario.name, scenario.calls),
    latencyMs: rttMs,
    httpHandshakeMs: handshakeMsFor(rttMs),
    contextCostUsPerToken: CONTEXT_COST_US_PER_TOKEN,
  });
  try {
    const run = await runTether(ctx.paths, {
      baseUrl: sim.url,
      prompt: 'Run the steps.',
      transport,
      timeoutMs: ctx.profile.processTimeoutMs,
    });
    if (run.code !== 0) throw new Error(`tether ${transport} run failed: ${describeFailure(run)}`);
    return runFigures(generatingCreates(sim), run.events, run.wallMs, run.peakRssMiB);
  } finally {
    await sim.close();
  }
}

function bytesTable(ws: LoopCell | undefined, http: LoopCell | undefined): ResultTable | undefined {
  const w = ws?.runs[0];
  const h = http?.runs[0];
  if (!w || !h) return undefined;
  const n = Math.max(w.bytes.length, h.bytes.length);
  const idx = [1, 2, 3, 5, 10, 20, 30, 40, 50, n].filter((i, k, a) => i <= n && a.indexOf(i) === k);
  return {
    title: `Bytes sent per request vs turn index (${ws?.scenario}, RTT ${ws?.rttMs} ms; WS payload, WS on the wire with permessage-deflate, HTTP body)`,
    headers: ['turn', 'WS payload B', 'WS wire B', 'WS incremental', 'HTTP body B'],
    rows: idx.map((i) => [
      i,
      w.bytes[i - 1] ?? '—',
      w.wireBytes[i - 1] ?? '—',
      w.incremental[i - 1] ? 'yes' : 'no',
      h.bytes[i - 1] ?? '—',
    ]),
  };
}

/** One run, retried once: a crash of one run must not cost the whole matrix (both are reported). */
async function runWithRetry(
  ctx: SectionContext,
  sc: { name: string; calls: number },
  rtt: number,
  t: Transport,
  failures: string[],
): Promise<LoopRun | undefined> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      return await oneRun(ctx, sc, rtt, t);
    } catch (err) {
      const msg = `${sc.name} @${rtt} ms ${t}, attempt ${attempt}: ${err instanceof Error ? err.message : String(err)}`;
      failures.push(msg);
      ctx.log(`  run failed: ${msg}`);
    }
  }
  return undefined;
}

/** Runs the WS-vs-HTTP loop benchmark. */
export async function runLoop(ctx: SectionContext): Promise<SectionOutput> {
  const cells: LoopCell[] = [];
  const failures: string[] = [];
  for (const sc of ctx.profile.loopScenarios) {
    for (const rtt of ctx.profile.rttsMs) {
      const runs: Record<Transport, LoopRun[]> = { websocket: [], http: [] };
      // Repetitions only where a target is read (the highest RTT); other cells run once.
      const reps = rtt === Math.max(...ctx.profile.rttsMs) ? sc.reps : 1;
      for (let rep = 0; rep < reps; rep++) {
        // Alternate which transport goes first so drift (page cache, CPU boost) cancels out.
        const order: Transport[] = rep % 2 === 0 ? ['websocket', 'http'] : ['http', 'websocket'];
        for (const t of order) {
          const r = await runWithRetry(ctx, sc, rtt, t, failures);
          if (r) runs[t].push(r);
        }
      }
      for (const t of ['websocket', 'http'] as const) {
        if (runs[t].length === 0) continue;
        cells.push({
          scenario: sc.name,
          calls: sc.calls,
          rttMs: rtt,
          transport: t,
          runs: runs[t],
          medianWallMs: median(runs[t].map((r) => r.wallMs)),
          maxPeakRssMiB: Math.max(...runs[t].map((r) => r.peakRssMiB)),
        });
      }
      const ws = cells[cells.length - 2];
      const http = cells[cells.length - 1];
      ctx.log(
        `  ${sc.name} @${rtt} ms: WS ${round(ws?.medianWallMs ?? NaN, 0)} ms, HTTP ${round(http?.medianWallMs ?? NaN, 0)} ms`,
      );
    }
  }
  const find = (calls: number, rtt: number, t: Transport): LoopCell | undefined =>
    cells.find((c) => c.calls === calls && c.rttMs === rtt && c.transport === t);
  const wallRows: Array<Array<string | number>> = [];
  for (const sc of ctx.profile.loopScenarios) {
    for (const rtt of ctx.profile.rttsMs) {
      const ws = find(sc.calls, rtt, 'websocket');
      const http = find(sc.calls, rtt, 'http');
      if (!ws || !http) continue;
      const ttfe = (c: LoopCell, p: number): number =>
        round(
          percentile(
            c.runs.flatMap((r) => r.ttfeMs.slice(1)),
            p,
          ),
          1,
        );
      wallRows.push([
        sc.name,
        rtt,
        round(ws.medianWallMs, 0),
        round(http.medianWallMs, 0),
        round(ws.medianWallMs / http.medianWallMs, 3),
        `${ttfe(ws, 50)} / ${ttfe(http, 50)}`,
        round(ttfe(ws, 50) / ttfe(http, 50), 2),
        `${round(median(ws.runs.map((r) => r.toolMs)), 0)} / ${round(median(http.runs.map((r) => r.toolMs)), 0)}`,
        `${round(ws.maxPeakRssMiB, 1)} / ${round(http.maxPeakRssMiB, 1)}`,
        `${ws.runs[0]?.connections ?? '—'} / ${http.runs[0]?.connections ?? '—'}`,
      ]);
    }
  }
  const tables: ResultTable[] = [
    {
      title:
        'Agent loop through the built CLI (wall time = spawn to exit, median of the runs; HTTP connections charged 2×RTT handshake)',
      headers: [
        'scenario',
        'RTT ms',
        'WS ms',
        'HTTP ms',
        'WS/HTTP',
        'TTFE p50 ms WS / HTTP (turns ≥ 2)',
        'TTFE WS/HTTP',
        'tool ms WS / HTTP',
        'peak RSS MiB WS / HTTP',
        'connections WS / HTTP',
      ],
      rows: wallRows,
    },
  ];
  const largest = ctx.profile.loopScenarios[ctx.profile.loopScenarios.length - 1];
  const lowRtt = ctx.profile.rttsMs[0] ?? 0;
  const bt = largest
    ? bytesTable(find(largest.calls, lowRtt, 'websocket'), find(largest.calls, lowRtt, 'http'))
    : undefined;
  if (bt) tables.push(bt);

  // Targets.
  const verdicts: Record<string, Verdict> = {};
  const maxRtt = Math.max(...ctx.profile.rttsMs);
  const calls20 =
    ctx.profile.loopScenarios.find((s) => s.calls === 20)?.calls ?? ctx.profile.loopScenarios[0]?.calls ?? 0;
  const ws20 = find(calls20, maxRtt, 'websocket');
  const http20 = find(calls20, maxRtt, 'http');
  if (ws20 && http20) {
    const ratio = ws20.medianWallMs / http20.medianWallMs;
    const p50 = (c: LoopCell): number =>
      round(
        percentile(
          c.runs.flatMap((r) => r.ttfeMs.slice(1)),
          50,
        ),
        1,
      );
    const maxBody = (c: LoopCell): number => Math.max(...(c.runs[0]?.bytes ?? [0]));
    verdicts['ws-vs-http'] = verdict(
      ratio,
      0.6,
      `${round(ratio, 3)} (WS ${round(ws20.medianWallMs, 0)} ms vs HTTP ${round(http20.medianWallMs, 0)} ms, ${ws20.scenario} @${maxRtt} ms, n=${ws20.runs.length})`,
      `per-turn time to first event p50 is ${p50(ws20)} ms over WS vs ${p50(http20)} ms over HTTP at ${maxRtt} ms RTT: the simulator charges every request the same RTT, and HTTP reuses one keep-alive connection (${http20.runs[0]?.connections ?? '?'} connection), so only its first request pays the handshake. What WS saves here is that handshake plus the growing request bodies (HTTP up to ${maxBody(http20)} B vs ${maxBody(ws20)} B); the rest of the wall time is the same for both (process start, ${CALLS_NOTE}). The service's cost of rebuilding uncached context is modelled at ${CONTEXT_COST_US_PER_TOKEN} µs/token (the value at which Codex's own WS/HTTP ratio is the published ~0.6; see the profile section), and tether's HTTP requests here stay small (a 20-call loop of echo), so that cost is a few hundred ms per run`,
    );
    verdicts['rss-peak-20'] = verdict(
      ws20.maxPeakRssMiB,
      100,
      `${round(ws20.maxPeakRssMiB, 1)} MiB (VmHWM, max of ${ws20.runs.length} runs)`,
      'resident memory of the CLI process exceeds the budget; check loaded modules and retained transcript copies',
    );
  }
  const wsBig = largest ? find(largest.calls, lowRtt, 'websocket')?.runs[0] : undefined;
  if (wsBig && wsBig.bytes.length >= 2) {
    const last = Math.min(50, wsBig.bytes.length);
    const b2 = wsBig.bytes[1] ?? NaN;
    const bl = wsBig.bytes[last - 1] ?? NaN;
    verdicts['continuation-flat'] = verdict(
      bl / b2,
      1.1,
      `${round(bl / b2, 3)} (turn ${last}: ${bl} B, turn 2: ${b2} B)`,
      'continuation requests grow with history; only new items should be sent with previous_response_id',
    );
    const cont = wsBig.wireBytes.slice(1);
    const maxWire = Math.max(...cont);
    verdicts['deflate-bytes'] = verdict(
      maxWire,
      250,
      `max ${maxWire} B, median ${median(cont)} B over ${cont.length} continuations (payload ${median(wsBig.bytes.slice(1))} B)`,
      'each continuation repeats instructions and tools; deflate with context takeover should compress the repeat away (check that the server accepted permessage-deflate)',
    );
  }
  if (cells.length === 0) throw new Error(`every run failed; first: ${failures[0] ?? 'unknown'}`);
  const failureNote = (id: string): void => {
    if (!verdicts[id] && failures.length)
      verdicts[id] = {
        status: 'not measured',
        measured: '—',
        note: `the runs for it failed: ${failures[failures.length - 1]}`,
      };
  };
  for (const id of ['ws-vs-http', 'rss-peak-20', 'continuation-flat', 'deflate-bytes']) failureNote(id);
  return {
    figures: {
      cells,
      failures,
      handshake: 'httpHandshakeMs = 2 × RTT',
      contextCostUsPerToken: CONTEXT_COST_US_PER_TOKEN,
    },
    tables,
    notes: [
      'Every request pays the simulated RTT before its first event (both transports); a new HTTP connection (and a WebSocket upgrade) additionally pays a 2×RTT TCP+TLS handshake.',
      `The simulator charges ${CONTEXT_COST_US_PER_TOKEN} µs per token of context its connection-local cache does not hold (contextCostUsPerToken): a WebSocket continuation pays for its new items, an HTTP request (store:false, full context) for all of it (bench/harness/config.ts gives the grounding).`,
      'The CLI runs with --approval full-auto --sandbox off; the scenario’s tool calls are real `echo` processes, so process-spawn time is part of every turn.',
      ...failures.map((f) => `Failed run (retried once): ${f}`),
    ],
    verdicts,
  };
}

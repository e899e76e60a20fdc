/**
 * Client overhead per turn: from `response.completed` reaching the client to the client sending
 * the next `response.create`, minus the time tools ran in between. Measured two ways:
 *
 * - **CLI** (the verdict): the built CLI in its own process, with a socket probe preloaded into
 *   it (`node --import`, cli-probe-entry.ts) timing frames at the CLI's own socket, minus the tool
 *   durations the CLI reports in its JSONL. Everything tether does between turns counts, session
 *   persistence included.
 * - **in-process** (breakdown): agent loop + session controller in this process, timestamps at the
 *   client socket, tool time from tool_started/tool_finished; no persistence.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readProbe } from '../cli-probe.js';
import { collectNumbers, describeFailure, runTether, scratchDir } from '../cli-run.js';
import type { SectionContext, SectionOutput } from '../context.js';
import { runAgentInProcess } from '../inproc.js';
import type { ResultTable } from '../report.js';
import { startSim, toolLoopScenario } from '../sim.js';
import { round, roundSummary, type Summary, summarize } from '../stats.js';
import { verdict } from '../targets.js';
import { type FrameMark, installWsProbe } from '../ws-probe.js';

/** Gaps completed(i) → create(i+1), each minus `toolMs(i)`. */
function gaps(
  creates: FrameMark[],
  completions: FrameMark[],
  toolMs: (i: number, from: number, to: number) => number,
): { net: number[]; raw: number[]; tool: number[] } {
  const net: number[] = [];
  const raw: number[] = [];
  const tool: number[] = [];
  creates.slice(1).forEach((create, i) => {
    let last: FrameMark | undefined;
    for (const c of completions) if (c.at < create.at) last = c;
    if (!last) return;
    const t = toolMs(i, last.at, create.at);
    raw.push(create.at - last.at);
    tool.push(t);
    net.push(Math.max(0, create.at - last.at - t));
  });
  return { net, raw, tool };
}

function row(label: string, s: Summary): Array<string | number> {
  return [label, round(s.p50, 3), round(s.p99, 3), round(s.max, 3)];
}

/** The CLI measurement (`home`: a TETHER_HOME to use instead of a fresh one on disk). */
async function viaCli(ctx: SectionContext, n: number, home?: string) {
  const sim = await startSim(ctx.paths, { scenario: toolLoopScenario(`overhead-cli-${n}`, n), latencyMs: 0 });
  const probeOut = join(scratchDir(), `probe-${n}-${home ? 'shm' : 'disk'}.json`);
  let run;
  try {
    run = await runTether(ctx.paths, {
      baseUrl: sim.url,
      prompt: 'Run the steps.',
      transport: 'websocket',
      timeoutMs: Math.max(ctx.profile.processTimeoutMs, n * 300),
      probeOut,
      ...(home ? { env: { TETHER_HOME: home, HOME: home } } : {}),
    });
  } finally {
    await sim.close();
  }
  if (run.code !== 0) throw new Error(`tether run failed: ${describeFailure(run)}`);
  const toolDurations = collectNumbers(
    run.events.filter((e) => e['type'] === 'item.completed').map((e) => e['item']),
    /^(duration_ms|durationMs)$/,
  );
  const marks = readProbe(probeOut);
  const creates = marks.filter((m) => m.kind === 'create');
  const completions = marks.filter((m) => m.kind === 'completed');
  if (creates.length === 0)
    throw new Error('the preloaded socket probe recorded no frames in the CLI process');
  if (toolDurations.length < creates.length - 1)
    throw new Error(`CLI reported ${toolDurations.length} tool durations for ${creates.length - 1} gaps`);
  return { ...gaps(creates, completions, (i) => toolDurations[i] ?? 0), wallMs: run.wallMs };
}

/** The in-process measurement. */
async function inProcess(ctx: SectionContext, n: number) {
  const sim = await startSim(ctx.paths, { scenario: toolLoopScenario(`overhead-${n}`, n), latencyMs: 0 });
  const probe = installWsProbe();
  let run;
  try {
    run = await runAgentInProcess(ctx.paths, {
      baseUrl: sim.url,
      transport: 'websocket',
      prompt: 'Run the steps.',
    });
  } finally {
    probe.uninstall();
    await sim.close();
  }
  if (run.outcome.status !== 'success')
    throw new Error(
      `agent run ended ${run.outcome.status}: ${run.outcome.error ?? run.outcome.terminalReason}`,
    );
  const started = new Map<string, number>();
  const spans: Array<{ start: number; end: number }> = [];
  for (const { at, event } of run.events) {
    if (event.type === 'tool_started') started.set(event.callId, at);
    else if (event.type === 'tool_finished') spans.push({ start: started.get(event.callId) ?? at, end: at });
  }
  const toolBetween = (_i: number, from: number, to: number): number => {
    let total = 0;
    for (const s of spans) {
      const a = Math.max(s.start, from);
      const b = Math.min(s.end, to);
      if (b > a) total += b - a;
    }
    return total;
  };
  const g = gaps(
    probe.marks.filter((m) => m.kind === 'create'),
    probe.marks.filter((m) => m.kind === 'completed'),
    toolBetween,
  );
  return { ...g, via: run.via, fallbackReason: run.fallbackReason };
}

/** Runs the overhead benchmark. */
export async function runOverhead(ctx: SectionContext): Promise<SectionOutput> {
  const n = ctx.profile.overheadTurns;
  const tables: ResultTable[] = [];
  const notes: string[] = [];
  const figures: Record<string, unknown> = {};
  let cliError: string | undefined;
  let cli: Awaited<ReturnType<typeof viaCli>> | undefined;
  try {
    cli = await viaCli(ctx, n);
  } catch (err) {
    cliError = err instanceof Error ? err.message : String(err);
    notes.push(`CLI measurement failed: ${cliError}`);
  }
  // Same run with TETHER_HOME on tmpfs: what the disk syncs of session persistence cost.
  let shm: Awaited<ReturnType<typeof viaCli>> | undefined;
  if (cli && existsSync('/dev/shm')) {
    const home = mkdtempSync('/dev/shm/tether-bench-home-');
    try {
      shm = await viaCli(ctx, Math.max(10, Math.round(n / 3)), home);
    } catch (err) {
      notes.push(`tmpfs variant failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
  const inproc = await inProcess(ctx, n);
  const rows: Array<Array<string | number>> = [];
  if (cli) {
    const s = summarize(cli.net);
    figures['cli'] = {
      gaps: cli.net.length,
      overheadMs: roundSummary(s),
      rawGapMs: roundSummary(summarize(cli.raw)),
      toolMs: roundSummary(summarize(cli.tool)),
    };
    rows.push(
      row('CLI: overhead (gap − tool time)', s),
      row('CLI: raw gap completed → next create', summarize(cli.raw)),
      row('CLI: tool time (reported by tether)', summarize(cli.tool)),
    );
  }
  if (shm) {
    const s = summarize(shm.net);
    figures['cliTmpfsHome'] = { gaps: shm.net.length, overheadMs: roundSummary(s) };
    rows.push(row(`CLI, TETHER_HOME on tmpfs: overhead (${shm.net.length} gaps)`, s));
  }
  const si = summarize(inproc.net);
  figures['inProcess'] = {
    gaps: inproc.net.length,
    via: inproc.via,
    overheadMs: roundSummary(si),
    rawGapMs: roundSummary(summarize(inproc.raw)),
    toolMs: roundSummary(summarize(inproc.tool)),
  };
  rows.push(
    row('in-process: overhead (gap − tool time)', si),
    row('in-process: tool time', summarize(inproc.tool)),
  );
  tables.push({
    title: `Client overhead per turn, ${n}-call tool loop, WebSocket, 0 ms RTT`,
    headers: ['measure', 'p50 ms', 'p99 ms', 'max ms'],
    rows,
  });
  notes.push(
    inproc.via === 'runtime'
      ? 'In-process: createAgentRuntime with the real shell tool, no session persistence.'
      : `In-process: real session controller + agent loop with an in-memory echo tool (createAgentRuntime unavailable: ${inproc.fallbackReason ?? 'unknown'}).`,
    'CLI timestamps come from a socket probe preloaded into the CLI process (`node --import`), at the CLI’s own `ws` message/send; the difference between the CLI and in-process rows is what the CLI adds per turn (session persistence, JSONL output); the tmpfs row shows how much of it is waiting for the disk. Tool durations come from the CLI’s JSONL in whole ms (±0.5 ms per gap).',
  );
  const basis = cli ? summarize(cli.net) : si;
  const where = cli ? 'CLI' : `in-process only (CLI: ${cliError})`;
  return {
    figures,
    tables,
    notes,
    verdicts: {
      'overhead-p50': verdict(
        basis.p50,
        1,
        `${round(basis.p50, 3)} ms ${where}, n=${basis.n}; in-process ${round(si.p50, 3)} ms`,
        'the agent loop and session alone stay under 1 ms (in-process row); the CLI process adds its JSONL lines to stdout (synchronous on a Linux pipe), the session log write to the kernel and GC pauses on the path to the next send (disk syncs already run off the event loop)',
      ),
      'overhead-p99': verdict(
        basis.p99,
        5,
        `${round(basis.p99, 3)} ms ${where} (max ${round(basis.max, 2)} ms); in-process ${round(si.p99, 3)} ms`,
        'tail latency between turns: GC pauses and machine load (disk syncs run off the event loop)',
      ),
    },
  };
}

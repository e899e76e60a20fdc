/**
 * Memory over a long session, through the built CLI: one prompt whose scripted answer makes
 * `memoryTurns` sequential tool calls (cheap file reads), over WebSocket at 0 ms RTT. The CLI's
 * VmRSS is sampled while the in-process simulator counts the requests served, so RSS is known
 * at turn 10 and at turn 1,000 of the same process.
 */
import { describeFailure, runTether } from '../cli-run.js';
import type { SectionContext, SectionOutput } from '../context.js';
import { generatingCreates, longSessionScenario, startSim } from '../sim.js';
import { round } from '../stats.js';
import { verdict } from '../targets.js';

/** Runs the long-session memory benchmark. */
export async function runMemory(ctx: SectionContext): Promise<SectionOutput> {
  const n = ctx.profile.memoryTurns;
  const early = ctx.profile.memoryEarlyTurn;
  const sim = await startSim(ctx.paths, { scenario: longSessionScenario(n), latencyMs: 0 });
  const curve: Array<{ turn: number; atMs: number; rssMiB: number }> = [];
  let run;
  try {
    run = await runTether(ctx.paths, {
      baseUrl: sim.url,
      prompt: 'Read the notes file repeatedly.',
      transport: 'websocket',
      timeoutMs: Math.max(ctx.profile.processTimeoutMs, n * 200),
      sampleEveryMs: 25,
      onSample: (s) => curve.push({ turn: sim.recorder.creates().length, atMs: s.atMs, rssMiB: s.rssMiB }),
    });
    if (run.code !== 0) throw new Error(`tether run failed: ${describeFailure(run)}`);
  } finally {
    await sim.close();
  }
  const served = generatingCreates(sim).length;
  if (served < n) throw new Error(`only ${served} of ${n} turns were served`);
  // The recorder counts the warm-up too; "turn k" = k generating creates received.
  const warm = sim.recorder.creates().length - served;
  const at = (turn: number) => curve.find((c) => c.turn - warm >= turn);
  const a = at(early);
  const b = at(n);
  if (!a || !b) throw new Error('no RSS sample at the reference turns');
  const growth = b.rssMiB - a.rssMiB;
  const milestones = [early, 100, 250, 500, 750, n].filter((t, i, xs) => t <= n && xs.indexOf(t) === i);
  return {
    figures: {
      turns: served,
      rssAtEarlyMiB: round(a.rssMiB, 1),
      rssAtEndMiB: round(b.rssMiB, 1),
      growthMiB: round(growth, 1),
      peakRssMiB: round(run.peakRssMiB, 1),
      wallMs: round(run.wallMs, 0),
      msPerTurn: round(run.wallMs / served, 2),
      curve: curve
        .filter((_, i) => i % 10 === 0)
        .map((c) => ({ turn: Math.max(0, c.turn - warm), rssMiB: round(c.rssMiB, 1) })),
    },
    tables: [
      {
        title: `RSS of one CLI process over a ${served}-turn session (WS, 0 ms RTT, file-read tool calls)`,
        headers: ['turn', 'RSS MiB'],
        rows: milestones.map((t) => [t, round(at(t)?.rssMiB ?? Number.NaN, 1)]),
      },
    ],
    notes: [
      `Peak RSS (VmHWM) ${round(run.peakRssMiB, 1)} MiB; ${round(run.wallMs / 1000, 1)} s wall, ${round(run.wallMs / served, 2)} ms per turn including the tool call.`,
    ],
    verdicts: {
      'rss-growth': verdict(
        growth,
        50,
        `${round(growth, 1)} MiB (${round(a.rssMiB, 1)} MiB at turn ${early} → ${round(b.rssMiB, 1)} MiB at turn ${n})`,
        'memory grows with the session: transcript copies, per-turn listeners or event buffers are retained; take a heap snapshot at turn 1,000',
      ),
    },
  };
}

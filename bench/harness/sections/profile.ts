/**
 * The "real profile" condition (issue 15): the same runs with a HOME whose login profile costs
 * about 100 ms per login shell (profile-home.ts) as with an empty HOME. tether, and Codex driven
 * against the same simulator, both get that HOME.
 *
 * - Response end → next request (the turn gap, tool time included, the tool being `echo`):
 *   median over a 20-call loop at 0 ms RTT, from the socket probe preloaded into the CLI; empty
 *   HOME, profile HOME, and profile HOME with the shell snapshot off (the old login shell per
 *   command).
 * - tool-loop-20 at 50 ms RTT with each HOME (empty, profile): tether WS, tether HTTP, Codex WS,
 *   Codex HTTP (and, with the profile, tether WS with the snapshot off), runs interleaved, median
 *   wall time, with the simulator's context cost (config.ts) applied to every client alike.
 */
import { join } from 'node:path';
import { readProbe } from '../cli-probe.js';
import {
  BENCH_API_KEY,
  describeFailure,
  makeHome,
  makeWorkspace,
  runTether,
  scratchDir,
} from '../cli-run.js';
import { CONTEXT_COST_US_PER_TOKEN, handshakeMsFor } from '../config.js';
import type { SectionContext, SectionOutput } from '../context.js';
import { runMeasured } from '../proc.js';
import { loginShellMs, makeProfileHome } from '../profile-home.js';
import { generatingCreates, scenarioFor, startSim, toolLoopScenario } from '../sim.js';
import { median, round } from '../stats.js';
import { verdict } from '../targets.js';
import { codexHome, ensureCodex } from './codex.js';

const RTT_MS = 50;
const CALLS = 20;

/** Median completed → next create gap (ms) of a CLI run over `calls` echo calls at 0 ms RTT. */
async function turnGap(
  ctx: SectionContext,
  home: string,
  label: string,
  extraEnv: Record<string, string> = {},
) {
  const sim = await startSim(ctx.paths, {
    scenario: toolLoopScenario(`profile-gap-${label}`, CALLS),
    latencyMs: 0,
  });
  const probeOut = join(scratchDir(), `probe-profile-${label}.json`);
  try {
    const run = await runTether(ctx.paths, {
      baseUrl: sim.url,
      prompt: 'Run the steps.',
      transport: 'websocket',
      timeoutMs: ctx.profile.processTimeoutMs,
      probeOut,
      env: { HOME: home, ...extraEnv },
    });
    if (run.code !== 0) throw new Error(`tether run failed: ${describeFailure(run)}`);
  } finally {
    await sim.close();
  }
  const marks = readProbe(probeOut);
  const creates = marks.filter((m) => m.kind === 'create');
  const completions = marks.filter((m) => m.kind === 'completed');
  const gaps: number[] = [];
  for (const create of creates.slice(1)) {
    let last: number | undefined;
    for (const c of completions) if (c.at < create.at) last = c.at;
    if (last !== undefined) gaps.push(create.at - last);
  }
  if (gaps.length === 0) throw new Error('the socket probe recorded no gaps');
  return { median: median(gaps), gaps };
}

type Who = 'tether-ws' | 'tether-http' | 'tether-ws-nosnap' | 'codex-ws' | 'codex-http';
type HomeKind = 'empty' | 'profile';

async function loopRun(ctx: SectionContext, who: Who, home: string, codexBin?: string): Promise<number> {
  const http = who === 'tether-http';
  const sim = await startSim(ctx.paths, {
    scenario: scenarioFor(ctx.paths, 'tool-loop-20', CALLS),
    latencyMs: RTT_MS,
    httpHandshakeMs: handshakeMsFor(RTT_MS),
    contextCostUsPerToken: CONTEXT_COST_US_PER_TOKEN,
  });
  try {
    if (who === 'codex-ws' || who === 'codex-http') {
      const config = codexHome(sim.url, who === 'codex-ws');
      const run = await runMeasured(
        codexBin as string,
        [
          'exec',
          '--json',
          '--skip-git-repo-check',
          '--dangerously-bypass-approvals-and-sandbox',
          'Run the steps.',
        ],
        {
          cwd: makeWorkspace(ctx.paths, 'codex-profile'),
          env: {
            PATH: process.env['PATH'] ?? '/usr/bin:/bin',
            HOME: home,
            CODEX_HOME: config,
            OPENAI_API_KEY: BENCH_API_KEY,
            CODEX_MANAGED_BY_NPM: '1',
          },
          timeoutMs: ctx.profile.processTimeoutMs,
        },
      );
      if (run.code !== 0) throw new Error(`codex run failed: ${describeFailure(run)}`);
      if (generatingCreates(sim).length < CALLS + 1) throw new Error('codex did not complete the loop');
      return run.wallMs;
    }
    const run = await runTether(ctx.paths, {
      baseUrl: sim.url,
      prompt: 'Run the steps.',
      transport: http ? 'http' : 'websocket',
      timeoutMs: ctx.profile.processTimeoutMs,
      env: { HOME: home, ...(who === 'tether-ws-nosnap' ? { TETHER_SHELL_SNAPSHOT: 'off' } : {}) },
    });
    if (run.code !== 0) throw new Error(`tether run failed: ${describeFailure(run)}`);
    return run.wallMs;
  } finally {
    await sim.close();
  }
}

/** Runs the real-profile section. */
export async function runProfile(ctx: SectionContext): Promise<SectionOutput> {
  const empty = makeHome();
  const profile = makeProfileHome();
  const shellEmpty = loginShellMs(empty);
  const shellProfile = loginShellMs(profile);
  ctx.log(`  login shell: empty HOME ${round(shellEmpty, 1)} ms, profile HOME ${round(shellProfile, 1)} ms`);
  const gapEmpty = await turnGap(ctx, empty, 'empty');
  const gapProfile = await turnGap(ctx, profile, 'profile');
  const gapNoSnap = await turnGap(ctx, profile, 'nosnap', { TETHER_SHELL_SNAPSHOT: 'off' });
  let codexBin: string | undefined;
  let codexVersion = '';
  let codexError: string | undefined;
  if (ctx.profile.codex) {
    try {
      const c = ensureCodex(ctx);
      codexBin = c.bin;
      codexVersion = c.version;
    } catch (err) {
      codexError = err instanceof Error ? err.message : String(err);
    }
  }
  const reps = ctx.profile.name === 'quick' ? 1 : 3;
  const codexWho: Who[] = codexBin ? ['codex-ws', 'codex-http'] : [];
  const orders: Record<HomeKind, Who[]> = {
    empty: ['tether-ws', 'tether-http', ...codexWho],
    profile: ['tether-ws', 'tether-http', 'tether-ws-nosnap', ...codexWho],
  };
  const homes: Record<HomeKind, string> = { empty, profile };
  const walls: Record<HomeKind, Record<Who, number[]>> = {
    empty: { 'tether-ws': [], 'tether-http': [], 'tether-ws-nosnap': [], 'codex-ws': [], 'codex-http': [] },
    profile: { 'tether-ws': [], 'tether-http': [], 'tether-ws-nosnap': [], 'codex-ws': [], 'codex-http': [] },
  };
  for (let rep = 0; rep < reps; rep++) {
    for (const kind of ['profile', 'empty'] as const) {
      const seq = rep % 2 === 0 ? orders[kind] : [...orders[kind]].reverse();
      for (const who of seq) {
        try {
          walls[kind][who].push(await loopRun(ctx, who, homes[kind], codexBin));
        } catch (err) {
          if (!who.startsWith('codex')) throw err;
          codexError = err instanceof Error ? err.message : String(err);
        }
      }
    }
  }
  const med = (w: Who, kind: HomeKind = 'profile') =>
    walls[kind][w].length ? median(walls[kind][w]) : Number.NaN;
  const wsHttp = med('tether-ws') / med('tether-http');
  const wsCodex = med('tether-ws') / med('codex-ws');
  const extra = gapProfile.median - gapEmpty.median;
  const fmt = (w: Who, kind: HomeKind) =>
    walls[kind][w].length ? walls[kind][w].map((x) => round(x, 0)).join(', ') : '—';
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? round(a / b, 3) : '—');
  const ms = (x: number) => (Number.isFinite(x) ? round(x, 0) : '—');
  const loopRows = (['empty', 'profile'] as const).map((kind) => [
    `${kind} HOME`,
    ms(med('tether-ws', kind)),
    ms(med('tether-http', kind)),
    ratio(med('tether-ws', kind), med('tether-http', kind)),
    ms(med('codex-ws', kind)),
    ms(med('codex-http', kind)),
    ratio(med('codex-ws', kind), med('codex-http', kind)),
    ratio(med('tether-ws', kind), med('codex-ws', kind)),
  ]);
  return {
    figures: {
      loginShellMs: { emptyHome: round(shellEmpty, 1), profileHome: round(shellProfile, 1) },
      turnGapMedianMs: {
        emptyHome: round(gapEmpty.median, 2),
        profileHome: round(gapProfile.median, 2),
        profileHomeSnapshotOff: round(gapNoSnap.median, 2),
      },
      contextCostUsPerToken: CONTEXT_COST_US_PER_TOKEN,
      loop20At50ms: Object.fromEntries(
        (['empty', 'profile'] as const).map((kind) => [
          kind,
          Object.fromEntries(
            orders[kind].map((w) => [w, { medianMs: round(med(w, kind), 0), runsMs: walls[kind][w] }]),
          ),
        ]),
      ),
      ratios: {
        wsOverHttp: round(wsHttp, 3),
        wsOverCodex: round(wsCodex, 3),
        codexWsOverHttp: round(med('codex-ws') / med('codex-http'), 3),
        emptyHome: {
          wsOverHttp: round(med('tether-ws', 'empty') / med('tether-http', 'empty'), 3),
          wsOverCodex: round(med('tether-ws', 'empty') / med('codex-ws', 'empty'), 3),
          codexWsOverHttp: round(med('codex-ws', 'empty') / med('codex-http', 'empty'), 3),
        },
      },
      codexVersion,
    },
    tables: [
      {
        title: 'Login shell cost and turn gap (response end → next request, tool `echo`), 20 calls, 0 ms RTT',
        headers: ['condition', 'bash -lc true (ms)', 'median gap (ms)'],
        rows: [
          ['empty HOME', round(shellEmpty, 1), round(gapEmpty.median, 2)],
          ['profile HOME (snapshot on, default)', round(shellProfile, 1), round(gapProfile.median, 2)],
          [
            'profile HOME, shellSnapshot off (login shell per command)',
            round(shellProfile, 1),
            round(gapNoSnap.median, 2),
          ],
        ],
      },
      {
        title: `tool-loop-20 at ${RTT_MS} ms RTT, context cost ${CONTEXT_COST_US_PER_TOKEN} µs/token, ${reps} interleaved runs each (median wall ms, spawn to exit)`,
        headers: [
          'HOME',
          'tether WS',
          'tether HTTP',
          'tether WS/HTTP',
          `Codex WS ${codexVersion}`,
          'Codex HTTP',
          'Codex WS/HTTP',
          'tether WS / Codex WS',
        ],
        rows: loopRows,
      },
      {
        title: 'Every run (ms)',
        headers: ['HOME', 'client', 'runs ms'],
        rows: (['empty', 'profile'] as const).flatMap((kind) =>
          orders[kind].map((w) => [kind, w, fmt(w, kind)]),
        ),
      },
    ],
    notes: [
      'The profile HOME sources 200 plugin files and evals a Python and a Node init (pyenv/fnm-shaped); both clients get it as HOME (Codex keeps its config in a separate CODEX_HOME).',
      `tether WS with shellSnapshot off (profile HOME): ${round(med('tether-ws-nosnap'), 0)} ms.`,
      ...(codexError ? [`Codex: ${codexError}`] : []),
    ],
    verdicts: {
      'profile-gap': verdict(
        extra,
        10,
        `+${round(extra, 2)} ms (median gap ${round(gapProfile.median, 2)} ms with the profile vs ${round(gapEmpty.median, 2)} ms empty; snapshot off: ${round(gapNoSnap.median, 2)} ms; login shell ${round(shellProfile, 0)} ms)`,
      ),
      'profile-codex-ratio': verdict(
        wsCodex,
        0.8,
        Number.isFinite(wsCodex)
          ? `${round(wsCodex, 3)} (tether ${round(med('tether-ws'), 0)} ms vs Codex ${round(med('codex-ws'), 0)} ms)`
          : '—',
        codexError,
      ),
      'profile-ws-http': verdict(
        wsHttp,
        0.6,
        `${round(wsHttp, 3)} (WS ${round(med('tether-ws'), 0)} ms vs HTTP ${round(med('tether-http'), 0)} ms; Codex's own WS/HTTP under the same model: ${ratio(med('codex-ws'), med('codex-http'))})`,
      ),
    },
  };
}

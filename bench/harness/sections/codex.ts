/**
 * Side by side with OpenAI's Codex CLI: the same 20-tool scenario at 50 ms RTT against the same
 * simulator, Codex over WebSocket vs tether over WebSocket, runs interleaved. `@openai/codex` is
 * installed from npm into a scratch folder outside the repo when this section runs (never a
 * dependency of ours); its native binary is spawned directly so its RSS is the binary's own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BENCH_API_KEY,
  describeFailure,
  makeWorkspace,
  parseJsonl,
  runTether,
  scratchDir,
} from '../cli-run.js';
import { CONTEXT_COST_US_PER_TOKEN, handshakeMsFor } from '../config.js';
import type { SectionContext, SectionOutput } from '../context.js';
import { type MeasuredRun, runMeasured } from '../proc.js';
import { generatingCreates, scenarioFor, startSim } from '../sim.js';
import { median, round } from '../stats.js';
import { verdict } from '../targets.js';

const RTT_MS = 50;
const CALLS = 20;

/** Folder the Codex package is installed into (reused across runs; outside the repository). */
function installDir(): string {
  return process.env['BENCH_CODEX_DIR'] ?? join(tmpdir(), 'tether-bench-codex');
}

/** The native codex binary inside an installed @openai/codex, if present. */
export function findCodexBinary(dir: string): string | undefined {
  const scope = join(dir, 'node_modules', '@openai');
  if (!existsSync(scope)) return undefined;
  for (const pkg of readdirSync(scope).filter((p) => p.startsWith('codex-'))) {
    const vendor = join(scope, pkg, 'vendor');
    if (!existsSync(vendor)) continue;
    for (const triple of readdirSync(vendor)) {
      for (const rel of [
        ['bin', 'codex'],
        ['codex', 'codex'],
      ]) {
        const bin = join(vendor, triple, ...rel);
        if (existsSync(bin)) return bin;
      }
    }
  }
  return undefined;
}

/** Installs @openai/codex with npm when missing; returns the binary and its version. */
export function ensureCodex(ctx: SectionContext): { bin: string; version: string } {
  const dir = installDir();
  let bin = findCodexBinary(dir);
  if (!bin) {
    ctx.log(`  installing @openai/codex into ${dir} (npm)…`);
    const r = spawnSync(
      'npm',
      ['install', '--prefix', dir, '@openai/codex', '--no-audit', '--no-fund', '--loglevel=error'],
      {
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
    if (r.status !== 0)
      throw new Error(
        `npm install @openai/codex failed (exit ${r.status}): ${(r.stderr || r.stdout || String(r.error)).slice(-300)}`,
      );
    bin = findCodexBinary(dir);
    if (!bin)
      throw new Error(
        `@openai/codex installed into ${dir} but no native binary for ${process.platform}-${process.arch} was found in it`,
      );
  }
  const v = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (v.status !== 0)
    throw new Error(`${bin} --version failed: ${(v.stderr || String(v.error)).slice(-200)}`);
  return { bin, version: v.stdout.trim() };
}

/** A CODEX_HOME whose config points Codex at the simulator (over WebSocket unless `websocket` is false). */
export function codexHome(baseUrl: string, websocket = true): string {
  const home = mkdtempSync(join(scratchDir(), 'codex-home-'));
  writeFileSync(
    join(home, 'config.toml'),
    [
      'model = "gpt-5.5"',
      'model_provider = "bench"',
      '',
      '[model_providers.bench]',
      'name = "bench"',
      `base_url = "${baseUrl}"`,
      'env_key = "OPENAI_API_KEY"',
      'wire_api = "responses"',
      `supports_websockets = ${websocket}`,
      '',
    ].join('\n'),
  );
  return home;
}

interface SideRun {
  run: MeasuredRun;
  creates: number;
  connections: number;
  toolsRun: number;
  transports: string[];
  firstCreateBytes: number;
  contBytes: number;
  /** Names of the tools the client declared in its first request (for failure reports). */
  declaredTools: string[];
  /** Completed item types in the client's JSONL, with an example command. */
  calledTools: string[];
}

function toolNames(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const tools = (body as Record<string, unknown>)['tools'];
  if (!Array.isArray(tools)) return [];
  return tools.map((t) => {
    const o = typeof t === 'object' && t !== null ? (t as Record<string, unknown>) : {};
    return String(o['name'] ?? o['type'] ?? '?');
  });
}

/** Distinct completed item types in a client's JSONL, each with its first command (what the tool calls became). */
function completedItems(events: Array<Record<string, unknown>>): string[] {
  const seen = new Map<string, string>();
  for (const e of events) {
    if (e['type'] !== 'item.completed') continue;
    const item =
      typeof e['item'] === 'object' && e['item'] !== null ? (e['item'] as Record<string, unknown>) : {};
    const type = String(item['type'] ?? '?');
    if (!seen.has(type))
      seen.set(type, typeof item['command'] === 'string' ? `${type}: ${item['command']}` : type);
  }
  return [...seen.values()];
}

async function oneRun(ctx: SectionContext, who: 'tether' | 'codex', bin: string): Promise<SideRun> {
  const sim = await startSim(ctx.paths, {
    scenario: scenarioFor(ctx.paths, 'tool-loop-20', CALLS),
    latencyMs: RTT_MS,
    httpHandshakeMs: handshakeMsFor(RTT_MS),
    contextCostUsPerToken: CONTEXT_COST_US_PER_TOKEN,
  });
  try {
    let run: MeasuredRun;
    let toolsRun: number;
    let items: string[];
    if (who === 'tether') {
      const t = await runTether(ctx.paths, {
        baseUrl: sim.url,
        prompt: 'Run the steps.',
        transport: 'websocket',
        timeoutMs: ctx.profile.processTimeoutMs,
      });
      run = t;
      toolsRun = t.events.filter((e) => e['type'] === 'item.completed').length;
      items = completedItems(t.events);
    } else {
      const home = codexHome(sim.url);
      run = await runMeasured(
        bin,
        [
          'exec',
          '--json',
          '--skip-git-repo-check',
          '--dangerously-bypass-approvals-and-sandbox',
          'Run the steps.',
        ],
        {
          cwd: makeWorkspace(ctx.paths, 'codex'),
          env: {
            PATH: process.env['PATH'] ?? '/usr/bin:/bin',
            HOME: home,
            CODEX_HOME: home,
            OPENAI_API_KEY: BENCH_API_KEY,
            CODEX_MANAGED_BY_NPM: '1',
          },
          timeoutMs: ctx.profile.processTimeoutMs,
        },
      );
      const events = parseJsonl(run.stdout);
      toolsRun = events.filter((e) => e['type'] === 'item.completed').length;
      items = completedItems(events);
    }
    if (run.code !== 0) throw new Error(`${who} run failed: ${describeFailure(run)}`);
    const creates = generatingCreates(sim);
    return {
      run,
      creates: creates.length,
      connections: new Set(creates.map((c) => `${c.transport}:${c.connectionId}`)).size,
      toolsRun,
      transports: [...new Set(creates.map((c) => c.transport))],
      firstCreateBytes: creates[0]?.bytes ?? 0,
      contBytes: median(creates.slice(1).map((c) => c.bytes)),
      declaredTools: toolNames(creates[0]?.body),
      calledTools: items,
    };
  } finally {
    await sim.close();
  }
}

/** Runs the Codex comparison. */
export async function runCodex(ctx: SectionContext): Promise<SectionOutput> {
  if (!ctx.profile.codex) throw new Error('skipped in this profile');
  const codex = ensureCodex(ctx);
  const reps = 5;
  const runs: Record<'tether' | 'codex', SideRun[]> = { tether: [], codex: [] };
  for (let rep = 0; rep < reps; rep++) {
    const order: Array<'tether' | 'codex'> = rep % 2 === 0 ? ['codex', 'tether'] : ['tether', 'codex'];
    for (const who of order) runs[who].push(await oneRun(ctx, who, codex.bin));
  }
  const c0 = runs.codex[0];
  if (c0 && (c0.creates < CALLS + 1 || c0.toolsRun < CALLS)) {
    throw new Error(
      `Codex did not complete the scripted loop: ${c0.creates} model calls, ${c0.toolsRun} tool items (expected ${CALLS + 1} and ${CALLS}); transports ${c0.transports.join(',')}; Codex declared tools [${c0.declaredTools.join(', ')}]; completed items [${c0.calledTools.join('; ')}]`,
    );
  }
  const wall = (who: 'tether' | 'codex'): number => median(runs[who].map((r) => r.run.wallMs));
  const rss = (who: 'tether' | 'codex'): number => Math.max(...runs[who].map((r) => r.run.peakRssMiB));
  const ratio = wall('tether') / wall('codex');
  const row = (who: 'tether' | 'codex', label: string): Array<string | number> => {
    const r = runs[who];
    return [
      label,
      round(wall(who), 0),
      r.map((x) => round(x.run.wallMs, 0)).join(', '),
      round(rss(who), 1),
      r[0]?.creates ?? 0,
      r[0]?.transports.join('+') ?? '',
      r[0]?.connections ?? 0,
      `${r[0]?.firstCreateBytes ?? 0} / ${r[0]?.contBytes ?? 0}`,
    ];
  };
  return {
    figures: {
      codexVersion: codex.version,
      codexDeclaredTools: runs.codex[0]?.declaredTools ?? [],
      codexCompletedItems: runs.codex[0]?.calledTools ?? [],
      codexBinary: codex.bin,
      rttMs: RTT_MS,
      tether: runs.tether.map((r) => ({
        wallMs: round(r.run.wallMs, 1),
        peakRssMiB: round(r.run.peakRssMiB, 1),
        creates: r.creates,
      })),
      codex: runs.codex.map((r) => ({
        wallMs: round(r.run.wallMs, 1),
        peakRssMiB: round(r.run.peakRssMiB, 1),
        creates: r.creates,
      })),
      ratio: round(ratio, 3),
    },
    tables: [
      {
        title: `tool-loop-20 at ${RTT_MS} ms RTT over WebSocket, ${reps} interleaved runs each (wall = spawn to exit)`,
        headers: [
          'client',
          'median wall ms',
          'runs ms',
          'peak RSS MiB (max)',
          'model calls',
          'transport',
          'connections',
          'request bytes first / continuation',
        ],
        rows: [
          row('tether', 'tether (node bin/tether.js -p)'),
          row('codex', `${codex.version} (codex exec)`),
        ],
      },
    ],
    notes: [
      `Codex declared [${runs.codex[0]?.declaredTools.join(', ') ?? ''}]; the simulator mapped the scenario’s shell calls onto its shell tool, and Codex reported [${runs.codex[0]?.calledTools.join('; ') ?? ''}].`,
      'Codex runs with a custom provider pointing at the simulator (`supports_websockets = true`, `wire_api = "responses"`), `--dangerously-bypass-approvals-and-sandbox`; tether with `--approval full-auto --sandbox off`. Both spawn real `echo` processes for the 20 tool calls.',
    ],
    verdicts: {
      'codex-ratio': verdict(
        ratio,
        0.8,
        `${round(ratio, 3)} (tether ${round(wall('tether'), 0)} ms vs Codex ${round(wall('codex'), 0)} ms; RSS ${round(rss('tether'), 1)} vs ${round(rss('codex'), 1)} MiB)`,
        'both clients wait the same simulated RTT per model call and spawn the same 20 tool processes, which leaves process start and per-turn client work to differ; tether’s per-turn persistence (see the client-overhead section: several ms per turn on this disk) is the largest item of its own that is on that path',
      ),
    },
  };
}

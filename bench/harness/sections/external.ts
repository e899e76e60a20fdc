/**
 * Benchmarks written by other parts' owners, run as child processes and parsed:
 * `bench/render.mjs` (streaming render through the TUI; prints a JSON line) and
 * `bench/sessions-list.mjs` (`tether sessions` over 1,000 saved sessions; prints text and a
 * `RESULT key=value` line).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SectionContext, SectionOutput } from '../context.js';
import { round } from '../stats.js';
import { verdict } from '../targets.js';

function runScript(ctx: SectionContext, name: string, args: string[] = [], color = false): string {
  const file = join(ctx.paths.root, 'bench', name);
  if (!existsSync(file)) throw new Error(`not landed: bench/${name} does not exist yet`);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  if (color) delete env['NO_COLOR'];
  const r = spawnSync(process.execPath, [file, ...args], {
    encoding: 'utf8',
    timeout: 150_000,
    env,
  });
  if (r.status !== 0)
    throw new Error(
      `bench/${name} exited ${r.status ?? r.signal}: ${(r.stderr || String(r.error ?? '')).trim().slice(-300)}`,
    );
  return r.stdout;
}

/** Streaming render of ~200k characters (bench/render.mjs). */
export async function runRender(ctx: SectionContext): Promise<SectionOutput> {
  if (!ctx.profile.ui) throw new Error('skipped in this profile');
  // In colour, as a user's terminal renders it (highlighted code, styled text).
  const out = runScript(ctx, 'render.mjs', [], true);
  const line = out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!line) throw new Error('bench/render.mjs printed no JSON result');
  const r = JSON.parse(line) as Record<string, number>;
  const cpu = r['cpuMs'] ?? Number.NaN;
  return {
    figures: r,
    tables: [
      {
        title: `Streaming render: ${r['chars']} chars in ${r['deltas']} deltas through the Ink UI into a 100×40 in-memory terminal`,
        headers: [
          'CPU ms',
          'wall ms',
          'frames',
          'live frame ms (median / mean / p95)',
          'frames Ink drew',
          'store notifications',
          'terminal KiB',
          'peak RSS MB',
          'RSS growth MB',
        ],
        rows: [
          [
            cpu,
            r['wallMs'] ?? '—',
            r['measuredFrames'] ?? '—',
            `${r['liveFrameCpuMsMedian']} / ${r['liveFrameCpuMsMean']} / ${r['liveFrameCpuMsP95']}`,
            r['inkFrames'] ?? '—',
            r['storeNotifications'] ?? '—',
            round((r['terminalBytes'] ?? 0) / 1024, 0),
            r['peakRssMB'] ?? '—',
            r['rssGrowthMB'] ?? '—',
          ],
        ],
      },
    ],
    verdicts: {
      'render-cpu': verdict(
        cpu,
        2000,
        `${cpu} ms CPU for ${r['chars']} chars paced at ${r['ratePerS']} chars/s (${r['wallMs']} ms wall, ${r['measuredFrames']} frames, peak RSS ${r['peakRssMB']} MB)`,
      ),
      'render-frame': verdict(
        r['liveFrameCpuMsMean'] ?? Number.NaN,
        1,
        `live frame (tail + Ink) mean ${r['liveFrameCpuMsMean']} ms, median ${r['liveFrameCpuMsMedian']} ms, p95 ${r['liveFrameCpuMsP95']} ms; whole frame with committed blocks mean ${r['frameCpuMsMean']} ms`,
      ),
    },
  };
}

/** `tether sessions` over 1,000 sessions (bench/sessions-list.mjs). */
export async function runSessionsList(ctx: SectionContext): Promise<SectionOutput> {
  if (!ctx.profile.ui) throw new Error('skipped in this profile');
  const out = runScript(ctx, 'sessions-list.mjs');
  const lines = out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const figures: Record<string, unknown> = {};
  for (const l of lines) {
    const m = /^RESULT\s+(.*)$/.exec(l);
    if (!m?.[1]) continue;
    for (const kv of m[1].split(/\s+/)) {
      const [k, v] = kv.split('=');
      if (k && v !== undefined) figures[k] = Number.isFinite(Number(v)) ? Number(v) : v;
    }
  }
  return {
    figures,
    notes: lines.filter((l) => !l.startsWith('RESULT')),
  };
}

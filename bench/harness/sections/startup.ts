/**
 * Startup: `bench/startup.mjs --json` (tether --version / --help vs `node -e 0`), plus time until
 * the interactive prompt is drawn, measured in a real pseudo-terminal (`script -qfec`) against a
 * simulator: spawn → first appearance of the composer's `›` marker in the terminal output.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_API_KEY, makeHome, makeWorkspace } from '../cli-run.js';
import type { SectionContext, SectionOutput } from '../context.js';
import { startSim } from '../sim.js';
import { median, round } from '../stats.js';
import { type Verdict, verdict } from '../targets.js';

/** What startup.mjs prints with --json. */
interface StartupJson {
  runs: number;
  node_e0_ms: number;
  version_ms: number;
  help_ms: number;
  version_ratio: number;
  help_ratio: number;
}

/** The composer draws `› ` in front of the input line (src/ui/components/composer.tsx). */
const PROMPT_MARKER = '›';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Spawns tether in a PTY and resolves with ms until the prompt marker appeared (NaN on timeout). */
function promptReadyOnce(
  ctx: SectionContext,
  baseUrl: string,
  timeoutMs: number,
): Promise<{ ms: number; output: string }> {
  const home = makeHome();
  const cwd = makeWorkspace(ctx.paths, 'pty');
  const cmd = `stty cols 100 rows 30; exec ${shellQuote(process.execPath)} ${shellQuote(join(ctx.paths.root, 'bin', 'tether.js'))} --base-url ${shellQuote(baseUrl)}`;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      cwd,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        TETHER_HOME: home,
        OPENAI_API_KEY: BENCH_API_KEY,
        TERM: 'xterm-256color',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let ms = Number.NaN;
    const stop = (): void => {
      // Ctrl-C twice (interrupt, then exit), then make sure the process we started is gone.
      child.stdin.write('\x03');
      setTimeout(() => child.stdin.write('\x03'), 50);
      setTimeout(() => child.kill('SIGKILL'), 1500).unref();
    };
    const timer = setTimeout(stop, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      output += d;
      if (Number.isNaN(ms) && output.includes(PROMPT_MARKER)) {
        ms = performance.now() - t0;
        clearTimeout(timer);
        stop();
      }
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve({ ms, output });
    });
  });
}

/** Runs the startup benchmark. */
export async function runStartup(ctx: SectionContext): Promise<SectionOutput> {
  const r = spawnSync(process.execPath, [join(ctx.paths.root, 'bench', 'startup.mjs'), '--json'], {
    env: { ...process.env, BENCH_RUNS: String(ctx.profile.startupRuns) },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`bench/startup.mjs exited ${r.status}: ${r.stderr.slice(-300)}`);
  const s = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as StartupJson;
  const verdicts: Record<string, Verdict> = {
    'startup-version': verdict(
      s.version_ratio,
      1.5,
      `${s.version_ratio}× (${s.version_ms} ms vs node -e 0 ${s.node_e0_ms} ms, median of ${s.runs})`,
      '--version loads more than the CLI surface; keep heavy modules behind lazy imports',
    ),
  };
  const rows: Array<Array<string | number>> = [
    ['node -e 0', s.node_e0_ms, 1],
    ['tether --version', s.version_ms, s.version_ratio],
    ['tether --help', s.help_ms, s.help_ratio],
  ];
  const notes: string[] = [];
  const figures: Record<string, unknown> = { startup: s };
  if (ctx.profile.ui) {
    const sim = await startSim(ctx.paths, { scenario: 'plain-answer' });
    const times: number[] = [];
    let misses = 0;
    let lastOutput = '';
    try {
      const runs = Math.min(5, ctx.profile.startupRuns);
      for (let i = 0; i < runs; i++) {
        const once = await promptReadyOnce(ctx, sim.url, 10_000);
        lastOutput = once.output;
        if (Number.isFinite(once.ms)) times.push(once.ms);
        else misses++;
      }
    } finally {
      await sim.close();
    }
    if (times.length) {
      const m = median(times);
      figures['promptReadyMs'] = times.map((t) => round(t, 1));
      figures['promptMisses'] = misses;
      if (misses) notes.push(`${misses} PTY run(s) did not show the prompt within 10 s and are left out.`);
      rows.push(['interactive prompt ready (PTY)', round(m, 1), round(m / s.node_e0_ms, 2)]);
      verdicts['prompt-ready'] = verdict(
        m,
        400,
        `${round(m, 1)} ms (median of ${times.length}; min ${round(Math.min(...times), 1)} ms)`,
        "before the first frame: loading the bundled UI chunk (~0.25 s unloaded), yoga-layout's wasm compile, the sandbox probe and a git branch query; lazy-loading highlight.js and drawing the composer before the runtime is ready would cut it further",
      );
    } else {
      const tail = lastOutput
        .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
        .trim()
        .slice(-200);
      verdicts['prompt-ready'] = {
        status: 'not measured',
        measured: '—',
        note: `the prompt marker never appeared within 10 s (terminal output tail: ${tail || 'none'})`,
      };
    }
  } else {
    notes.push('Interactive prompt timing skipped in this profile.');
    verdicts['prompt-ready'] = { status: 'not measured', measured: '—', note: 'skipped in this profile' };
  }
  return {
    figures,
    tables: [
      {
        title: 'Startup (median wall time of spawned processes)',
        headers: ['command', 'ms', '× node -e 0'],
        rows,
      },
    ],
    notes,
    verdicts,
  };
}

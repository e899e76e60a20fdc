// Benchmark (not a test): streams ~200k characters of markdown as assistant deltas through the
// interactive UI — the real store, reducers, markdown splitter, transcript printer and Ink <App> —
// into an in-memory 100×40 terminal at a steady pace (default 10,000 chars/s, in deltas of 24
// chars: what a fast model's socket delivers), so frames are drawn the whole time as for a user.
// Colours are on (FORCE_COLOR=3 unless set): a user's terminal gets highlighted code and styled
// text, and the ANSI codes are part of what has to be laid out and written.
// A frame starts with the store's flush (the coalescing tick, every 50 ms while text streams):
// it commits complete blocks and notifies; then, in microtasks, the transcript printer renders the
// newly committed blocks (markdown → scrollback, once per block) and redraws the live tail (the
// unfinished block's last rows), and React + Ink redraw their live region if its state changed.
// The frame ends when the event loop reaches the check phase (setImmediate). Its CPU (all
// threads, process.cpuUsage) is split into the store flush, printing committed blocks, and the
// live frame: everything else (tail + Ink), the figure the ≤ 1 ms target is about.
// Prints CPU time, frames, the live frame's median/mean/p95, Ink's own render time and frame
// count, store notifications, bytes written to the terminal, and peak RSS; the last line is JSON.
// Usage: node [--expose-gc] bench/render.mjs [chars] [chunkChars] [--rate=CHARS_PER_S]
//        [--burst (all deltas at once, one per macrotask: the old method)] [--store-only]
//        [--columns=N] [--stock-ink (Ink's own output grid: scripts/ink-output-plugin.mjs off)]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { inkOutputPlugin } from '../scripts/ink-output-plugin.mjs';

// Production React, as the CLI runs it (interactive mode sets this before loading the UI).
process.env.NODE_ENV ??= 'production';
// A colour terminal (chalk and cli-highlight decide at load time).
if (!process.env.NO_COLOR) process.env.FORCE_COLOR ??= '3';
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
// --store-only: the store and reducers without Ink, to split the cost between the two.
const STORE_ONLY = process.argv.includes('--store-only');
const CHARS = Number(args[0] ?? 200_000);
const CHUNK = Number(args[1] ?? 24);
const opt = (name, dflt) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : dflt;
};
const BURST = process.argv.includes('--burst');
// --stock-ink: Ink's own output grid, without tether's row memoization (for before/after figures).
const STOCK_INK = process.argv.includes('--stock-ink');
const RATE = opt('rate', 10_000);
const COLUMNS = opt('columns', 100);
// --coalesce=MS: the store's flush window (default: the store's own).
const COALESCE = opt('coalesce', undefined);
const src = new URL('../src/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'tether-bench-render-'));
const cleanup = [];
try {
  const entry = join(work, 'entry.tsx');
  writeFileSync(
    entry,
    [
      `export { UiStore } from '${src}ui/store.ts';`,
      `export { UiController } from '${src}ui/controller.ts';`,
      `export { App } from '${src}ui/app.tsx';`,
      `export { nullServices } from '${src}ui/services/types.ts';`,
      `export { realClock } from '${src}util/clock.ts';`,
      `export { generateMarkdown } from '${src}simulator/markdown-gen.ts';`,
      // Not with --stock-ink (the module may not exist in a tree measured for "before" figures).
      STOCK_INK ? 'export const rowStats = null;' : `export { rowStats } from '${src}ui/ink-output.ts';`,
      `export { printerStats } from '${src}ui/components/transcript.tsx';`,
      `export { render } from 'ink';`,
      `export { createElement } from 'react';`,
    ].join('\n'),
  );
  // Inside the repo (git-ignored) so the external packages resolve from its node_modules.
  const outdir = new URL(`./results/tmp/render-${process.pid}/`, import.meta.url).pathname;
  mkdirSync(outdir, { recursive: true });
  cleanup.push(outdir);
  await build({
    entryPoints: { entry },
    outdir,
    bundle: true,
    // Split as the CLI is: Ink's devtools (react-devtools-core) stay in a chunk never loaded.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies bundled too (from the repo's node_modules), as scripts/build.mjs bundles the CLI.
    nodePaths: [new URL('../node_modules/', import.meta.url).pathname],
    external: ['react-devtools-core'],
    banner: {
      js: "import { createRequire as __tetherRequire } from 'node:module'; const require = __tetherRequire(import.meta.url);",
    },
    jsx: 'automatic',
    define: { __TETHER_VERSION__: '"bench"' },
    // As scripts/build.mjs bundles the CLI (Ink's output grid with memoized rows).
    plugins: STOCK_INK ? [] : [inkOutputPlugin()],
    logLevel: 'warning',
  });
  const m = await import(pathToFileURL(join(outdir, 'entry.js')).href);

  // An in-memory terminal.
  let bytes = 0;
  let lastChunk = '';
  let writes = 0;
  const stdout = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        if (process.env.BENCH_DEBUG_FRAME) lastChunk = (lastChunk + chunk.toString()).slice(-6000);
        bytes += chunk.length;
        writes++;
        cb();
      },
    }),
    { columns: COLUMNS, rows: 40, isTTY: true },
  );
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode() {}, ref() {}, unref() {} });

  const markdown = m.generateMarkdown(CHARS);
  const deltas = [];
  for (let i = 0; i < markdown.length; i += CHUNK) deltas.push(markdown.slice(i, i + CHUNK));

  const listeners = new Set();
  const agent = {
    submit() {},
    cancel() {},
    resolveApproval() {},
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    getSnapshot: () => ({
      sessionId: 'bench',
      model: 'bench',
      approval: 'suggest',
      running: true,
      queued: [],
      pendingApprovals: [],
      usage: {},
      turns: 0,
    }),
    setModel() {},
    setApprovalMode() {},
    compact: async () => {},
    newSession: async () => {},
    close: async () => {},
  };
  const emit = (e) => {
    for (const l of listeners) l(e);
  };
  const store = new m.UiStore({
    clock: m.realClock,
    model: 'bench',
    approval: 'suggest',
    contextWindow: 272_000,
    columns: COLUMNS,
    rows: 40,
    ...(COALESCE !== undefined ? { coalesceMs: COALESCE } : {}),
  });
  const controller = new m.UiController({
    store,
    agent,
    services: m.nullServices(),
    clock: m.realClock,
    onExit() {},
  });
  controller.start();
  let frames = 0;
  const renderTimes = [];
  // Per-frame CPU (see the header): the store's flush, then everything up to the check phase,
  // less the CPU the printer spent rendering newly committed blocks.
  const cpuNow = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  m.printerStats.enabled = true;
  const frameCpu = { store: [], print: [], live: [], total: [] };
  const origFlush = store.flushNow.bind(store);
  store.flushNow = () => {
    const c0 = cpuNow();
    const committed0 = m.printerStats.committedCpuMs;
    origFlush();
    const c1 = cpuNow();
    setImmediate(() => {
      const c2 = cpuNow();
      const committed = m.printerStats.committedCpuMs - committed0;
      frameCpu.store.push(c1 - c0);
      frameCpu.print.push(committed);
      frameCpu.live.push(c2 - c1 - committed);
      frameCpu.total.push(c2 - c0);
    });
  };
  // <App> printing through Ink's stdout writer, as it does by default.
  function BenchApp() {
    return m.createElement(m.App, { store, controller });
  }
  const instance = STORE_ONLY
    ? { unmount() {} }
    : m.render(m.createElement(BenchApp), {
        stdout,
        stdin,
        exitOnCtrlC: false,
        patchConsole: false,
        maxFps: 30,
        onRender: (r) => {
          frames++;
          if (r && typeof r.renderTime === 'number') renderTimes.push(r.renderTime);
        },
      });

  let peakRss = process.memoryUsage().rss;
  const rss0 = peakRss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const turnId = 't1';
  emit({
    type: 'session_started',
    sessionId: 'bench',
    model: 'bench',
    cwd: '/bench',
    transport: 'websocket',
    approval: 'suggest',
    sandbox: 'none',
    tools: [],
    version: 'bench',
    resumed: false,
    instructionFiles: [],
  });
  emit({ type: 'user_message', turnId, text: 'write a long answer' });
  emit({ type: 'turn_started', turnId, index: 0 });
  const emits0 = store.emits;
  if (BURST) {
    for (let i = 0; i < deltas.length; i++) {
      emit({ type: 'assistant_delta', turnId, itemId: 'msg_1', text: deltas[i] });
      await new Promise((r) => setImmediate(r));
      if (i % 256 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  } else {
    // Paced: every 4 ms, send the deltas due by now (a socket delivers several per read).
    let i = 0;
    let tick = 0;
    while (i < deltas.length) {
      await new Promise((r) => setTimeout(r, 4));
      const due = Math.min(deltas.length, Math.ceil(((performance.now() - t0) * RATE) / 1000 / CHUNK));
      for (; i < due; i++) emit({ type: 'assistant_delta', turnId, itemId: 'msg_1', text: deltas[i] });
      if (++tick % 64 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (process.env.BENCH_DEBUG_FRAME && tick === 1500) console.error(JSON.stringify(lastChunk));
      if (process.env.BENCH_DEBUG && tick % 250 === 0)
        console.error(i, Math.round(performance.now() - t0), store.emits, frames);
    }
  }
  emit({ type: 'assistant_item_done', turnId, itemId: 'msg_1', text: markdown });
  emit({ type: 'turn_finished', turnId, status: 'completed' });
  emit({
    type: 'run_finished',
    status: 'success',
    terminalReason: 'completed',
    result: '',
    numTurns: 1,
    usage: {},
    durationMs: 0,
    exitCode: 0,
    permissionDenials: [],
  });
  await new Promise((r) => setTimeout(r, 100));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  // Live heap after a full collection (run with --expose-gc): what the transcript really retains.
  let heapAfterGcMB = null;
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    heapAfterGcMB = Math.round(process.memoryUsage().heapUsed / 1048576);
  }
  const committed = store.getSnapshot().transcript.entries.filter((e) => e.kind === 'markdown').length;
  instance.unmount();
  store.close();
  controller.stop();

  const pctOf = (xs, p) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted.length
      ? +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(3)
      : null;
  };
  const pct = (p) => pctOf(renderTimes, p);
  const mean = (xs) => (xs.length ? +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3) : null);
  const sum = (xs) => Math.round(xs.reduce((a, b) => a + b, 0));
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  const result = {
    mode:
      (STORE_ONLY ? 'store-only' : STOCK_INK ? 'store+stock ink' : 'store+ink') +
      (BURST ? ' burst' : ` paced ${RATE} chars/s`),
    ratePerS: BURST ? null : RATE,
    columns: COLUMNS,
    chars: markdown.length,
    deltas: deltas.length,
    cpuMs,
    // CPU of the live frame (the tail + React/Ink), measured around each frame.
    liveFrameCpuMsMedian: pctOf(frameCpu.live, 0.5),
    liveFrameCpuMsMean: mean(frameCpu.live),
    liveFrameCpuMsP95: pctOf(frameCpu.live, 0.95),
    // Everything a frame costs (store flush + printing committed blocks + live frame).
    frameCpuMsMedian: pctOf(frameCpu.total, 0.5),
    frameCpuMsMean: mean(frameCpu.total),
    measuredFrames: frameCpu.total.length,
    framesCpuMs: sum(frameCpu.total),
    storeFlushCpuMs: sum(frameCpu.store),
    printCpuMs: sum(frameCpu.print),
    liveCpuMs: sum(frameCpu.live),
    cpuPerMeasuredFrameMs: frameCpu.total.length ? +(cpuMs / frameCpu.total.length).toFixed(2) : null,
    // Rows of Ink's output grid computed / reused from the memo (src/ui/ink-output.ts).
    inkRowsComputed: STOCK_INK ? null : m.rowStats.computed,
    inkRowsReused: STOCK_INK ? null : m.rowStats.reused,
    inkRenderMsMedian: pct(0.5),
    inkRenderMsP95: pct(0.95),
    wallMs: Math.round(wallMs),
    // Frames Ink drew (its live region changed: the spinner, the status bar), not the tail's.
    inkFrames: frames,
    storeNotifications: store.emits - emits0,
    committedBlocks: committed,
    terminalBytes: bytes,
    terminalWrites: writes,
    peakRssMB: Math.round(peakRss / 1048576),
    rssGrowthMB: Math.round((peakRss - rss0) / 1048576),
    heapAfterGcMB,
    machine: `${cpus().length} CPUs, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  };
  console.log(
    `render (${result.mode}): ${result.chars} chars in ${result.deltas} deltas → ${result.cpuMs} ms CPU (${result.wallMs} ms wall), ` +
      `${result.measuredFrames} frames (${result.cpuPerMeasuredFrameMs} ms CPU per frame, all CPU / frames); ` +
      `live frame (tail + Ink) median ${result.liveFrameCpuMsMedian} ms, mean ${result.liveFrameCpuMsMean} ms, p95 ${result.liveFrameCpuMsP95} ms; ` +
      `whole frame median ${result.frameCpuMsMedian} ms, mean ${result.frameCpuMsMean} ms ` +
      `(of ${result.framesCpuMs} ms in frames: store flush ${result.storeFlushCpuMs}, printing committed blocks ${result.printCpuMs}, live ${result.liveCpuMs}); ` +
      `Ink drew ${result.inkFrames} frames (render median ${result.inkRenderMsMedian} ms, p95 ${result.inkRenderMsP95} ms), ` +
      `${result.storeNotifications} store notifications, ${result.committedBlocks} blocks committed, ` +
      `${(result.terminalBytes / 1024).toFixed(0)} KiB to the terminal, peak RSS ${result.peakRssMB} MB (${result.machine})`,
  );
  console.log(JSON.stringify(result));
} finally {
  rmSync(work, { recursive: true, force: true });
  for (const f of cleanup) rmSync(f, { recursive: true, force: true });
}

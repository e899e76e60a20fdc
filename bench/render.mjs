// Benchmark (not a test): streams ~200k characters of markdown as assistant deltas through the
// interactive UI — the real store, reducers, markdown splitter and Ink <App> — into an in-memory
// 100×40 terminal, as fast as the event loop allows (one delta per macrotask, as socket messages
// arrive). Prints CPU time, renders (Ink frames and store notifications), bytes written to the
// terminal, and peak RSS.
// Usage: node [--expose-gc] bench/render.mjs [chars] [chunkChars] [--store-only]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

// Production React, as the CLI runs it (interactive mode sets this before loading the UI).
process.env.NODE_ENV ??= 'production';
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
// --store-only: the store and reducers without Ink, to split the cost between the two.
const STORE_ONLY = process.argv.includes('--store-only');
const CHARS = Number(args[0] ?? 200_000);
const CHUNK = Number(args[1] ?? 24);
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
      `export { render } from 'ink';`,
      `export { createElement } from 'react';`,
    ].join('\n'),
  );
  // Inside the repo (git-ignored) so the external packages resolve from its node_modules.
  const tmpOut = new URL('./results/tmp/', import.meta.url).pathname;
  mkdirSync(tmpOut, { recursive: true });
  const outfile = join(tmpOut, `render-${process.pid}.mjs`);
  cleanup.push(outfile);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    jsx: 'automatic',
    define: { __TETHER_VERSION__: '"bench"' },
    logLevel: 'warning',
  });
  const m = await import(pathToFileURL(outfile).href);

  // An in-memory terminal.
  let bytes = 0;
  let writes = 0;
  const stdout = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        bytes += chunk.length;
        writes++;
        cb();
      },
    }),
    { columns: 100, rows: 40, isTTY: true },
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
    columns: 100,
    rows: 40,
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
  const instance = STORE_ONLY
    ? { unmount() {} }
    : m.render(m.createElement(m.App, { store, controller }), {
        stdout,
        stdin,
        exitOnCtrlC: false,
        patchConsole: false,
        maxFps: 30,
        onRender: () => frames++,
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
  for (let i = 0; i < deltas.length; i++) {
    emit({ type: 'assistant_delta', turnId, itemId: 'msg_1', text: deltas[i] });
    await new Promise((r) => setImmediate(r));
    if (i % 256 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (process.env.BENCH_DEBUG && i % 1000 === 0)
      console.error(i, Math.round(performance.now() - t0), store.emits, frames);
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

  const result = {
    mode: STORE_ONLY ? 'store-only' : 'store+ink',
    chars: markdown.length,
    deltas: deltas.length,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    wallMs: Math.round(wallMs),
    inkFrames: frames,
    storeNotifications: store.emits - emits0,
    committedBlocks: committed,
    terminalBytes: bytes,
    terminalWrites: writes,
    peakRssMB: Math.round(peakRss / 1048576),
    rssGrowthMB: Math.round((peakRss - rss0) / 1048576),
    heapAfterGcMB,
  };
  console.log(
    `render: ${result.chars} chars in ${result.deltas} deltas → ${result.cpuMs} ms CPU (${result.wallMs} ms wall), ` +
      `${result.inkFrames} Ink frames, ${result.storeNotifications} store notifications, ${result.committedBlocks} blocks committed, ` +
      `${(result.terminalBytes / 1024).toFixed(0)} KiB to the terminal, peak RSS ${result.peakRssMB} MB`,
  );
  console.log(JSON.stringify(result));
} finally {
  rmSync(work, { recursive: true, force: true });
  for (const f of cleanup) rmSync(f, { force: true });
}

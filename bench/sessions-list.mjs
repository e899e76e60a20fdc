// Benchmark: `tether sessions` over 1,000 saved sessions (issue 8: "well under a second").
// Bundles src/store with esbuild into a temp folder, writes 1,000 realistic sessions through
// SessionWriter (5 turns each), then times listing: cold (summaries present, first read) and
// warm (median of 5), plus --all, --search and the rebuild path (summaries deleted).
// Usage: node bench/sessions-list.mjs [count]
import { mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const COUNT = Number(process.argv[2] ?? 1000);
const work = mkdtempSync(join(tmpdir(), 'tether-bench-sessions-'));
try {
  const entry = join(work, 'entry.ts');
  const { writeFileSync } = await import('node:fs');
  const src = new URL('../src/', import.meta.url).pathname;
  writeFileSync(
    entry,
    `export * from '${src}store/index.ts';\nexport { runSessionsCommand } from '${src}cli/commands/sessions.ts';\n`,
  );
  const outfile = join(work, 'store.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    define: { __TETHER_VERSION__: '"bench"' },
    logLevel: 'warning',
  });
  const store = await import(outfile);
  const dir = join(work, 'sessions');

  // A fake wall clock so ids and ages are deterministic and sessions are spread over time.
  let wall = Date.UTC(2026, 0, 1);
  const clock = {
    now: () => wall,
    wallNow: () => wall,
    setTimeout() {},
    setInterval() {},
    sleep: async () => {},
  };
  const t0 = performance.now();
  for (let i = 0; i < COUNT; i++) {
    wall += 60_000;
    const w = new store.SessionWriter({
      sessionId: `20260101-${String(i).padStart(6, '0')}-bench0`,
      cwd: `/projects/p${i % 10}`,
      model: 'gpt-bench',
      dir,
      clock,
      gitBranch: () => 'main',
    });
    for (let t = 0; t < 5; t++) {
      w.onEvent({
        type: 'user_message',
        turnId: `t${t}`,
        text: `task ${i}.${t}: refactor module ${t} of project ${i % 10}`,
      });
      w.onItems(
        [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `task ${i}.${t}` }] }],
        'input',
      );
      w.onItems(
        [
          {
            type: 'message',
            role: 'assistant',
            content: [
              {
                type: 'output_text',
                text: `Done with step ${t}; word${i}x${t}. ${'lorem ipsum '.repeat(40)}`,
              },
            ],
          },
        ],
        'output',
      );
    }
    // One durable flush per session keeps setup fast; the listing cost does not depend on it.
    await w.close();
  }
  const setupMs = performance.now() - t0;

  const time = (fn) => {
    const s = performance.now();
    const r = fn();
    return [performance.now() - s, r];
  };
  const [coldMs, cold] = time(() => store.listSessions({ cwd: '/projects/p3', all: false, dir }));
  const warm = [];
  for (let k = 0; k < 5; k++)
    warm.push(time(() => store.listSessions({ cwd: '/projects/p3', all: false, dir }))[0]);
  warm.sort((a, b) => a - b);
  const [allMs, all] = time(() => store.listSessions({ cwd: '/', all: true, dir }));
  const [searchMs, found] = time(() =>
    store.listSessions({ cwd: '/', all: true, search: `word${COUNT - 1}x4`, dir }),
  );
  const sink = { write: () => true };
  const cmdStart = performance.now();
  await store.runSessionsCommand({ all: true, cwd: '/', stdout: sink, dir, columns: 100 });
  const cmdMs = performance.now() - cmdStart;
  for (const f of readdirSync(dir)) if (f.endsWith('.summary.json')) unlinkSync(join(dir, f));
  const [rebuildMs] = time(() => store.listSessions({ cwd: '/', all: true, dir }));

  // Cost the agent pays per model call: one buffered turn written and fdatasync'ed.
  const flushes = [];
  const fw = new store.SessionWriter({
    cwd: '/projects/flush',
    model: 'gpt-bench',
    dir,
    clock,
    gitBranch: () => null,
  });
  for (let t = 0; t < 200; t++) {
    fw.onItems(
      [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `flush ${t}` }] }],
      'input',
    );
    fw.onItems(
      [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok '.repeat(200) }] }],
      'output',
    );
    const s = performance.now();
    await fw.flush();
    flushes.push(performance.now() - s);
  }
  await fw.close();
  flushes.sort((a, b) => a - b);

  const fmt = (ms) => `${ms.toFixed(1)} ms`;
  console.log(`sessions: ${COUNT} (5 turns each), written in ${fmt(setupMs)}`);
  console.log(
    `list (this directory, ${cold.sessions.length} shown, ${cold.hiddenOtherDirs} hidden): cold ${fmt(coldMs)}, warm median ${fmt(warm[2])}`,
  );
  console.log(`list --all (${all.sessions.length} shown): ${fmt(allMs)}`);
  console.log(`runSessionsCommand --all (table rendered): ${fmt(cmdMs)}`);
  console.log(`list --all --search (${found.sessions.length} found): ${fmt(searchMs)}`);
  console.log(`list --all with every summary missing (rebuilt from logs): ${fmt(rebuildMs)}`);
  console.log(
    `per-turn flush (write + fdatasync + summary): p50 ${fmt(flushes[100])}, p95 ${fmt(flushes[190])}`,
  );
  console.log(`RESULT sessions_list_1000_ms=${allMs.toFixed(1)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * The streamed answer's live tail (drawn by the transcript printer, live-tail.ts) and Ink's live
 * region below it, in a real terminal, as two red-team rounds attacked them: the built CLI in
 * tmux (a private socket) against the simulator. Each case streams a long answer and checks the
 * whole scrollback: every section heading, code block and nested list row as often as the answer
 * has it.
 *  - the tail itself: a library writing through console.warn mid-stream (it went through Ink's
 *    writer, below the tail, and the tail's next erase took it), a terminal too short for a tail
 *    (60x10), a 12-line draft typed mid-stream at 80x24;
 *  - what else grows in the live region: queued prompts and the completion menu, a draft at 24
 *    columns, the draft when the turn ends, a long proposed command, a terminal made shorter
 *    than the live region, narrowing several times mid-stream. (That the region stays shorter
 *    than the terminal is also checked without tmux: test/ui/live-region-fit.test.tsx.)
 * Needs tmux (there a missing tmux fails in CI).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { generateMarkdown } from '../../src/simulator/markdown-gen.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/tether.js');
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const IN_CI = process.env['CI'] === 'true';
const SOCKET = `tether-live-region-${process.pid}`;
const ANSWER = generateMarkdown(16_000);
const SECTIONS = (ANSWER.match(/^## Section \d+:/gm) ?? []).length;
const NESTED = [...ANSWER.matchAll(/nested item (\d+)/g)].map((m) => m[1]);

let sim: Simulator;
let home: string;
let ws: string;
let n = 0;

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const capture = (s: string, all = false) => tmux('capture-pane', '-p', '-J', '-S', all ? '-' : '0', '-t', s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  s: string,
  pred: (t: string) => boolean,
  what: string,
  timeoutMs = 30_000,
  all = false,
) {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    last = capture(s, all);
    if (pred(last)) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${last}`);
}

beforeAll(async () => {
  if (!HAS_TMUX) return;
  spawnSync('tmux', ['-L', SOCKET, '-f', '/dev/null', 'new-session', '-d', '-s', 'keeper', 'sleep 86400']);
  tmux('set-option', '-g', 'history-limit', '100000');
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  sim = await startSimulator({
    scenario: { name: 'live-tail-e2e', chunkChars: 32, turns: [{ steps: [{ say: ANSWER }] }] },
    eventDelayMs: 8,
    seed: 5,
  });
  home = mkdtempSync(join(tmpdir(), 'tether-live-tail-home-'));
  ws = mkdtempSync(join(tmpdir(), 'tether-live-tail-ws-'));
  mkdirSync(join(ws, '.git'));
  // A real-looking login profile.
  writeFileSync(join(home, '.bashrc'), 'export PATH="$HOME/bin:$PATH"\nalias ll=\'ls -alF\'\n');
  // A "library" that warns through the console while the answer streams (from 2.5 s on).
  writeFileSync(
    join(home, 'noise.cjs'),
    "let n=0;setTimeout(()=>{const t=setInterval(()=>{console.warn('[lib] warning '+(++n));if(n>=5)clearInterval(t)},400);t.unref()},2500).unref();\n",
  );
});

afterAll(async () => {
  if (!HAS_TMUX) return;
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  await sim?.close();
  for (const d of [home, ws]) if (d) rmSync(d, { recursive: true, force: true });
});

/** The environment of the CLI in session `s` (its own TETHER_HOME) against `url`. */
function cliEnv(s: string, url: string, extra: string[]): string {
  return [
    `TETHER_HOME=${join(home, `.tether-${s}`)}`,
    `HOME=${home}`,
    'OPENAI_API_KEY=sk-test-live-0123456789abcdef',
    `OPENAI_BASE_URL=${url}`,
    'TETHER_SANDBOX=off',
    'TERM=xterm-256color',
    ...extra,
  ].join(' ');
}

/** Streams the answer in a `cols`x`rows` terminal; `during` runs once it is under way. */
async function stream(
  cols: number,
  rows: number,
  extraEnv: string[],
  during?: (s: string) => Promise<void>,
  after?: (s: string) => Promise<void>,
) {
  const s = `live-${process.pid}-${n++}`;
  const env = cliEnv(s, sim.url, extraEnv);
  const cmd = `cd ${ws} && env ${env} ${process.execPath} ${BIN}; echo "TETHER_EXIT:$?"; sleep 600`;
  tmux('new-session', '-d', '-s', s, '-x', String(cols), '-y', String(rows), cmd);
  // The composer (the status bar's "connected" is cut off on a narrow terminal).
  await waitFor(s, (t) => t.includes('│ ›'), 'the prompt');
  tmux('send-keys', '-t', s, '-l', 'write a long answer');
  await sleep(100);
  tmux('send-keys', '-t', s, 'Enter');
  await waitFor(s, (t) => /working \d/.test(t), 'the stream to start');
  if (during) await during(s);
  // The end: the working line gone from the screen (not the last code block in the scrollback:
  // a wiped scrollback would only time out).
  // Twice, 500 ms apart: a repaint erases the visible rows for a moment.
  for (let i = 0; i < 2; i++) {
    await waitFor(s, (t) => !/working \d/.test(t), 'the end', 60_000);
    await sleep(500);
  }
  await waitFor(s, (t) => !/working \d/.test(t), 'the end', 60_000);
  if (after) await after(s);
  const all = capture(s, true);
  tmux('kill-session', '-t', s);
  return all;
}

function expectAnswerOnce(all: string) {
  const lines = all.split('\n').map((l) => l.trim());
  const headings = lines
    .map((l) => /^Section (\d+):/.exec(l)?.[1])
    .filter(Boolean)
    .map(Number);
  expect(headings, 'section headings in the scrollback').toEqual(
    Array.from({ length: SECTIONS }, (_, i) => i + 1),
  );
  const steps = lines
    .map((l) => /step(\d+)\(input/.exec(l)?.[1])
    .filter(Boolean)
    .map(Number);
  expect(steps, 'code blocks in the scrollback').toEqual(Array.from({ length: SECTIONS }, (_, i) => i + 1));
  const nested = lines.map((l) => /^\d+\. nested item (\d+)$/.exec(l)?.[1]).filter(Boolean);
  expect(nested, 'nested list rows in the scrollback').toEqual(NESTED);
}

describe.runIf(!HAS_TMUX && IN_CI)('tmux in CI', () => {
  it('is installed', () => expect(HAS_TMUX).toBe(true));
});

describe.skipIf(!HAS_TMUX)('the live tail in a real terminal', () => {
  it('keeps console output written mid-stream, and leaves no tail rows behind', async () => {
    const all = await stream(80, 24, [`NODE_OPTIONS=--require=${join(home, 'noise.cjs')}`]);
    for (let i = 1; i <= 5; i++) expect(all.split(`[lib] warning ${i}\n`).length - 1, `warning ${i}`).toBe(1);
    expectAnswerOnce(all);
  }, 90_000);

  it('leaves no tail rows behind in a 60x10 terminal', async () => {
    expectAnswerOnce(await stream(60, 10, []));
  }, 90_000);

  it('leaves no tail rows behind at 80x24 with a 12-line draft typed mid-stream', async () => {
    const all = await stream(80, 24, [], async (s) => {
      for (let i = 1; i <= 12; i++) tmux('send-keys', '-t', s, `note line ${i}`, 'C-j');
    });
    expectAnswerOnce(all);
  }, 90_000);
});

describe.skipIf(!HAS_TMUX)('the live tail against what else grows in the live region', () => {
  // The slash menu (up to 10 rows) and the queued prompts (3 + a count) are counted by
  // composerLinesWhileRunning, but the draft is already at its minimum of one line, so nothing
  // shrinks: working line + 4 queued rows + box (3) + 10 items + status bar = 19 rows below a
  // tail of up to 10 on a 24-row screen (13 left). Tail rows scroll off, cannot be erased, and
  // are printed again when their block completes (half-drawn rows such as "1. nested it" too).
  // With the menu alone (15 rows) it fails only when a tail of 9-10 rows is on screen.
  it('leaves no tail rows behind at 80x24 with 4 queued prompts and the slash menu open mid-stream', async () => {
    const all = await stream(80, 24, [], async (s) => {
      await sleep(800);
      for (let i = 1; i <= 4; i++) {
        tmux('send-keys', '-t', s, '-l', `queued ${i}`);
        tmux('send-keys', '-t', s, 'Enter');
      }
      tmux('send-keys', '-t', s, '-l', '/');
    });
    // The queued prompts get answers of their own: the first answer ends where the first is shown.
    expectAnswerOnce(all.slice(0, all.indexOf('\n› queued 1\n')));
  }, 90_000);

  // resizeRepaint: screen (the default) may show rows at the seam twice, but must lose none. After
  // a narrowing the printer holds what is committed until the repaint, which erases the visible
  // rows and prints again only the last entries that fit above the held ones and the tail: the
  // rows the held entries displace were on screen (not in the scrollback) and are gone. Narrowings
  // 0.4 s apart (a user dragging the window edge) hold a section or more each time.
  it('loses no answer rows when narrowed several times mid-stream (resizeRepaint screen)', async () => {
    const all = await stream(100, 30, [], async (s) => {
      await sleep(800);
      for (const x of [70, 100, 60, 100, 50, 100]) {
        tmux('resize-window', '-t', s, '-x', String(x), '-y', '30');
        await sleep(400);
      }
    });
    const lines = all.split('\n').map((l) => l.trim());
    const seen = (re: RegExp) =>
      new Set(
        lines
          .map((l) => re.exec(l)?.[1])
          .filter(Boolean)
          .map(Number),
      );
    const want = Array.from({ length: SECTIONS }, (_, i) => i + 1);
    expect(
      want.filter((k) => !seen(/^Section (\d+):/).has(k)),
      'section headings missing',
    ).toEqual([]);
    expect(
      want.filter((k) => !seen(/step(\d+)\(input/).has(k)),
      'code blocks missing',
    ).toEqual([]);
    const nested = seen(/^\d+\. nested item (\d+)$/);
    expect(
      [...new Set(NESTED.map(Number))].filter((k) => !nested.has(k)),
      'nested rows missing',
    ).toEqual([]);
  }, 90_000);

  // A terminal made shorter than the live region: Ink's next frame cleared the screen and the
  // scrollback (ESC[3J); now it erases the visible rows and the screen repaints.
  it('keeps the scrollback when the terminal gets shorter than the live region mid-stream', async () => {
    const all = await stream(80, 40, [], async (s) => {
      await sleep(600);
      for (let i = 1; i <= 12; i++) tmux('send-keys', '-t', s, `note line ${i}`, 'C-j');
      await sleep(600);
      tmux('resize-window', '-t', s, '-x', '80', '-y', '15');
    });
    // The banner and the prompt above the answer are still in the scrollback (they were wiped).
    expect(all, 'the banner in the scrollback').toContain('Ctrl+C twice exits');
    expect(all, 'the prompt in the scrollback').toContain('› write a long answer');
    // Nothing lost, in order. In the default `resizeRepaint: screen` rows the terminal pushed into
    // the scrollback as it got shorter may be printed again by the repaint (README), so a section
    // may repeat once at that seam.
    const lines = all.split('\n').map((l) => l.trim());
    const steps = lines
      .map((l) => /step(\d+)\(input/.exec(l)?.[1])
      .filter(Boolean)
      .map(Number);
    expect([...new Set(steps)], 'code blocks in the scrollback').toEqual(
      Array.from({ length: SECTIONS }, (_, i) => i + 1),
    );
    expect(steps.length, 'at most one repeated at the seam').toBeLessThanOrEqual(SECTIONS + 1);
    for (let i = 1; i < steps.length; i++)
      expect(steps[i]).toBeGreaterThanOrEqual((steps[i - 1] as number) - 1);
  }, 90_000);

  // The draft typed while the answer streams is capped to the rows left; when the turn ends the cap
  // lifts and the composer grows back to 10 lines (+ "lines above", borders, status bar = 14 rows):
  // on an 80x14 terminal Ink's next frame clears the scrollback, the answer just received with it.
  it('keeps the answer when the turn ends with a 12-line draft in an 80x14 terminal', async () => {
    const all = await stream(
      80,
      14,
      [],
      async (s) => {
        await sleep(600);
        for (let i = 1; i <= 12; i++) tmux('send-keys', '-t', s, `note line ${i}`, 'C-j');
      },
      async (s) => {
        // One more frame after the one at the turn's end (the spinner is gone; a key does it).
        tmux('send-keys', '-t', s, '-l', 'x');
        await sleep(500);
      },
    );
    expect(all, 'the prompt in the scrollback').toContain('› write a long answer');
    expectAnswerOnce(all);
  }, 90_000);

  // composerLinesWhileRunning counts one row per draft line; at 24 columns the "… N lines above
  // (M chars)" row wraps to two rows and the cursor line's window to four (three rows of text and
  // the cursor cell): a 14-row live region where 12 are left under a 7-row tail. Seen: a "…" row
  // and half rows ("terminal event retr", "socket render ch") left in the scrollback.
  it('leaves no tail rows behind at 24x20 with a 12-line draft ending in a long line', async () => {
    const all = await stream(24, 20, [], async (s) => {
      await sleep(600);
      for (let i = 1; i <= 12; i++) tmux('send-keys', '-t', s, `n${i}`, 'C-j');
      tmux('send-keys', '-t', s, '-l', 'word '.repeat(14));
    });
    expect(
      all.split('\n').filter((l) => l.trim() === '…'),
      'tail "…" rows left behind',
    ).toEqual([]);
    expectAnswerOnce(all);
  }, 90_000);
});

// A tool card in the live region shows the whole command (title wraps, no row cap) while the call
// is proposed, then the approval prompt (capped) replaces it; in full-auto the running card keeps
// it. A 40-line heredoc (common from coding models) makes one frame taller than the terminal, and
// Ink's next frame clears the screen and the scrollback: the answer before the call is gone.
describe.skipIf(!HAS_TMUX)('a long command in the live region', () => {
  it('keeps the scrollback when a 40-line shell command is proposed after an answer', async () => {
    const command = `cat > notes.txt <<'EOF'\n${Array.from({ length: 40 }, (_, i) => `line ${i} of the notes`).join('\n')}\nEOF`;
    const sim2 = await startSimulator({
      scenario: {
        name: 'long-command-e2e',
        chunkChars: 32,
        turns: [
          {
            steps: [
              { say: 'Before the call: **answer row kept**.', call: { tool: 'shell', args: { command } } },
              { say: 'Done.' },
            ],
          },
        ],
      },
      eventDelayMs: 8,
      seed: 5,
    });
    const s = `live-cmd-${process.pid}`;
    try {
      const env = cliEnv(s, sim2.url, []);
      tmux(
        'new-session',
        '-d',
        '-s',
        s,
        '-x',
        '80',
        '-y',
        '24',
        `cd ${ws} && env ${env} ${process.execPath} ${BIN}; sleep 600`,
      );
      await waitFor(s, (t) => t.includes('│ ›'), 'the prompt');
      tmux('send-keys', '-t', s, '-l', 'write the notes');
      await sleep(100);
      tmux('send-keys', '-t', s, 'Enter');
      await waitFor(s, (t) => t.includes('Allow this command?'), 'the approval prompt');
      await sleep(500);
      const all = capture(s, true);
      expect(all, 'the prompt in the scrollback').toContain('› write the notes');
      expect(all, 'the answer in the scrollback').toContain('answer row kept');
    } finally {
      spawnSync('tmux', ['-L', SOCKET, 'kill-session', '-t', s]);
      await sim2.close();
    }
  }, 60_000);
});

/**
 * The live tail drawn by the transcript printer (live-tail.ts), as a red-team review attacked it:
 * the built CLI in tmux (a private socket) against the simulator. Each case streams a long
 * answer without any resize and then checks the whole scrollback: every section heading once and
 * in order, every code block's `stepN(input` once, every "nested item N" row as often as the
 * answer has it.
 *  - a library writing through console.warn mid-stream (it went through Ink's writer, below the
 *    tail, and the tail's next erase took it): its lines must be kept, once each;
 *  - a short terminal (60x10: too short for a tail, blocks appear as they complete);
 *  - 80x24 with a 12-line draft typed in the composer while the answer streams.
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
const SOCKET = `tether-live-tail-${process.pid}`;
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
  // A "library" that warns through the console while the answer streams (from 4 s on).
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

/** Streams the answer in a `cols`x`rows` terminal; `during` runs once it is under way. */
async function stream(cols: number, rows: number, extraEnv: string[], during?: (s: string) => Promise<void>) {
  const s = `rt-${process.pid}-${n++}`;
  const env = [
    `TETHER_HOME=${join(home, `.tether-${s}`)}`,
    `HOME=${home}`,
    'OPENAI_API_KEY=sk-test-rt-0123456789abcdef',
    `OPENAI_BASE_URL=${sim.url}`,
    'TETHER_SANDBOX=off',
    'TERM=xterm-256color',
    ...extraEnv,
  ].join(' ');
  const cmd = `cd ${ws} && env ${env} ${process.execPath} ${BIN}; echo "TETHER_EXIT:$?"; sleep 600`;
  tmux('new-session', '-d', '-s', s, '-x', String(cols), '-y', String(rows), cmd);
  await waitFor(s, (t) => t.includes('connected'), 'the prompt');
  tmux('send-keys', '-t', s, '-l', 'write a long answer');
  await sleep(100);
  tmux('send-keys', '-t', s, 'Enter');
  await waitFor(s, (t) => t.includes('Esc to interrupt'), 'the stream to start');
  if (during) await during(s);
  await waitFor(
    s,
    (t) => !t.includes('Esc to interrupt') && t.includes(`step${SECTIONS}(`),
    'the end',
    60_000,
    true,
  );
  await sleep(500);
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

/**
 * `/resume` inside a running interactive session, end to end (issue 16 point 8): the built CLI
 * in tmux (a private server, `tmux -L`) against the simulator, with a real login profile in
 * HOME. A saved session exists (a `-p` run); the interactive session starts a background
 * process (exec_command), opens the picker, Esc changes nothing; Enter switches: the earlier
 * conversation is shown, the status bar names the resumed session, the background process of
 * the session left is ended, `/copy` copies the resumed answer, and the next prompt is written
 * to the resumed session's file. Needs tmux (CI installs it; under CI=true a missing tmux fails).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scenario, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { HAS_TMUX, requireTmuxInCi, tmuxDriver } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/tether.js');
const SOCKET = `resume-${process.pid}`;
const session = 'tether-resume';
const BACKGROUND = 'sleep 53.25';

requireTmuxInCi();

const SCENARIO: Scenario = {
  name: 'tui-resume',
  turns: [
    { when: { user: 'apple' }, steps: [{ say: 'Noted: the word is **apple**.' }] },
    {
      when: { user: 'background' },
      steps: [
        { say: 'Starting it.', call: { tool: 'shell', args: { command: BACKGROUND, yield_time_ms: 200 } } },
        { say: 'It runs in the background.' },
      ],
    },
    { when: { user: 'which word' }, steps: [{ say: 'You asked me to remember apple.' }] },
  ],
  fallback: 'Nothing scripted for that.',
};

let sim: Simulator;
let home: string;
let ws: string;
let env: Record<string, string>;

const { tmux, screen, waitFor, waitText } = tmuxDriver(SOCKET, session, 400);
const statusBar = (s: string) =>
  s
    .split('\n')
    .filter((l) => l.trim())
    .at(-1) ?? '';
/** Processes whose whole command line is `command` (not the wrappers that launched it). */
const running = (command: string) =>
  spawnSync('pgrep', ['-f', `^${command.replace(/\./g, '\\.')}$`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean).length;
const sessionsDir = () => join(home, '.tether', 'sessions');
const sessionIds = () =>
  existsSync(sessionsDir())
    ? readdirSync(sessionsDir())
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => f.replace(/\.jsonl$/, ''))
    : [];

beforeAll(async () => {
  if (!HAS_TMUX) return;
  // A session that lives as long as the file keeps the private server up: killing the last
  // session makes tmux exit, and a new-session racing that exit fails ("server exited unexpectedly").
  spawnSync('tmux', ['-L', SOCKET, 'new-session', '-d', '-s', 'keeper', 'sleep 86400']);
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  sim = await startSimulator({ scenario: SCENARIO, seed: 4 });
  home = mkdtempSync(join(tmpdir(), 'tether-resume-home-'));
  ws = mkdtempSync(join(tmpdir(), 'tether-resume-ws-'));
  mkdirSync(join(ws, '.git'));
  writeFileSync(join(home, '.bashrc'), 'export EDITOR=vi\nexport PATH="$HOME/bin:$PATH"\nalias ll="ls -l"\n');
  writeFileSync(join(home, '.profile'), '[ -f ~/.bashrc ] && . ~/.bashrc\n');
  env = {
    TETHER_HOME: join(home, '.tether'),
    HOME: home,
    SHELL: '/bin/bash',
    OPENAI_API_KEY: 'sk-test-resume-e2e-0123456789',
    OPENAI_BASE_URL: sim.url,
    TETHER_SANDBOX: 'off',
    TETHER_TOOL_PROFILE: 'codex',
    TETHER_APPROVAL: 'full-auto',
    TERM: 'xterm-256color',
  };
});

afterAll(async () => {
  if (!HAS_TMUX) return;
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  await sim?.close();
  for (const d of [home, ws]) if (d) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!HAS_TMUX)('/resume in a running interactive session (tmux)', () => {
  it('picker, Esc, switch: conversation, status bar, processes, /copy and the session file follow', async () => {
    // The saved session: a -p run in the same directory (async: the simulator runs in this process).
    await promisify(execFile)(process.execPath, [BIN, '-p', 'remember the word apple'], {
      cwd: ws,
      env: { ...env, PATH: process.env['PATH'] ?? '' },
    });
    const [savedId] = sessionIds();
    expect(savedId).toBeTruthy();

    const vars = Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      // Wide enough for the whole status bar (it ends with the session id).
      '180',
      '-y',
      '40',
      `cd ${ws} && env ${vars} ${process.execPath} ${BIN}; echo "TETHER_EXIT:$?"; sleep 600`,
    );
    await waitText('Ctrl+C twice exits');
    tmux('send-keys', '-t', session, '-l', 'start the background job');
    tmux('send-keys', '-t', session, 'Enter');
    await waitText('It runs in the background.');
    await waitFor((s) => statusBar(s).includes('1 process running'), 'the process count');
    expect(running(BACKGROUND)).toBe(1);
    const current = sessionIds().find((id) => id !== savedId);
    expect(current).toBeTruthy();
    expect(statusBar(screen())).toContain(current as string);

    // The picker lists the saved session; Esc closes it and nothing changes.
    tmux('send-keys', '-t', session, '-l', '/resume');
    tmux('send-keys', '-t', session, 'Enter');
    let s = await waitText('Resume which session?');
    expect(s).toContain('remember the word apple');
    tmux('send-keys', '-t', session, 'Escape');
    s = await waitFor((x) => !x.includes('Resume which session?'), 'the picker to close');
    expect(statusBar(s)).toContain(current as string);
    expect(running(BACKGROUND)).toBe(1);

    // Enter switches.
    tmux('send-keys', '-t', session, '-l', '/resume');
    tmux('send-keys', '-t', session, 'Enter');
    await waitText('Resume which session?');
    tmux('send-keys', '-t', session, 'Enter');
    s = await waitText(`resumed session ${savedId}`);
    expect(s).toContain(`Resumed session ${savedId}`);
    expect(s).toContain('Noted: the word is apple.');
    await waitFor(
      (x) => statusBar(x).includes(savedId as string),
      'the status bar to name the resumed session',
    );
    s = screen();
    expect(statusBar(s)).toContain('↑0 ↓0');
    expect(statusBar(s)).not.toContain('process');
    expect(s).toContain('Ended 1 background process(es): sleep 53.25');
    await waitFor(() => running(BACKGROUND) === 0, 'the background process to end', 5000);

    tmux('send-keys', '-t', session, '-l', '/copy');
    tmux('send-keys', '-t', session, 'Enter');
    await waitText(`Copied the last answer (${'Noted: the word is **apple**.'.length} characters)`);

    tmux('send-keys', '-t', session, '-l', 'which word was it?');
    tmux('send-keys', '-t', session, 'Enter');
    await waitText('You asked me to remember apple.');
    tmux('send-keys', '-t', session, 'C-c');
    tmux('send-keys', '-t', session, 'C-c');
    s = await waitText('TETHER_EXIT:0');
    expect(s).toContain(`Session ${savedId} saved. Resume it with: tether --resume ${savedId}`);
    const saved = readFileSync(join(sessionsDir(), `${savedId}.jsonl`), 'utf8');
    const left = readFileSync(join(sessionsDir(), `${current}.jsonl`), 'utf8');
    expect(saved).toContain('which word was it?');
    expect(left).not.toContain('which word was it?');
    // The resumed request carried the saved context on a new chain.
    const last = sim.recorder.creates().at(-1);
    expect(JSON.stringify(last?.body)).toContain('which word was it?');
  }, 90_000);
});

/**
 * Security §9 (first sentence): in text mode, when stdout/stderr is a terminal, the answer and the
 * progress lines carry no terminal control sequences (OSC 52 clipboard, window title, cursor
 * movement, DCS, 8-bit CSI …); piped, the bytes are passed through raw. The CLI case runs the
 * built `tether -p` under a real pseudo-terminal (`script`, util-linux) against the simulator.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/agent/events.js';
import { terminalSafe } from '../../src/output/terminal-safe.js';
import { TextProgress } from '../../src/output/text-progress.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { BIN, requireBuild, runTether, TEST_KEY, tempDir } from '../agent/cli-harness.js';

const E = '\x1b';
const HOSTILE: Array<[string, string]> = [
  ['OSC 52 clipboard (BEL)', `${E}]52;c;cm0gLXJmIH4=\x07`],
  ['OSC 52 clipboard (ST)', `${E}]52;c;cm0gLXJmIH4=${E}\\`],
  ['window title', `${E}]0;pwned title\x07`],
  ['hyperlink', `${E}]8;;https://evil.invalid${E}\\click${E}]8;;${E}\\`],
  ['cursor up + erase line', `${E}[1A${E}[2K`],
  ['SGR hidden text', `${E}[8mhidden${E}[0m`],
  ['DCS (tmux passthrough)', `${E}Ptmux;${E}${E}]52;c;eA==\x07${E}\\`],
  ['APC', `${E}_payload${E}\\`],
  ['8-bit CSI', '\x9b2J'],
  ['8-bit OSC', '\x9d0;title\x9c'],
  ['8-bit DCS', '\x90qpayload\x9c'],
  ['terminal reset', `${E}c`],
  ['carriage return overwrite', 'rm -rf ~\r'],
  ['backspaces', 'safe\b\b\b\b'],
  ['bell', '\x07'],
];

describe('terminalSafe', () => {
  it('an unterminated string sequence swallows the rest of the text', () => {
    expect(terminalSafe(`ok ${E}]52;c;AAAA more`)).toBe('ok ');
  });

  it('progress lines are sanitised before styling', () => {
    const lines: string[] = [];
    const p = new TextProgress((s) => lines.push(s), true, undefined, terminalSafe);
    p.handle({ type: 'warning', message: `look ${E}]0;title\x07here\r` } as AgentEvent);
    expect(lines).toEqual(['warning: look here^M\n']);
  });

  it.each(HOSTILE)('%s: no escape byte, no C1 control, no lone CR/BS/BEL is left', (_name, seq) => {
    const out = terminalSafe(`before ${seq} after`);
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(out.startsWith('before ')).toBe(true);
  });

  it('keeps text, newlines, tabs and non-ASCII; CRLF becomes LF; lone controls are shown', () => {
    expect(terminalSafe('a\tb\nc — é 漢字 🙂\r\nd')).toBe('a\tb\nc — é 漢字 🙂\nd');
    expect(terminalSafe('rm -rf ~\recho ok')).toBe('rm -rf ~^Mecho ok');
    expect(terminalSafe(`x${E}[31mred${E}[0m y`)).toBe('xred y');
    expect(terminalSafe('\x9b31mz')).toBe('z');
  });
});

describe('tether -p: a terminal gets clean text, a pipe raw bytes', () => {
  let sim: Simulator;
  // An unterminated string sequence swallows the rest (as a terminal would): it goes last.
  const answer = `The answer ${HOSTILE.map(([, s]) => s).join(' | ')} end of answer ${E}]52;c;QUFB`;
  const command = `printf 'tool \\033]0;cmd-title\\007 said'`;

  beforeAll(async () => {
    requireBuild();
    sim = await startSimulator({
      scenario: {
        name: 'hostile-output',
        turns: [
          {
            steps: [{ call: { tool: 'shell', args: { command } } }, { say: answer }],
          },
        ],
      },
      seed: 2,
    });
  });
  afterAll(async () => {
    await sim?.close();
  });

  const args = (ws: string) => [
    '-p',
    'go',
    '-a',
    'full-auto',
    '--sandbox',
    'off',
    '--base-url',
    sim.url,
    '-C',
    ws,
  ];

  it('under a pseudo-terminal: answer and progress lines have no control sequences', async () => {
    const ws = tempDir('tether-hygiene-ws-');
    const home = tempDir('tether-hygiene-home-');
    const quoted = [process.execPath, BIN, ...args(ws)].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    // Async: the simulator runs in this process and must keep answering.
    const child = spawn('script', ['-qec', quoted, '/dev/null'], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        TETHER_HOME: home,
        OPENAI_API_KEY: TEST_KEY,
        TERM: 'xterm-256color',
        // tether's own colours are escape sequences too; this test is about the model's.
        NO_COLOR: '1',
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString('latin1');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const status = await new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    clearTimeout(timer);
    expect(status, text).toBe(0);
    expect(text).toContain('The answer');
    expect(text).toContain('end of answer');
    expect(text).toContain('$ printf'); // the progress line of the command was shown
    // The pty itself turns \n into \r\n; nothing else may remain.
    const body = text.replace(/\r\n/g, '\n');
    expect(body).not.toContain('\x1b');
    expect(body).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  it('piped: the answer keeps its raw bytes', async () => {
    const ws = tempDir('tether-hygiene-ws-');
    const r = await runTether(args(ws));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${E}]52;c;cm0gLXJmIH4=\x07`);
    expect(r.stdout).toContain('\x9b2J');
  });
});

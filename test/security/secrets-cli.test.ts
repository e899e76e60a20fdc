/**
 * Security (R23): after full scripted sessions through the built CLI (`node bin/tether.js -p …`)
 * with `OPENAI_API_KEY=sk-…` and other secret env vars set, no secret appears in stdout, stderr,
 * the JSONL stream, session files, spill files or error messages (every file under TETHER_HOME
 * is scanned), and tool child processes never see the secret env vars.
 * Needs `npm run build` (npm test's pretest does it).
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scenario, type Simulator, startSimulator } from '../../src/simulator/index.js';

const BIN = resolve(import.meta.dirname, '../../bin/tether.js');
const KEY = 'sk-proj-SeCrEtKeY0123456789abcdefghijKLMNOPQRSTUV';
const GITHUB = 'ghp_ZyXwVuTsRqPoNmLkJiHgFeDcBa98765432';
const MY_SECRET = 'hunter2-correct-horse-battery-staple';
const AWS = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SECRETS = { OPENAI_API_KEY: KEY, GITHUB_TOKEN: GITHUB, MY_SECRET, AWS_SECRET_ACCESS_KEY: AWS };

/** The session: env dump, secret echo, a file holding the key (incl. a >40k spill), an error path, the key in the answer. */
const SCENARIO: Scenario = {
  name: 'secrets',
  turns: [
    {
      steps: [
        { call: { tool: 'shell', args: { command: 'env | sort' } } },
        {
          call: {
            tool: 'shell',
            args: {
              command: 'echo "k=$OPENAI_API_KEY g=$GITHUB_TOKEN s=$MY_SECRET a=$AWS_SECRET_ACCESS_KEY"',
            },
          },
        },
        { call: { tool: 'shell', args: { command: 'cat secrets.txt' } } },
        { call: { tool: 'shell', args: { command: 'yes "$(cat secrets.txt)" | head -n 2500' } } },
        { call: { tool: 'read_file', args: { path: `missing-${KEY}.txt` } } },
        { call: { tool: 'shell', args: { command: `echo ${KEY} >&2; exit 3` } } },
        {
          say: `Done. For the record the key was ${KEY} and the token ${GITHUB}; the secret is ${MY_SECRET}.`,
        },
      ],
    },
  ],
};

let sim: Simulator;
let root: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  home: string;
}

function runCli(args: string[], home: string, ws: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args, '-C', ws], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        TETHER_HOME: home,
        NO_COLOR: '1',
        ...SECRETS,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr, home });
    });
  });
}

/** Every regular file below `dir` with its content. */
function filesUnder(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push({ path: p, text: readFileSync(p, 'latin1') });
    }
  };
  walk(dir);
  return out;
}

/** Where any secret (or a 16-char piece of one) shows up, with some context. */
function leaks(where: string, text: string): string[] {
  const hits: string[] = [];
  for (const [name, value] of Object.entries(SECRETS)) {
    for (let i = 0; i + 16 <= value.length; i += 8) {
      const at = text.indexOf(value.slice(i, i + 16));
      if (at >= 0) {
        hits.push(
          `${name} in ${where}: …${text.slice(Math.max(0, at - 100), at + 40).replace(/\s+/g, ' ')}…`,
        );
        break;
      }
    }
  }
  return hits;
}

function workspace(): string {
  const ws = mkdtempSync(join(root, 'ws-'));
  writeFileSync(join(ws, 'secrets.txt'), `OPENAI_API_KEY=${KEY}\n`);
  mkdirSync(join(ws, '.git'));
  return ws;
}

beforeAll(async () => {
  if (!existsSync(join(import.meta.dirname, '../../dist/cli/main.js')))
    throw new Error('run `npm run build` first');
  root = mkdtempSync(join(tmpdir(), 'tether-sec-secrets-'));
  sim = await startSimulator({ apiKey: KEY, scenario: SCENARIO, seed: 11 });
});

afterAll(async () => {
  await sim?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('security: secrets never leak from a full CLI session', () => {
  const runs = new Map<string, { r: Run; files: Array<{ path: string; text: string }> }>();

  beforeAll(async () => {
    for (const output of ['jsonl', 'json', 'text'] as const) {
      const home = mkdtempSync(join(root, `home-${output}-`));
      const ws = workspace();
      const r = await runCli(
        [
          '-p',
          'do the secret things',
          '--output',
          output,
          '--verbose',
          '-a',
          'full-auto',
          '--sandbox',
          'off',
          '--base-url',
          sim.url,
        ],
        home,
        ws,
      );
      runs.set(output, { r, files: filesUnder(home) });
    }
  }, 120_000);

  for (const output of ['jsonl', 'json', 'text'] as const) {
    it(`--output ${output}: the run completed and stdout, stderr and session files hold no secret`, () => {
      const run = runs.get(output);
      if (!run) throw new Error('run missing');
      const { r, files } = run;
      expect(r.code, r.stderr).toBe(0);
      // The session really ran: session file, spill-sized output and the final answer exist.
      expect(files.some((f) => f.path.endsWith('.jsonl') && f.path.includes('sessions'))).toBe(true);
      expect(
        files.some((f) => f.text.length > 40_000),
        'a spill file with the full >40k output',
      ).toBe(true);
      if (output !== 'text') {
        expect(r.stdout).toContain('Done. For the record');
        // Not vacuous: the answer carried the key and it was replaced.
        expect(r.stdout).toContain('[REDACTED]');
      }
      // Streamed item.delta lines are checked apart (F6).
      const stdoutLeaks = r.stdout
        .split('\n')
        .filter((line) => !line.startsWith('{"type":"item.delta"'))
        .flatMap((line, i) => leaks(`stdout line ${i + 1} (${line.slice(0, 60)}…)`, line));
      const fileLeaks = files
        .filter((f) => !f.path.includes(`${'/'}spill${'/'}`))
        .flatMap((f) => leaks(f.path, f.text));
      expect([...stdoutLeaks, ...leaks('stderr', r.stderr), ...fileLeaks]).toEqual([]);
    });
  }

  it('F5: spill files (full tool output) hold no secret', () => {
    // See test/chaos/FINDINGS.md F5.
    const spills = [...runs.values()].flatMap((x) =>
      x.files.filter((f) => f.path.includes(`${'/'}spill${'/'}`)),
    );
    expect(spills.length).toBeGreaterThan(0);
    expect(spills.flatMap((f) => leaks(f.path, f.text))).toEqual([]);
  });

  it('F6: streamed JSONL item.delta lines carry no fragment of a secret', () => {
    // See test/chaos/FINDINGS.md F6: each delta is redacted alone, so a secret split across deltas survives.
    const r = runs.get('jsonl')?.r;
    const deltas = (r?.stdout ?? '').split('\n').filter((line) => line.startsWith('{"type":"item.delta"'));
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.flatMap((line, i) => leaks(`delta ${i}`, line))).toEqual([]);
  });

  it('tool child processes never receive secret env vars (sanitised env)', () => {
    // The outputs of `env | sort` and the echo were sent to the model: no secret values in them.
    const outputs: string[] = [];
    for (const r of sim.recorder.creates()) {
      const input = (r.body as { input?: Array<{ type: string; output?: string }> }).input ?? [];
      for (const it of input) if (it.type === 'function_call_output') outputs.push(String(it.output));
    }
    const env = outputs.find((o) => o.includes('PATH=') && o.includes('HOME='));
    expect(env, 'env output was sent').toBeDefined();
    const echo = outputs.find((o) => o.includes('k=') && o.includes('g='));
    expect(echo).toBeDefined();
    for (const o of [env ?? '', echo ?? '']) {
      for (const v of [KEY, GITHUB, MY_SECRET, AWS]) expect(o).not.toContain(v);
    }
  });

  it('an auth failure names the problem without the key (stderr, JSONL, files)', async () => {
    const other = await startSimulator({
      apiKey: 'sk-the-right-one-0123456789abcdefghij',
      scenario: 'plain-answer',
      seed: 1,
    });
    try {
      const home = mkdtempSync(join(root, 'home-auth-'));
      const ws = workspace();
      const r = await runCli(['-p', 'hi', '--json', '--base-url', other.url], home, ws);
      expect(r.code).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`.toLowerCase()).toMatch(/auth|401|api key/);
      const found = [
        ...leaks('stdout', r.stdout),
        ...leaks('stderr', r.stderr),
        ...filesUnder(home).flatMap((f) => leaks(f.path, f.text)),
      ];
      expect(found).toEqual([]);
    } finally {
      await other.close();
    }
  }, 60_000);
});

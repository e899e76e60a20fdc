/**
 * Security, issue 13 §7: known secret values never reach the model. A scripted session through
 * the built CLI makes tools print the API key and a secret env value in every way tried — shell
 * output, read_file, grep, a key cut in two by the head/tail truncation or the long-line cap —
 * and the test inspects the `function_call_output`s the simulator received: no 12-character
 * piece of a secret, while the text around it arrived (so the vectors really ran).
 * Out of scope (documented): transformed copies such as base64 or hex of a secret.
 * Needs `npm run build` (npm test's pretest does it).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scenario, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { MIN_SECRET_FRAGMENT } from '../../src/util/redact.js';

const BIN = resolve(import.meta.dirname, '../../bin/tether.js');
const KEY = 'sk-proj-ModelMustNotSee0123456789abcdefghijKLMNOP';
const MY_SECRET = 'correct-horse-battery-staple-4711';

/** [label, call, text that proves the vector ran]. */
const VECTORS: Array<[string, { tool: string; args: Record<string, unknown> }, string]> = [
  ['shell cat of a file holding the key', { tool: 'shell', args: { command: 'cat key.txt' } }, 'KEY_FILE='],
  [
    'shell echo of the env vars (sanitised env: nothing to print)',
    { tool: 'shell', args: { command: 'echo "k=$OPENAI_API_KEY s=$MY_SECRET"' } },
    'k=',
  ],
  ['read_file of a file holding both secrets', { tool: 'read_file', args: { path: 'key.txt' } }, 'KEY_FILE='],
  ['grep for the key prefix', { tool: 'grep', args: { pattern: 'sk-proj', path: null } }, 'key.txt:1:'],
  ['grep for the secret', { tool: 'grep', args: { pattern: 'battery', path: 'key.txt' } }, 'key.txt:2:'],
  [
    'a key cut by the head window (20 chars of it before the cut)',
    {
      tool: 'shell',
      args: {
        command: `printf '%7980s' '' | tr ' ' A; printf %s "$(head -n1 key.txt | cut -d= -f2)"; printf '%50000s' '' | tr ' ' B`,
      },
    },
    'AAAAAAAAAA',
  ],
  [
    'a key cut by the tail window (its last 20 chars after the cut)',
    {
      tool: 'shell',
      args: {
        command: `printf '%60000s' '' | tr ' ' C; printf %s "$(head -n1 key.txt | cut -d= -f2)"; printf '%31980s' '' | tr ' ' D`,
      },
    },
    'DDDDDDDDDD',
  ],
  [
    'read_file of a line cut at 2000 chars inside the key',
    { tool: 'read_file', args: { path: 'long-line.txt' } },
    'EEEEEEEEEE',
  ],
];

const SCENARIO: Scenario = {
  name: 'secrets-to-model',
  turns: [{ steps: [...VECTORS.map(([, call]) => ({ call })), { say: 'finished' }] }],
};

let sim: Simulator;
let root: string;
let outputs: string[] = [];
let code: number | null = null;
let stderr = '';

/** Pieces of a secret at least MIN_SECRET_FRAGMENT long found in `text`. */
function fragments(text: string): string[] {
  const hits: string[] = [];
  for (const secret of [KEY, MY_SECRET]) {
    for (let i = 0; i + MIN_SECRET_FRAGMENT <= secret.length; i++) {
      const piece = secret.slice(i, i + MIN_SECRET_FRAGMENT);
      if (text.includes(piece)) {
        hits.push(piece);
        break;
      }
    }
  }
  return hits;
}

beforeAll(async () => {
  if (!existsSync(join(import.meta.dirname, '../../dist/cli/main.js')))
    throw new Error('run `npm run build` first');
  root = mkdtempSync(join(tmpdir(), 'tether-sec-model-'));
  const ws = mkdtempSync(join(root, 'ws-'));
  writeFileSync(join(ws, 'key.txt'), `KEY_FILE=${KEY}\nSECRET=${MY_SECRET}\n`);
  writeFileSync(join(ws, 'long-line.txt'), `${'E'.repeat(1980)}${KEY}${'F'.repeat(100)}\n`);
  sim = await startSimulator({ apiKey: KEY, scenario: SCENARIO, seed: 7 });
  const home = mkdtempSync(join(root, 'home-'));
  await new Promise<void>((res, rej) => {
    const child = spawn(
      process.execPath,
      [BIN, '-p', 'go', '-a', 'full-auto', '--sandbox', 'off', '--base-url', sim.url, '-C', ws],
      {
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: home,
          TETHER_HOME: home,
          OPENAI_API_KEY: KEY,
          MY_SECRET,
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', rej);
    child.on('close', (c) => {
      clearTimeout(timer);
      code = c;
      res();
    });
  });
  outputs = sim.recorder.creates().flatMap((r) => {
    const input =
      (r.body as { input?: Array<{ type: string; call_id?: string; output?: string }> }).input ?? [];
    return input.filter((i) => i.type === 'function_call_output').map((i) => String(i.output));
  });
}, 90_000);

afterAll(async () => {
  await sim?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('security: tool output is redacted before it is sent to the model', () => {
  it('the run completed and every vector produced an output', () => {
    expect(code, stderr).toBe(0);
    expect(outputs).toHaveLength(VECTORS.length);
  });

  VECTORS.forEach(([label, , proof], i) => {
    it(`${label}: no piece of a secret reached the model`, () => {
      const out = outputs[i] ?? '';
      expect(out, 'the vector ran').toContain(proof);
      expect(fragments(out)).toEqual([]);
    });
  });

  it('not vacuous: the outputs that held a secret carry [REDACTED] in its place', () => {
    for (const i of [0, 2, 3, 4, 5, 6, 7]) expect(outputs[i], VECTORS[i]?.[0]).toContain('[REDACTED]');
  });
});

/**
 * What scripts are promised (issue 16 point 8), through the built CLI: `sessions --json` is JSON
 * (the root `--json` does not swallow it), `sessions` honours `-C` before or after the
 * subcommand, summaries count prompts across resumes and keep the first prompt as the title,
 * runs that never reached the model stay out of the list, `config` / `help` print help, and an
 * empty flag value is rejected.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';

let sim: Simulator;
let home: string;
let ws: string;
let other: string;
const KEY = 'sk-test-scripts-0123456789abcdef';

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'plain-answer', apiKey: KEY, seed: 2 });
  home = mkdtempSync(join(tmpdir(), 'tether-scripts-'));
  ws = join(home, 'ws');
  other = join(home, 'other');
  mkdirSync(ws);
  mkdirSync(other);
});
afterAll(async () => {
  await sim?.close();
});

const tether = (args: string[], over: Record<string, string> = {}) =>
  runCli(args, {
    cwd: ws,
    env: {
      TETHER_HOME: join(home, 'th'),
      HOME: home,
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: sim.url,
      ...over,
    },
  });

describe('tether sessions for scripts', () => {
  it('counts prompts across resumes, keeps the first as title, hides runs that never reached the model', async () => {
    expect((await tether(['-p', 'first prompt of the session'])).code).toBe(0);
    expect((await tether(['-c', '-p', 'second prompt'])).code).toBe(0);
    expect((await tether(['-c', '-p', 'third prompt'])).code).toBe(0);
    // Refused key and unreachable server: sessions with nothing to resume.
    expect((await tether(['-p', 'refused'], { OPENAI_API_KEY: 'sk-wrong-0123456789abcdef' })).code).toBe(3);
    expect((await tether(['-p', 'not a responses api', '--base-url', 'http://127.0.0.1:9/v1'])).code).toBe(4);

    const r = await tether(['sessions', '--json']);
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.stdout) as { sessions: Array<{ title: string; turns: number; cwd: string }> };
    expect(listed.sessions).toHaveLength(1);
    expect(listed.sessions[0]).toMatchObject({ title: 'first prompt of the session', turns: 3 });

    // Text listing agrees.
    const text = await tether(['sessions']);
    expect(text.stdout).toMatch(/\s3\s+first prompt of the session/);
  }, 60_000);

  it('honours -C before or after the subcommand', async () => {
    for (const args of [
      ['-C', other, 'sessions', '--json'],
      ['sessions', '-C', other, '--json'],
    ]) {
      const r = await tether(args);
      expect(r.code, args.join(' ')).toBe(0);
      const listed = JSON.parse(r.stdout) as { sessions: unknown[]; hidden_other_dirs: number };
      expect(listed.sessions).toEqual([]);
      expect(listed.hidden_other_dirs).toBe(1);
    }
    const bad = await tether(['sessions', '-C', join(home, 'missing')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  }, 30_000);
});

describe('JSONL session.started', () => {
  it('has a sandbox enum with a separate detail, and the transport really used', async () => {
    for (const [args, transport] of [
      [[], 'websocket'],
      [['--transport', 'http'], 'http'],
    ] as const) {
      const r = await tether(['-p', 'hi', '--json', '--sandbox', 'off', ...args]);
      expect(r.code).toBe(0);
      const first = JSON.parse(r.stdout.split('\n')[0] ?? '{}') as Record<string, unknown>;
      expect(first).toMatchObject({ type: 'session.started', sandbox: 'off', transport });
      expect(String(first['sandbox_detail'])).toMatch(/off/);
    }
  }, 30_000);
});

describe('help and bad values', () => {
  it('`tether config` and `tether help` print help (no API key needed)', async () => {
    const env = { OPENAI_API_KEY: '' };
    const config = await tether(['config'], env);
    expect(config.code).toBe(0);
    expect(config.stdout).toContain('Usage: tether config');
    expect(config.stdout).toContain('set <key> <value>');
    const help = await tether(['help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: tether');
    expect(help.stderr).not.toContain('OPENAI_API_KEY');
    const sub = await tether(['help', 'sessions'], env);
    expect(sub.stdout).toContain('Usage: tether sessions');
  });

  it('rejects an empty -m / --base-url with one line and exit 2', async () => {
    for (const args of [
      ['-m', '', '-p', 'hi'],
      ['--base-url', '', '-p', 'hi'],
      ['--model=', '-p', 'hi'],
    ]) {
      const r = await tether(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^tether: invalid value "" for --(model|base-url)/);
    }
  });
});

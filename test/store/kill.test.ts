import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { danglingCallOutputs, INTERRUPTED_OUTPUT, Ledger } from '../../src/agent/ledger.js';
import { isFunctionCall } from '../../src/protocol/items.js';
import { loadForResume } from '../../src/store/resume.js';
import { loadSessionFile } from '../../src/store/session-loader.js';
import { sessionLogPath } from '../../src/store/session-paths.js';
import { SessionWriter } from '../../src/store/session-writer.js';
import { scriptTurn } from './script.js';

let dir: string;
let childJs: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tether-kill-'));
  childJs = join(dir, 'child.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./kill-child.ts', import.meta.url))],
    outfile: childJs,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    define: { __TETHER_VERSION__: '"0.0.0-test"' },
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child until it prints READY, then SIGKILLs it; resolves with the exit signal. */
function runAndKill(id: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childJs, join(dir, 'sessions'), id], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child never got ready: ${err}`));
    }, 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

describe('kill -9 mid-turn', () => {
  it('reloads every completed turn and marks the in-flight tool call interrupted, never re-run', async () => {
    const id = '20260101-000000-k1k1k1';
    expect(await runAndKill(id)).toBe('SIGKILL');
    const sessions = join(dir, 'sessions');
    const loaded = loadSessionFile(sessionLogPath(id, sessions));
    expect(loaded.stats.skipped).toBe(0);
    expect(loaded.prompts).toEqual(['first step', 'second step', 'third step']);
    expect(loaded.answers).toEqual(['done one', 'done two']);
    expect(loaded.ledger).toEqual([
      { callId: 'call_0_0', name: 'shell', state: 'done', output: 'a' },
      { callId: 'call_2_0', name: 'shell', state: 'running' },
    ]);

    const resume = loadForResume(id, sessions);
    expect(resume.interrupted).toEqual([{ callId: 'call_2_0', name: 'shell', state: 'running' }]);
    expect(resume.items.filter(isFunctionCall).map((c) => c.call_id)).toEqual(['call_0_0', 'call_2_0']);

    // The agent's resume path answers the interrupted call instead of running it again.
    const { outputs, updates } = danglingCallOutputs(resume.items, new Ledger(resume.ledger));
    expect(outputs).toEqual([{ callId: 'call_2_0', kind: 'function', output: INTERRUPTED_OUTPUT }]);

    // Resuming appends to the same file: the repaired ledger and a new turn follow.
    const w = new SessionWriter({
      sessionId: id,
      cwd: '/work/killed',
      model: 'gpt-test',
      dir: sessions,
      gitBranch: () => null,
    });
    for (const u of updates) w.onLedger(u);
    await scriptTurn(w, { prompt: 'fourth step', answer: 'done four' }, 3);
    await w.close();
    const after = loadSessionFile(sessionLogPath(id, sessions));
    expect(after.interrupted).toEqual([]);
    expect(after.turns).toBe(4);
    expect(after.lastAnswer).toBe('done four');
    expect(after.meta.session_id).toBe(id);
    expect(after.stats.skipped).toBe(0);
  });
});

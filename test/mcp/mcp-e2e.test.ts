/**
 * MCP end to end: the built CLI against the simulator and real MCP servers from npm that no one
 * here wrote — `@modelcontextprotocol/server-everything` over stdio and Streamable HTTP, and
 * `@modelcontextprotocol/server-filesystem`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scenario, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { alive, parseJsonl, ROOT, requireBuild, runTether, tempDir } from '../agent/cli-harness.js';

const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const FILESYSTEM = join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

let sim: Simulator;

beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'plain-answer', seed: 3 });
});
afterAll(async () => {
  await sim?.close();
});

function scenario(calls: Array<{ tool: string; args: Record<string, unknown> }>, name = 'mcp'): Scenario {
  return {
    name,
    turns: [
      {
        steps: [...calls.map((c) => ({ say: `calling ${c.tool}`, call: c })), { say: 'All MCP calls done.' }],
      },
    ],
  };
}

function mcpConfig(dir: string, servers: Record<string, unknown>): string {
  const file = join(dir, 'mcp.json');
  writeFileSync(file, JSON.stringify({ mcpServers: servers }));
  return file;
}

type InputItem = { type: string; call_id?: string; output?: unknown; name?: string };

function sentOutputs(s: Simulator): InputItem[] {
  const out: InputItem[] = [];
  for (const r of s.recorder.creates()) {
    const input = (r.body as { input?: InputItem[] }).input ?? [];
    for (const item of input) if (item.type === 'function_call_output') out.push(item);
  }
  return out;
}

function declaredToolNames(s: Simulator): string[][] {
  return s.recorder
    .creates()
    .filter((r) => (r.body as { generate?: boolean }).generate !== false)
    .map((r) => ((r.body as { tools?: Array<{ name?: string }> }).tools ?? []).map((t) => t.name ?? ''));
}

/** `tether -p <prompt> <flags…>` in `ws` against the simulator with the MCP config `cfg`. */
function runMcp(
  prompt: string,
  flags: string[],
  ws: string,
  cfg: string,
  opts: Parameters<typeof runTether>[1],
) {
  return runTether(['-p', prompt, ...flags, '--base-url', sim.url, '-C', ws, '--mcp-config', cfg], opts);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

describe('MCP servers from npm (e2e)', () => {
  it('stdio server-everything: echo, sum, tiny image as input_image, tool_call JSONL with server and tool', async () => {
    const ws = tempDir('tether-mcp-ws-');
    sim.setScenario(
      scenario([
        { tool: 'mcp__everything__echo', args: { message: 'hello from the model' } },
        { tool: 'mcp__everything__get-sum', args: { a: 20, b: 22 } },
        { tool: 'mcp__everything__get-tiny-image', args: {} },
      ]),
    );
    sim.recorder.clear();
    const cfg = mcpConfig(ws, { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } });
    const r = await runMcp('use the mcp tools', ['--json', '--approval', 'full-auto'], ws, cfg, {
      timeoutMs: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The first model request (after the warm-up) already offers the MCP tools (a -p run waits for startup).
    const first = declaredToolNames(sim)[0] ?? [];
    expect(first).toContain('mcp__everything__echo');
    expect(first).toContain('mcp__everything__get-tiny-image');
    const outputs = sentOutputs(sim);
    const texts = outputs.map((o) => (typeof o.output === 'string' ? o.output : JSON.stringify(o.output)));
    expect(texts.some((t) => t.includes('Echo: hello from the model'))).toBe(true);
    expect(texts.some((t) => /\b42\b/.test(t))).toBe(true);
    const image = outputs.find((o) => Array.isArray(o.output));
    const parts = image?.output as Array<{ type: string; image_url?: string }>;
    expect(
      parts.some((p) => p.type === 'input_image' && /^data:image\/png;base64,/.test(p.image_url ?? '')),
    ).toBe(true);
    const lines = parseJsonl(r.stdout);
    const calls = lines
      .filter((l) => l.type === 'item.completed')
      .map((l) => l['item'] as Record<string, unknown>)
      .filter((i) => i['type'] === 'tool_call');
    expect(calls.map((c) => [c['server'], c['tool'], c['status']])).toEqual([
      ['everything', 'echo', 'completed'],
      ['everything', 'get-sum', 'completed'],
      ['everything', 'get-tiny-image', 'completed'],
    ]);
    expect(calls[2]?.['images']).toBe(1);
  }, 90_000);

  it('suggest mode: an MCP call needs approval, so a -p run denies it and records the denial', async () => {
    const ws = tempDir('tether-mcp-ws-');
    sim.setScenario(scenario([{ tool: 'mcp__everything__echo', args: { message: 'secret plan' } }]));
    sim.recorder.clear();
    const cfg = mcpConfig(ws, { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } });
    const r = await runMcp('echo', ['--output', 'json'], ws, cfg, { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { permission_denials: Array<{ tool: string }> };
    expect(result.permission_denials.map((d) => d.tool)).toEqual(['mcp__everything__echo']);
    const texts = sentOutputs(sim).map((o) => String(o.output));
    expect(texts.some((t) => t.includes('Echo:'))).toBe(false);
    expect(texts.some((t) => /Permission denied/.test(t))).toBe(true);
  }, 90_000);

  it('a server environment is sanitized: the API key and secret-looking variables never reach it, configured env does', async () => {
    const ws = tempDir('tether-mcp-ws-');
    sim.setScenario(scenario([{ tool: 'mcp__everything__get-env', args: {} }]));
    sim.recorder.clear();
    const cfg = mcpConfig(ws, {
      everything: {
        command: process.execPath,
        args: [EVERYTHING, 'stdio'],
        env: { MCP_CONFIGURED: 'configured-value' },
      },
    });
    const r = await runTether(
      [
        '-p',
        'env',
        '--json',
        '--approval',
        'full-auto',
        '--base-url',
        sim.url,
        '-C',
        ws,
        '--mcp-config',
        cfg,
      ],
      {
        timeoutMs: 60_000,
        env: { GITHUB_TOKEN: 'ghp_thisIsAFakeTokenValue1234567890', SOME_SECRET: 'hunter2-value' },
      },
    );
    expect(r.code).toBe(0);
    const text = sentOutputs(sim)
      .map((o) => String(o.output))
      .join('\n');
    expect(text).toContain('MCP_CONFIGURED');
    expect(text).toContain('configured-value');
    expect(text).not.toContain('OPENAI_API_KEY');
    expect(text).not.toContain('GITHUB_TOKEN');
    expect(text).not.toContain('hunter2-value');
  }, 90_000);

  it('a server that fails to start gives one warning and its tools are simply absent; the run completes', async () => {
    const ws = tempDir('tether-mcp-ws-');
    sim.setScenario({ name: 'plain', turns: [{ steps: [{ say: 'fine without it' }] }] });
    sim.recorder.clear();
    const cfg = mcpConfig(ws, {
      broken: {
        command: process.execPath,
        args: ['-e', 'console.error("boom: cannot start"); process.exit(3)'],
      },
      hang: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] },
    });
    const r = await runTether(['-p', 'hi', '--json', '--base-url', sim.url, '-C', ws, '--mcp-config', cfg], {
      timeoutMs: 60_000,
      env: { TETHER_MCP_STARTUP_TIMEOUT_MS: '1500' },
    });
    expect(r.code).toBe(0);
    const warnings = parseJsonl(r.stdout)
      .filter((l) => l.type === 'warning')
      .map((l) => String(l['message']));
    expect(warnings.filter((w) => w.includes('"broken"'))).toHaveLength(1);
    expect(warnings.find((w) => w.includes('"broken"'))).toContain('boom: cannot start');
    expect(warnings.filter((w) => w.includes('"hang"'))).toHaveLength(1);
    expect(warnings.find((w) => w.includes('"hang"'))).toContain('1500 ms');
    expect(
      declaredToolNames(sim)
        .flat()
        .some((n) => n.startsWith('mcp__')),
    ).toBe(false);
  }, 90_000);

  it('Streamable HTTP server-everything and stdio server-filesystem in one run', async () => {
    const ws = tempDir('tether-mcp-ws-');
    const shared = join(ws, 'shared');
    mkdirSync(shared);
    writeFileSync(join(shared, 'note.txt'), 'the filesystem server read this\n');
    const port = await freePort();
    const http: ChildProcess = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], {
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('server-everything (HTTP) did not start')), 20_000);
        http.stderr?.on('data', (d: Buffer) => {
          if (d.toString().includes('listening')) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      sim.setScenario(
        scenario([
          { tool: 'mcp__web__echo', args: { message: 'over streamable http' } },
          { tool: 'mcp__files__read_text_file', args: { path: join(shared, 'note.txt') } },
        ]),
      );
      sim.recorder.clear();
      const cfg = mcpConfig(ws, {
        web: { url: `http://127.0.0.1:${port}/mcp` },
        files: { command: process.execPath, args: [FILESYSTEM, shared] },
      });
      const r = await runMcp('go', ['--json', '--approval', 'full-auto'], ws, cfg, { timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const text = sentOutputs(sim)
        .map((o) => String(o.output))
        .join('\n');
      expect(text).toContain('Echo: over streamable http');
      expect(text).toContain('the filesystem server read this');
    } finally {
      http.kill('SIGKILL');
    }
  }, 90_000);

  it('every server process ends with tether (stdio server and its children)', async () => {
    const ws = tempDir('tether-mcp-ws-');
    const pidFile = join(ws, 'child.pid');
    // A "server" that starts a detached grandchild in its own group, then serves real MCP.
    const launcher = join(ws, 'launcher.cjs');
    writeFileSync(
      launcher,
      `const { spawn } = require('node:child_process');
const fs = require('node:fs');
const c = spawn(process.execPath, ['-e', 'setInterval(()=>{},1000)'], { stdio: 'ignore' });
fs.writeFileSync(${JSON.stringify(pidFile)}, String(c.pid));
const s = spawn(process.execPath, [${JSON.stringify(EVERYTHING)}, 'stdio'], { stdio: 'inherit' });
s.on('exit', (code) => process.exit(code ?? 0));
`,
    );
    sim.setScenario(scenario([{ tool: 'mcp__everything__echo', args: { message: 'x' } }]));
    const cfg = mcpConfig(ws, { everything: { command: process.execPath, args: [launcher] } });
    const r = await runMcp('go', ['--json', '--approval', 'full-auto'], ws, cfg, { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    // Give the kernel a moment to reap; the group was SIGKILLed before tether exited.
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((res) => setTimeout(res, 100));
    expect(alive(pid)).toBe(false);
  }, 90_000);
});

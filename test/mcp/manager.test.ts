/**
 * The MCP manager against the real `server-everything` (stdio): cancellation of an in-flight
 * call, a server that dies mid-session (clear error, restart on the next call with backoff),
 * and result conversion / naming rules as pure units.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServers, resolveMcpConfig } from '../../src/mcp/config.js';
import { convertCallResult } from '../../src/mcp/convert.js';
import { McpManager } from '../../src/mcp/manager.js';
import { qualifiedToolName } from '../../src/mcp/names.js';
import { ROOT, tempDir } from '../agent/cli-harness.js';

const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

let managers: McpManager[] = [];
afterEach(async () => {
  await Promise.all(managers.map((m) => m.close()));
  managers = [];
});

function everything(opts: { restartBackoffMs?: number; startupTimeoutMs?: number } = {}): McpManager {
  const m = new McpManager({
    servers: parseServers(
      { mcpServers: { ev: { command: process.execPath, args: [EVERYTHING, 'stdio'] } } },
      'test',
    ),
    cwd: ROOT,
    startupTimeoutMs: opts.startupTimeoutMs ?? 20_000,
    callTimeoutMs: 30_000,
    clientVersion: 'test',
    ...(opts.restartBackoffMs !== undefined ? { restartBackoffMs: opts.restartBackoffMs } : {}),
  });
  managers.push(m);
  return m;
}

function serverPid(m: McpManager): number {
  // The stdio transport's child is the group leader; find it through /proc by its argv.
  const { readdirSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      // Only our own child (vitest runs other files' servers at the same time).
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      if (cmd.includes(EVERYTHING) && ppid === process.pid) return Number(d);
    } catch {
      /* gone */
    }
  }
  void m;
  return 0;
}

describe('McpManager with server-everything', () => {
  it('cancels an in-flight call promptly when the signal aborts (progress arrives first)', async () => {
    const m = everything();
    await m.start();
    expect(m.status()[0]?.state).toBe('ready');
    const ac = new AbortController();
    const progress: string[] = [];
    const started = Date.now();
    const p = m.call(
      'mcp__ev__trigger-long-running-operation',
      { duration: 30, steps: 30 },
      {
        signal: ac.signal,
        onProgress: (s) => {
          progress.push(s);
          if (progress.length === 1) ac.abort();
        },
      },
    );
    const res = await p;
    expect(res.status).toBe('aborted');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toMatch(/^progress 1\/30/);
    expect(Date.now() - started).toBeLessThan(15_000);
    // The server is still usable after a cancelled call.
    const echo = await m.call(
      'mcp__ev__echo',
      { message: 'still here' },
      { signal: new AbortController().signal },
    );
    expect(echo.status).toBe('ok');
    expect(echo.text).toContain('still here');
  }, 60_000);

  it('a server that dies: the next call restarts it; another death within the backoff fails clearly', async () => {
    const m = everything({ restartBackoffMs: 60_000 });
    await m.start();
    const pid = serverPid(m);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && m.status()[0]?.state !== 'exited'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(m.status()[0]?.state).toBe('exited');
    // Tools stay offered so the model's call reaches us; the call restarts the server.
    expect(m.tools().some((t) => t.qualifiedName === 'mcp__ev__echo')).toBe(true);
    const first = await m.call(
      'mcp__ev__echo',
      { message: 'after restart' },
      { signal: new AbortController().signal },
    );
    expect(first.status).toBe('ok');
    expect(first.text).toContain('after restart');
    expect(m.status()[0]?.restarts).toBe(1);
    const pid2 = serverPid(m);
    expect(pid2).not.toBe(pid);
    process.kill(pid2, 'SIGKILL');
    for (let i = 0; i < 100 && m.status()[0]?.state !== 'exited'; i++)
      await new Promise((r) => setTimeout(r, 50));
    const second = await m.call(
      'mcp__ev__echo',
      { message: 'too soon' },
      { signal: new AbortController().signal },
    );
    expect(second.status).toBe('error');
    expect(second.text).toMatch(/is down .*restarted on a call after \d+ s/);
  }, 60_000);

  it('many calls on one turn signal leave no listeners behind (no MaxListeners warning)', async () => {
    const m = everything();
    await m.start();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const ac = new AbortController();
    try {
      for (let i = 0; i < 30; i++) {
        const r = await m.call('mcp__ev__echo', { message: String(i) }, { signal: ac.signal });
        expect(r.status).toBe('ok');
      }
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  }, 60_000);

  it('close() ends the server process', async () => {
    const m = everything();
    await m.start();
    const pid = serverPid(m);
    await m.close();
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  }, 60_000);
});

describe('MCP names, config and conversion (pure)', () => {
  it('qualified names follow the API rules, stay unique when long, and keep short names readable', () => {
    expect(qualifiedToolName('everything', 'get-sum')).toBe('mcp__everything__get-sum');
    expect(qualifiedToolName('my.server', 'do thing/now')).toBe('mcp__my_server__do_thing_now');
    const a = qualifiedToolName('s', `${'x'.repeat(80)}a`);
    const b = qualifiedToolName('s', `${'x'.repeat(80)}b`);
    for (const n of [a, b]) expect(n).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(a).not.toBe(b);
  });

  it('config: later sources win, an untrusted .mcp.json is ignored with one warning, bad entries are one-line errors', () => {
    const dir = tempDir('tether-mcp-cfg-');
    const { writeFileSync } = require('node:fs') as typeof import('node:fs');
    writeFileSync(join(dir, '.mcp.json'), JSON.stringify({ mcpServers: { proj: { command: 'evil' } } }));
    const untrusted = resolveMcpConfig({ cwd: dir, user: { a: { command: 'x' } }, projectTrusted: false });
    expect(untrusted.servers.map((s) => s.name)).toEqual(['a']);
    expect(untrusted.warnings).toHaveLength(1);
    expect(untrusted.warnings[0]).toMatch(/not trusted/);
    const trusted = resolveMcpConfig({
      cwd: dir,
      user: { proj: { command: 'user-one' } },
      projectTrusted: true,
    });
    expect(trusted.servers.find((s) => s.name === 'proj')).toMatchObject({
      command: 'evil',
      source: join(dir, '.mcp.json'),
    });
    expect(() => parseServers({ mcpServers: { x: { args: [] } } }, 'f')).toThrow(/needs "command"/);
    expect(() => parseServers({ mcpServers: { x: { url: 'ftp://a' } } }, 'f')).toThrow(/http or https/);
    expect(() => parseServers({ mcpServers: { 'bad name!': { command: 'a' } } }, 'f')).toThrow(/server name/);
    expect(() => parseServers({ mcpServers: { x: { command: 'a', env: { K: 1 } } } }, 'f')).toThrow(
      /env\.K must be a string/,
    );
  });

  it('conversion: text, images as attachments, resources, structured content, errors', () => {
    const r = convertCallResult({
      content: [
        { type: 'text', text: 'hello' },
        { type: 'image', mimeType: 'image/png', data: 'iVBORw0KGgo=' },
        { type: 'image', mimeType: 'image/svg+xml', data: 'PHN2Zz4=' },
        { type: 'resource', resource: { uri: 'file:///a.txt', text: 'inside' } },
        { type: 'resource', resource: { uri: 'file:///b.bin', mimeType: 'application/zip', blob: 'AAAA' } },
        { type: 'resource_link', uri: 'file:///c', name: 'c' },
      ],
    });
    expect(r.images).toEqual([{ mimeType: 'image/png', data: 'iVBORw0KGgo=' }]);
    expect(r.text).toContain('hello');
    expect(r.text).toContain('[image 1: image/png');
    expect(r.text).toContain('[image not attached: image/svg+xml');
    expect(r.text).toContain('[resource file:///a.txt]\ninside');
    expect(r.text).toContain('application/zip');
    expect(r.text).toContain('[resource link: c file:///c]');
    expect(convertCallResult({ content: [], structuredContent: { sum: 3 } }).text).toContain('"sum": 3');
    const err = convertCallResult({ content: [], isError: true });
    expect(err.isError).toBe(true);
    expect(err.text).toMatch(/error/);
  });
});

describe('MCP tool runtime', () => {
  it('truncates a huge result like other tool output and spills the whole text', async () => {
    const { withMcpTools } = await import('../../src/mcp/tool-runtime.js');
    const { readFileSync } = await import('node:fs');
    const big = `${'line of output\n'.repeat(20_000)}THE END`;
    const info = {
      qualifiedName: 'mcp__s__t',
      server: 's',
      tool: 't',
      description: '',
      inputSchema: { type: 'object' },
    };
    const fake = {
      tools: () => [info],
      findTool: (n: string) => (n === info.qualifiedName ? info : undefined),
      call: async () => ({ status: 'ok' as const, text: big, images: [], isError: false }),
    } as unknown as McpManager;
    const base = {
      specs: () => [],
      prepare: async () => {
        throw new Error('not used');
      },
      run: async () => {
        throw new Error('not used');
      },
    };
    const rt = withMcpTools(base, fake, { spillDir: tempDir('tether-mcp-spill-'), outputMaxChars: 2000 });
    expect(rt.specs()).toEqual([
      expect.objectContaining({
        type: 'function',
        name: 'mcp__s__t',
        strict: false,
        parameters: { type: 'object' },
      }),
    ]);
    const bad = await rt.prepare({ callId: 'c0', name: 'mcp__s__t', arguments: '[1,2]' });
    expect(bad.ok).toBe(false);
    const unknown = await rt.prepare({ callId: 'c0', name: 'mcp__s__nope', arguments: '{}' });
    expect(unknown.ok ? '' : unknown.output).toMatch(/Unknown MCP tool .*mcp__s__t/);
    const p = await rt.prepare({ callId: 'c1', name: 'mcp__s__t', arguments: '' });
    if (!p.ok) throw new Error(p.output);
    expect(p.kind).toBe('mcp');
    const r = await rt.run(p, { signal: new AbortController().signal, sandboxed: false });
    expect(r.truncated).toBe(true);
    expect(r.output.length).toBeLessThan(4000);
    expect(r.output).toContain('THE END');
    expect(readFileSync(r.spillPath ?? '', 'utf8')).toBe(big);
  });
});

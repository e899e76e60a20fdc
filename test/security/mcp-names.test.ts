/**
 * Security, issue 13 §3: MCP tool names and "always allow". Sanitizing server and tool names for
 * the API is not one-to-one (server `a.b` tool `c` and server `a_b` tool `c` are both
 * `mcp__a_b__c`): two tools are never offered under one name (each colliding tool gets a name
 * with a hash of its own server and tool, whatever order the servers come in, and one warning
 * says so), and an "always allow" saved for one never covers the other — rules name the exact
 * server and tool (`@mcp <server> <tool>`), never the model-facing name, and never match a shell
 * command.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { policyPort } from '../../src/agent/create.js';
import { parseServers } from '../../src/mcp/config.js';
import { McpManager } from '../../src/mcp/manager.js';
import { qualifiedToolName, uniqueToolNames } from '../../src/mcp/names.js';
import { decide, loadAllowRules, mcpRule } from '../../src/policy/index.js';
import type { ReadyCall } from '../../src/tools/types.js';
import { ROOT, tempDir } from '../agent/cli-harness.js';

const NO_SANDBOX = { tier: 'none' as const, requested: 'off' as const, network: true, message: 'off' };
const API_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function mcpCall(server: string, tool: string, name = qualifiedToolName(server, tool)): ReadyCall {
  return {
    ok: true,
    callId: `c-${server}-${tool}`,
    name,
    kind: 'mcp',
    args: {},
    subject: { kind: 'mcp', summary: `${server}.${tool}`, server, tool, paths: [], arguments: '{}' },
    touches: [],
  };
}

function shellCall(command: string): ReadyCall {
  return {
    ok: true,
    callId: 's',
    name: 'shell',
    kind: 'execute',
    args: { command, workdir: null, timeout_ms: null },
    subject: { kind: 'command', summary: command, command, paths: [] },
    touches: [],
  };
}

describe('MCP names: no two tools share a name offered to the model', () => {
  const COLLIDING: Array<Array<[string, string]>> = [
    [
      ['a.b', 'c'],
      ['a_b', 'c'],
    ],
    [
      ['srv', 'get.file'],
      ['srv', 'get_file'],
      ['srv', 'get file'],
    ],
    [
      ['a b', 'x'],
      ['a+b', 'x'],
      ['a_b', 'x'],
      ['a.b', 'x'],
    ],
    [
      ['a__b', 'c'],
      ['a', 'b__c'],
    ],
    [
      ['ü', 't'],
      ['é', 't'],
    ],
    [
      ['', 't'],
      ['_', 't'],
    ],
    [
      ['s'.repeat(70), 't'],
      [`${'s'.repeat(69)}.`, 't'],
    ],
  ];
  for (const group of COLLIDING) {
    it(`${group.map(([s, t]) => `${JSON.stringify(s)}/${JSON.stringify(t)}`).join(' vs ')}`, () => {
      const tools = group.map(([server, tool]) => ({ server, tool }));
      const { names, warnings } = uniqueToolNames(tools);
      expect(new Set(names).size).toBe(names.length);
      for (const n of names) expect(n).toMatch(API_NAME);
      // Long names are hashed from the full names already; shorter ones collided and are warned about.
      const plain = tools.map((t) => qualifiedToolName(t.server, t.tool));
      expect(warnings.length > 0).toBe(new Set(plain).size < plain.length);
      // Order-independent: each tool keeps its name when the servers start in another order.
      const reversed = uniqueToolNames([...tools].reverse()).names.reverse();
      expect(reversed).toEqual(names);
    });
  }

  it('a tool named after another one’s disambiguated name cannot take it over', () => {
    const first = uniqueToolNames([
      { server: 'a.b', tool: 'c' },
      { server: 'a_b', tool: 'c' },
    ]).names;
    const squatter = (first[0] as string).slice('mcp__a_b__'.length);
    const tools = [
      { server: 'a.b', tool: 'c' },
      { server: 'a_b', tool: 'c' },
      { server: 'a_b', tool: squatter },
    ];
    const { names } = uniqueToolNames(tools);
    expect(new Set(names).size).toBe(3);
  });

  it('distinct names stay as they were (no warning)', () => {
    const { names, warnings } = uniqueToolNames([
      { server: 'fs', tool: 'read' },
      { server: 'git', tool: 'read' },
    ]);
    expect(names).toEqual(['mcp__fs__read', 'mcp__git__read']);
    expect(warnings).toEqual([]);
  });
});

describe('MCP "always allow" names the exact server and tool', () => {
  it('allowing a.b/c never allows a_b/c (same model-facing name), and the reverse', async () => {
    const home = tempDir('tether-mcp-rules-');
    const ws = join(home, 'ws');
    mkdirSync(ws);
    const env = { TETHER_HOME: home };
    const port = policyPort(ws, NO_SANDBOX, { env });
    const dotted = mcpCall('a.b', 'c');
    const underscored = mcpCall('a_b', 'c');
    expect(dotted.name).toBe(underscored.name);
    expect((await port.decide(dotted, 'suggest')).action).toBe('ask');
    port.allowAlways?.(dotted);
    expect((await port.decide(dotted, 'suggest')).action).toBe('auto');
    expect((await port.decide(underscored, 'suggest')).action).toBe('ask');
    expect(loadAllowRules(ws, env).prefixes).toEqual([['@mcp', 'a.b', 'c']]);
    // A new session reads the same rule.
    const again = policyPort(ws, NO_SANDBOX, { env });
    expect((await again.decide(dotted, 'auto-edit')).action).toBe('auto');
    expect((await again.decide(underscored, 'auto-edit')).action).toBe('ask');
  });

  it('an MCP rule matches no shell command; an old rule under the model-facing name matches nothing', async () => {
    const rules = { prefixes: [mcpRule('a.b', 'c'), ['mcp__a_b__c']] };
    const ctx = {
      mode: 'suggest' as const,
      sandbox: NO_SANDBOX,
      rules,
      mcpAllowed: (s: string, t: string) => s === 'x' && t === 'y',
    };
    for (const command of ['@mcp a.b c', '@mcp a.b c --rm', 'mcp__a_b__c', 'mcp__a_b__c now'])
      expect((await decide(shellCall(command), ctx)).action, command).toBe('ask');
    expect((await decide(mcpCall('a_b', 'c'), ctx)).action).toBe('ask');
    expect((await decide(mcpCall('x', 'y'), ctx)).action).toBe('auto');
    // A call without server/tool (not from the MCP runtime) is never auto-allowed.
    const bare = { ...mcpCall('x', 'y'), subject: { kind: 'mcp' as const, summary: 'x', paths: [] } };
    expect((await decide(bare, ctx)).action).toBe('ask');
  });
});

describe('MCP manager: two servers whose names sanitize alike', () => {
  const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
  let manager: McpManager | undefined;
  afterEach(async () => {
    await manager?.close();
    manager = undefined;
  });

  it('offers every tool under its own name, routes each to its server, warns once', async () => {
    const warnings: string[] = [];
    const server = { command: process.execPath, args: [EVERYTHING, 'stdio'] };
    manager = new McpManager({
      servers: parseServers({ mcpServers: { 'ev.x': server, ev_x: server } }, 'test'),
      cwd: ROOT,
      startupTimeoutMs: 20_000,
      callTimeoutMs: 30_000,
      clientVersion: 'test',
      onEvent: (e) => {
        if (e.type === 'warning' && e.message) warnings.push(e.message);
      },
    });
    await manager.start();
    const tools = manager.tools();
    expect(tools.length).toBeGreaterThan(4);
    const names = tools.map((t) => t.qualifiedName);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(API_NAME);
    for (const t of tools) expect(manager.findTool(t.qualifiedName)?.server).toBe(t.server);
    const echo = tools.filter((t) => t.tool === 'echo');
    expect(echo.map((t) => t.server).sort()).toEqual(['ev.x', 'ev_x']);
    expect(echo[0]?.qualifiedName).not.toBe(echo[1]?.qualifiedName);
    const count = warnings.length;
    expect(count).toBe(tools.length / 2);
    expect(warnings.find((w) => w.includes('"echo"'))).toMatch(
      /"echo" of server "ev\.x" and "echo" of server "ev_x"/,
    );
    manager.tools();
    expect(warnings.length).toBe(count); // once, not per request
    // `tether mcp list` and /mcp show the names the model is offered.
    const listed = manager.status().flatMap((s) => s.tools.map((t) => t.qualifiedName));
    expect(listed.sort()).toEqual([...names].sort());
    const res = await manager.call(
      echo[1]?.qualifiedName as string,
      { message: 'hi' },
      {
        signal: new AbortController().signal,
      },
    );
    expect(res.status).toBe('ok');
  });
});

/**
 * MCP per-call overhead: the same `echo` call on the same kind of server (server-everything over
 * stdio), once through the bare SDK client (the server's own time plus the SDK's), once through
 * tether's path (McpManager + the tool runtime's prepare/run with conversion and truncation).
 * The difference of the medians is what tether adds per call. Target: ≤ 2 ms.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { parseServers } from '../../src/mcp/config.js';
import { McpManager } from '../../src/mcp/manager.js';
import { withMcpTools } from '../../src/mcp/tool-runtime.js';
import type { ToolRuntime } from '../../src/tools/types.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.95)] ?? 0;
}

export async function main(opts: { server: string; calls: number }): Promise<Record<string, number>> {
  const { server, calls } = opts;
  // Bare SDK client.
  const client = new Client({ name: 'bench', version: '0' }, { capabilities: {} });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [server, 'stdio'], stderr: 'ignore' }),
  );
  const bare: number[] = [];
  for (let i = 0; i < calls + 20; i++) {
    const t = performance.now();
    await client.callTool({ name: 'echo', arguments: { message: `m${i}` } });
    if (i >= 20) bare.push(performance.now() - t);
  }
  await client.close();

  // tether's path.
  const manager = new McpManager({
    servers: parseServers(
      { mcpServers: { ev: { command: process.execPath, args: [server, 'stdio'] } } },
      'bench',
    ),
    cwd: process.cwd(),
    startupTimeoutMs: 20_000,
    callTimeoutMs: 60_000,
    clientVersion: 'bench',
  });
  const startT = performance.now();
  await manager.start();
  const startupMs = performance.now() - startT;
  const base: ToolRuntime = {
    specs: () => [],
    prepare: async (r) => ({ ok: false, callId: r.callId, name: r.name, output: 'no' }),
    run: async () => ({ status: 'error', output: 'no', durationMs: 0 }),
  };
  const rt = withMcpTools(base, manager, { spillDir: '/tmp', outputMaxChars: 40_000 });
  const ours: number[] = [];
  // One signal for every call, as one agent turn shares its signal across its calls.
  const signal = new AbortController().signal;
  for (let i = 0; i < calls + 20; i++) {
    const t = performance.now();
    const p = await rt.prepare({
      callId: `c${i}`,
      name: 'mcp__ev__echo',
      arguments: JSON.stringify({ message: `m${i}` }),
    });
    if (!p.ok) throw new Error(p.output);
    const r = await rt.run(p, { signal, sandboxed: false });
    if (r.status !== 'ok') throw new Error(r.output);
    if (i >= 20) ours.push(performance.now() - t);
  }
  await manager.close();
  return {
    calls,
    bare_median_ms: median(bare),
    bare_p95_ms: p95(bare),
    tether_median_ms: median(ours),
    tether_p95_ms: p95(ours),
    overhead_median_ms: median(ours) - median(bare),
    startup_ms: startupMs,
  };
}

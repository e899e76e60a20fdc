/**
 * Runs the configured MCP servers for one tether process: starts them in parallel in the
 * background (the first frame and the first prompt never wait), lists their tools, calls them
 * with cancellation (`notifications/cancelled` on abort, via the SDK), restarts a server that died
 * on its next call (with backoff), and ends every server — with its process group — on close.
 * The SDK is imported lazily: a run with no MCP server never loads it.
 */
import { sanitizeEnv } from '../tools/exec/env.js';
import { markerEnv } from '../tools/exec/run-marker.js';
import { type ConvertedResult, convertCallResult } from './convert.js';
import { qualifiedToolName, uniqueToolNames } from './names.js';
import {
  type ClientLike,
  isObj,
  lastLine,
  type McpManagerEvent,
  type McpManagerOptions,
  type McpServerState,
  type McpServerStatus,
  type McpToolInfo,
  type Running,
  targetOf,
} from './types.js';

export type {
  McpManagerEvent,
  McpManagerOptions,
  McpServerState,
  McpServerStatus,
  McpToolInfo,
} from './types.js';

export class McpManager {
  private readonly servers = new Map<string, Running>();
  private closed = false;
  private readonly warnedNames = new Set<string>();

  constructor(private readonly opts: McpManagerOptions) {
    for (const cfg of opts.servers) {
      this.servers.set(cfg.name, {
        cfg,
        status: {
          name: cfg.name,
          transport: cfg.transport,
          target: targetOf(cfg),
          state: cfg.enabled ? 'starting' : 'disabled',
          tools: [],
          restarts: 0,
        },
        nextRestartAt: 0,
        generation: 0,
      });
    }
  }

  /** Starts every enabled server in the background; resolves when all have settled (tests, `mcp list`). */
  start(): Promise<void> {
    const all: Promise<void>[] = [];
    for (const r of this.servers.values()) if (r.cfg.enabled) all.push(this.startOne(r));
    return Promise.all(all).then(() => undefined);
  }

  /** Resolves when no server is still starting. */
  async settled(): Promise<void> {
    await Promise.all([...this.servers.values()].map((r) => r.starting ?? Promise.resolve()));
  }

  /** Every server's state and tools, each tool under the name the model is offered. */
  status(): McpServerStatus[] {
    const offered = new Map(this.tools().map((t) => [`${t.server}\u0000${t.tool}`, t.qualifiedName]));
    return [...this.servers.values()].map((r) => ({
      ...r.status,
      tools: r.status.tools.map((t) => {
        const name = offered.get(`${t.server}\u0000${t.tool}`);
        return name === undefined || name === t.qualifiedName ? t : { ...t, qualifiedName: name };
      }),
    }));
  }

  /**
   * Every tool of every ready (or died-but-restartable) server, each under a distinct name (a
   * collision of sanitized names is resolved and warned about once; see names.ts).
   */
  tools(): McpToolInfo[] {
    const out: McpToolInfo[] = [];
    for (const r of this.servers.values())
      if (r.status.state === 'ready' || r.status.state === 'exited') out.push(...r.status.tools);
    const { names, warnings } = uniqueToolNames(out);
    for (const w of warnings) {
      if (this.warnedNames.has(w)) continue;
      this.warnedNames.add(w);
      this.emit({ type: 'warning', server: '', message: w });
    }
    return out.map((t, i) =>
      names[i] === t.qualifiedName ? t : { ...t, qualifiedName: names[i] as string },
    );
  }

  findTool(qualifiedName: string): McpToolInfo | undefined {
    return this.tools().find((t) => t.qualifiedName === qualifiedName);
  }

  private emit(e: McpManagerEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      // a listener bug never breaks a server
    }
  }

  private setState(r: Running, state: McpServerState, error?: string): void {
    r.status.state = state;
    if (error === undefined) delete r.status.error;
    else r.status.error = error;
    this.emit({ type: 'state', server: r.cfg.name, ...(error ? { message: error } : {}) });
  }

  private startOne(r: Running): Promise<void> {
    if (r.starting) return r.starting;
    const generation = ++r.generation;
    const started = Date.now();
    r.status.state = 'starting';
    const p = this.connect(r, generation)
      .then(() => {
        if (generation !== r.generation || this.closed) return;
        r.status.startupMs = Date.now() - started;
        this.setState(r, 'ready');
        this.emit({ type: 'tools_changed', server: r.cfg.name });
      })
      .catch((err: unknown) => {
        if (generation !== r.generation) return;
        const detail = lastLine(r.stderr?.() ?? '');
        const message = `${(err as Error).message ?? String(err)}${detail ? ` (stderr: ${detail})` : ''}`;
        void this.teardown(r);
        this.setState(r, 'failed', message);
        this.emit({
          type: 'warning',
          server: r.cfg.name,
          message: `MCP server "${r.cfg.name}" failed to start: ${message}`,
        });
      })
      .finally(() => {
        if (r.starting === p) delete r.starting;
      });
    r.starting = p;
    return p;
  }

  private async connect(r: Running, generation: number): Promise<void> {
    const [{ Client }, types] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/types.js'),
    ]);
    const cfg = r.cfg;
    let transport: import('@modelcontextprotocol/sdk/shared/transport.js').Transport;
    if (cfg.transport === 'stdio') {
      const { GroupStdioTransport } = await import('./stdio-transport.js');
      const t = new GroupStdioTransport({
        command: cfg.command,
        args: cfg.args,
        // Marked like tool processes, so the exit sweep also reaches children that detached.
        env: {
          ...sanitizeEnv(this.opts.env ?? process.env),
          ...cfg.env,
          ...markerEnv(this.opts.env ?? process.env),
        },
        cwd: cfg.cwd ?? this.opts.cwd,
      });
      r.stderr = () => t.stderr();
      transport = t;
    } else {
      const { StreamableHTTPClientTransport } = await import(
        '@modelcontextprotocol/sdk/client/streamableHttp.js'
      );
      transport = new StreamableHTTPClientTransport(new URL(cfg.url), {
        requestInit: { headers: cfg.headers },
      });
      delete r.stderr;
    }
    const client = new Client(
      { name: 'tether-code', version: this.opts.clientVersion },
      { capabilities: {} },
    ) as unknown as ClientLike & { connect(t: unknown, o?: unknown): Promise<void> };
    r.client = client;
    r.closeTransport = () => transport.close();
    const timeoutMs = this.opts.startupTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${timeoutMs} ms (mcpStartupTimeoutMs)`)),
        timeoutMs,
      );
      timer.unref();
    });
    try {
      await Promise.race([
        (async () => {
          await client.connect(transport, { timeout: timeoutMs });
          r.status.tools = await this.listAllTools(r, timeoutMs);
        })(),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
    // Died after a successful start: calls fail clearly and the next call restarts it.
    const prevOnClose = transport.onclose;
    transport.onclose = () => {
      prevOnClose?.();
      if (generation !== r.generation || this.closed) return;
      if (r.status.state === 'ready') {
        const detail = lastLine(r.stderr?.() ?? '');
        this.setState(r, 'exited', `the server exited${detail ? ` (stderr: ${detail})` : ''}`);
        this.emit({
          type: 'warning',
          server: r.cfg.name,
          message: `MCP server "${r.cfg.name}" exited; it is restarted on its next call`,
        });
      }
    };
    client.setNotificationHandler(types.ToolListChangedNotificationSchema, () => {
      if (generation !== r.generation) return;
      void this.listAllTools(r, this.opts.startupTimeoutMs).then(
        (tools) => {
          r.status.tools = tools;
          this.emit({ type: 'tools_changed', server: r.cfg.name });
        },
        () => undefined,
      );
    });
  }

  private async listAllTools(r: Running, timeoutMs: number): Promise<McpToolInfo[]> {
    const client = r.client;
    if (!client) return [];
    const out: McpToolInfo[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
      for (const t of res.tools) {
        if (!isObj(t) || typeof t['name'] !== 'string') continue;
        const schema = isObj(t['inputSchema']) ? t['inputSchema'] : { type: 'object' };
        out.push({
          qualifiedName: qualifiedToolName(r.cfg.name, t['name']),
          server: r.cfg.name,
          tool: t['name'],
          description: typeof t['description'] === 'string' ? t['description'] : '',
          inputSchema: { ...schema, type: 'object' },
          ...(isObj(t['annotations']) ? { annotations: t['annotations'] } : {}),
        });
      }
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    return out;
  }

  private async teardown(r: Running): Promise<void> {
    const close = r.closeTransport;
    delete r.client;
    delete r.closeTransport;
    try {
      await close?.();
    } catch {
      // already gone
    }
  }

  /** Makes sure the server of `tool` is connected, restarting it (with backoff) if it died. */
  private async ensureRunning(r: Running): Promise<string | null> {
    if (r.status.state === 'ready' && r.client) return null;
    if (r.status.state === 'starting' && r.starting) {
      await r.starting;
      return (r.status.state as McpServerState) === 'ready'
        ? null
        : `MCP server "${r.cfg.name}" is not available: ${r.status.error ?? r.status.state}`;
    }
    if (r.status.state === 'disabled' || r.status.state === 'stopped')
      return `MCP server "${r.cfg.name}" is ${r.status.state}.`;
    const now = Date.now();
    if (now < r.nextRestartAt)
      return `MCP server "${r.cfg.name}" is down (${r.status.error ?? 'exited'}); it will be restarted on a call after ${Math.ceil((r.nextRestartAt - now) / 1000)} s.`;
    const base = this.opts.restartBackoffMs ?? 1000;
    r.nextRestartAt = now + Math.min(60_000, base * 2 ** Math.min(r.status.restarts, 6));
    r.status.restarts++;
    await this.teardown(r);
    await this.startOne(r);
    return r.status.state === 'ready'
      ? null
      : `MCP server "${r.cfg.name}" could not be restarted: ${r.status.error ?? r.status.state}`;
  }

  /** Calls a tool. Never throws: failures come back as an error result the model can read. */
  async call(
    qualifiedName: string,
    args: Record<string, unknown>,
    opts: { signal: AbortSignal; onProgress?: (message: string) => void },
  ): Promise<ConvertedResult & { status: 'ok' | 'error' | 'aborted' }> {
    const info = this.findTool(qualifiedName);
    const r = info ? this.servers.get(info.server) : undefined;
    if (!info || !r)
      return { status: 'error', text: `unknown MCP tool ${qualifiedName}`, images: [], isError: true };
    const down = await this.ensureRunning(r);
    if (down) return { status: 'error', text: down, images: [], isError: true };
    const client = r.client;
    if (!client)
      return {
        status: 'error',
        text: `MCP server "${r.cfg.name}" is not connected`,
        images: [],
        isError: true,
      };
    // A signal per call: the SDK leaves its abort listener on the signal it is given, and a turn's
    // signal is shared by all of its calls (a long loop would pile up listeners and warnings).
    const perCall = new AbortController();
    const forward = () => perCall.abort();
    if (opts.signal.aborted) perCall.abort();
    else opts.signal.addEventListener('abort', forward, { once: true });
    try {
      const res = await client.callTool({ name: info.tool, arguments: args }, undefined, {
        signal: perCall.signal,
        timeout: this.opts.callTimeoutMs,
        resetTimeoutOnProgress: true,
        onprogress: (p: { progress?: number; total?: number; message?: string }) => {
          const pct = p.total
            ? ` ${p.progress}/${p.total}`
            : p.progress !== undefined
              ? ` ${p.progress}`
              : '';
          opts.onProgress?.(`progress${pct}${p.message ? `: ${p.message}` : ''}\n`);
        },
      });
      const converted = convertCallResult(res);
      return { ...converted, status: converted.isError ? 'error' : 'ok' };
    } catch (err) {
      if (opts.signal.aborted)
        return { status: 'aborted', text: 'The call was cancelled by the user.', images: [], isError: true };
      const message = (err as Error).message ?? String(err);
      const state =
        r.status.state === 'exited' ? ` (the server exited; it is restarted on the next call)` : '';
      return {
        status: 'error',
        text: `MCP error from "${r.cfg.name}": ${message}${state}`,
        images: [],
        isError: true,
      };
    } finally {
      opts.signal.removeEventListener('abort', forward);
    }
  }

  /** Ends every server (and its process group). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.servers.values()].map(async (r) => {
        r.generation++;
        if (r.status.state !== 'disabled') r.status.state = 'stopped';
        const client = r.client;
        delete r.client;
        try {
          await client?.close();
        } catch {
          // ignore
        }
        await this.teardown(r);
      }),
    );
  }
}

/**
 * A tiny scriptable Responses server for transport tests (WebSocket + SSE on 127.0.0.1:0).
 * Integration tests of the session use the real simulator instead.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface MiniCtx {
  ws: WebSocket;
  body: Record<string, unknown>;
  /** 1-based connection number. */
  conn: number;
  /** 1-based request number across the server. */
  n: number;
}

export interface MiniOptions {
  /** Return a status to refuse upgrade number n (1-based). */
  refuse?: (n: number) => { status: number; headers?: Record<string, string> } | null;
  onCreate?: (ctx: MiniCtx) => void;
  /** SSE handler for POST /v1/responses. */
  onPost?: (body: Record<string, unknown>, res: ServerResponse, n: number) => void;
  autoPong?: boolean;
  deflate?: boolean;
}

export interface MiniServer {
  url: string;
  upgrades(): number;
  authHeaders(): string[];
  sockets: WebSocket[];
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

/** The canonical event sequence of a text answer. */
export function textEvents(id: string, text: string, deltas = 1): Record<string, unknown>[] {
  const msg = {
    id: `msg_${id}`,
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text }],
  };
  const out: Record<string, unknown>[] = [
    { type: 'response.created', response: { id, status: 'in_progress', output: [] } },
    {
      type: 'response.output_item.added',
      output_index: 0,
      item: { ...msg, status: 'in_progress', content: [] },
    },
  ];
  const size = Math.ceil(text.length / deltas);
  for (let i = 0; i < text.length; i += size) {
    out.push({
      type: 'response.output_text.delta',
      item_id: msg.id,
      output_index: 0,
      content_index: 0,
      delta: text.slice(i, i + size),
    });
  }
  out.push({ type: 'response.output_item.done', output_index: 0, item: msg });
  out.push({
    type: 'response.completed',
    response: {
      id,
      status: 'completed',
      output: [msg],
      usage: {
        input_tokens: 10,
        output_tokens: 2,
        total_tokens: 12,
        input_tokens_details: { cached_tokens: 4 },
      },
    },
  });
  return out.map((e, i) => ({ ...e, sequence_number: i }));
}

export function sendAll(ws: WebSocket, events: Record<string, unknown>[]): void {
  for (const e of events) ws.send(JSON.stringify(e));
}

export async function startMiniServer(opts: MiniOptions = {}): Promise<MiniServer> {
  let upgrades = 0;
  let n = 0;
  const auth: string[] = [];
  const sockets: WebSocket[] = [];
  const requests: Record<string, unknown>[] = [];
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: opts.deflate ?? true,
    autoPong: opts.autoPong ?? true,
  });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (c: Buffer) => {
      data += c.toString('utf8');
    });
    req.on('end', () => {
      auth.push(String(req.headers.authorization ?? ''));
      const body = JSON.parse(data || '{}') as Record<string, unknown>;
      requests.push(body);
      n++;
      if (opts.onPost) opts.onPost(body, res, n);
      else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  server.on('upgrade', (req, socket, head) => {
    upgrades++;
    auth.push(String(req.headers.authorization ?? ''));
    const refusal = opts.refuse?.(upgrades);
    if (refusal) {
      const hdrs = Object.entries(refusal.headers ?? {})
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.end(
        `HTTP/1.1 ${refusal.status} Refused\r\n${hdrs}Content-Length: 0\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = sockets.push(ws);
      ws.on('error', () => {});
      ws.on('message', (raw) => {
        const body = JSON.parse(raw.toString()) as Record<string, unknown>;
        requests.push(body);
        n++;
        opts.onCreate?.({ ws, body, conn, n });
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    upgrades: () => upgrades,
    authHeaders: () => auth,
    sockets,
    requests,
    async close() {
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Writes events as an SSE body. */
export function writeSse(res: ServerResponse, events: Record<string, unknown>[], end = true): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  for (const e of events) res.write(`event: ${String(e['type'])}\ndata: ${JSON.stringify(e)}\n\n`);
  if (end) res.end();
}

export { WebSocket };

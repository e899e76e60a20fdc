/**
 * `startSimulator`: the Node `http` server, Bearer auth, the WebSocket upgrade (with refusal
 * faults and the new-connection cost), and lifecycle (`close` frees the port).
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { realClock } from '../util/clock.js';
import { seededRandom } from '../util/random.js';
import { quotaError } from './account.js';
import { IdGen } from './blobs.js';
import type { ApiError } from './conversation.js';
import { Engine } from './engine.js';
import { FaultCounter, type FaultSpec, numberSetting } from './faults.js';
import { handleHttp, sendHttpError } from './http-handler.js';
import { MemoryRecorder, redactHeaders } from './recorder.js';
import { loadScenario } from './scenario-load.js';
import type { Scenario } from './scenario-types.js';
import type { ServerContext } from './server-context.js';
import type { Simulator, SimulatorOptions } from './types.js';
import { WsSession } from './ws-session.js';

const SIXTY_MINUTES_MS = 60 * 60_000;
/** Events between two `keepalive` events on a long stream. */
const DEFAULT_KEEPALIVE_EVERY = 200;

function authError(header: string | undefined, apiKey: string | undefined): ApiError | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) {
    return {
      status: 401,
      type: 'invalid_request_error',
      code: null,
      param: null,
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    };
  }
  if (apiKey !== undefined && match[1] !== apiKey) {
    // Never echo the key back (R23).
    return {
      status: 401,
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      param: null,
      message: 'Incorrect API key provided.',
    };
  }
  return undefined;
}

function rawHttpResponse(
  socket: Socket,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

function errorBody(err: ApiError): string {
  return JSON.stringify({
    error: { message: err.message, type: err.type, param: err.param, code: err.code },
  });
}

/** Starts a simulator; resolves once it listens. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const clock = opts.clock ?? realClock;
  const seed = opts.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const ids = new IdGen(seededRandom(seed));
  const basePath = (opts.basePath ?? '/v1').replace(/\/+$/, '');
  const host = opts.host ?? '127.0.0.1';
  let scenario: Scenario = loadScenario(opts.scenario ?? 'plain-answer');
  let serverFaults: FaultSpec = opts.faults ?? {};
  let counter = new FaultCounter();
  const recorder = new MemoryRecorder();
  const specs = (): FaultSpec[] => (scenario.faults ? [serverFaults, scenario.faults] : [serverFaults]);
  const engine = new Engine({
    clock,
    ids,
    scenario: () => scenario,
    prevNotFoundEvery: () => specs().find((s) => s.prevNotFound)?.prevNotFound?.every,
    faultSpecs: () => specs(),
  });
  const ctx: ServerContext = {
    clock,
    ids,
    engine,
    recorder,
    get counter() {
      return counter;
    },
    faultSpecs: specs,
    ageLimitMs: () => numberSetting(specs(), 'ageLimitMs') ?? opts.connectionAgeLimitMs ?? SIXTY_MINUTES_MS,
    latencyMs: () => numberSetting(specs(), 'latencyMs') ?? opts.latencyMs ?? 0,
    eventDelayMs: () => numberSetting(specs(), 'eventDelayMs') ?? opts.eventDelayMs ?? 0,
    httpHandshakeMs: () => numberSetting(specs(), 'httpHandshakeMs') ?? opts.httpHandshakeMs ?? 0,
    contextCostUsPerToken: () =>
      numberSetting(specs(), 'contextCostUsPerToken') ?? opts.contextCostUsPerToken ?? 0,
    contextCost: async (tokens) => {
      const ms = (tokens * ctx.contextCostUsPerToken()) / 1000;
      if (ms > 0) await clock.sleep(ms);
    },
    keepaliveEvery: () =>
      numberSetting(specs(), 'keepaliveEvery') ?? opts.keepaliveEvery ?? DEFAULT_KEEPALIVE_EVERY,
    log: (message) => {
      if (process.env['TETHER_SIM_DEBUG'] === '1') process.stderr.write(`[simulator] ${message}\n`);
    },
  };

  const sockets = new Set<Socket>();
  const httpConnIds = new WeakMap<Socket, { id: number; fresh: boolean }>();
  let httpConnSeq = 0;
  let wsAccepted = 0;
  const wss = new WebSocketServer({
    noServer: true,
    // server_no_context_takeover lets ws skip compressing frames under 1 KiB (every delta):
    // compressing each tiny delta costs ~0.5 ms and would make the simulator the bottleneck.
    perMessageDeflate: { serverNoContextTakeover: true, threshold: 1024 },
    autoPong: false,
    maxPayload: 256 * 1024 * 1024,
  });

  const routeOf = (url: string | undefined): string | undefined => {
    const path = (url ?? '/').split('?')[0] ?? '/';
    if (path === basePath) return '/';
    return path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined;
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const meta = httpConnIds.get(socket) ?? { id: ++httpConnSeq, fresh: true };
    const freshConnection = meta.fresh;
    meta.fresh = false;
    httpConnIds.set(socket, meta);
    const route = routeOf(req.url);
    if (route === undefined) {
      return sendHttpError(res, {
        status: 404,
        type: 'invalid_request_error',
        code: 'unknown_url',
        message: `Unknown request URL: ${req.method} ${req.url}.`,
        param: null,
      });
    }
    const denied = authError(req.headers.authorization, opts.apiKey);
    if (denied) return sendHttpError(res, denied);
    handleHttp(ctx, req, res, route, {
      connectionId: meta.id,
      headers: redactHeaders(req.headers),
      freshConnection,
    }).catch((err: unknown) => {
      ctx.log(`http handler failed: ${String(err)}`);
      sendHttpError(res, {
        status: 500,
        type: 'server_error',
        code: 'server_error',
        message: 'The simulator failed to handle the request.',
        param: null,
      });
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const headers = redactHeaders(req.headers);
    const at = clock.now();
    const route = routeOf(req.url);
    const record = (connectionId: number, errorCode?: string) =>
      recorder.add({
        transport: 'websocket',
        kind: 'upgrade',
        connectionId,
        at,
        bytes: 0,
        wireBytes: socket.bytesRead,
        body: null,
        inputItems: 0,
        headers,
        ...(errorCode ? { errorCode } : {}),
      });
    if (route !== '/responses') {
      record(0, 'unknown_url');
      return rawHttpResponse(
        socket,
        404,
        {},
        errorBody({
          status: 404,
          type: 'invalid_request_error',
          code: 'unknown_url',
          message: `Unknown request URL: GET ${req.url}.`,
          param: null,
        }),
      );
    }
    const denied = authError(req.headers.authorization, opts.apiKey);
    if (denied) {
      record(0, 'unauthorized');
      return rawHttpResponse(socket, 401, {}, errorBody(denied));
    }
    const refusal = specs().find((s) => s.refuseUpgrade)?.refuseUpgrade;
    if (refusal && counter.takeRefusal(refusal)) {
      record(0, `upgrade_refused_${refusal.status}`);
      const quota = refusal.code === 'insufficient_quota' || refusal.code === 'usage_not_included';
      const extra: Record<string, string> =
        refusal.status === 429 && !quota ? { 'retry-after-ms': '1000', 'retry-after': '1' } : {};
      const err: ApiError = quota
        ? { ...quotaError(refusal.code), status: refusal.status }
        : {
            status: refusal.status,
            type:
              refusal.status === 429
                ? 'rate_limit_error'
                : refusal.status >= 500
                  ? 'server_error'
                  : 'invalid_request_error',
            code: refusal.code ?? null,
            message: `Simulated upgrade refusal (${refusal.status}).`,
            param: null,
          };
      return rawHttpResponse(
        socket,
        refusal.status,
        { ...extra, ...(refusal.headers ?? {}) },
        errorBody(err),
      );
    }
    const accept = () => {
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => {
        const id = ++wsAccepted;
        record(id);
        new WsSession(ctx, ws, socket, id);
      });
    };
    const cost = ctx.httpHandshakeMs();
    if (cost > 0) void clock.sleep(cost).then(accept);
    else accept();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${port}${basePath}`,
    port,
    recorder,
    setScenario(s) {
      scenario = loadScenario(s);
    },
    setFaults(f) {
      serverFaults = f;
      counter = new FaultCounter();
    },
    connectionCount: () => wsAccepted,
    openConnections: () => wss.clients.size,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        for (const s of sockets) s.destroy();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      return closed;
    },
  };
}

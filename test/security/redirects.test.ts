/**
 * Security (R23, RELIABILITY A2/B8): redirects never carry credentials. A loopback server
 * answers the WebSocket upgrade and every HTTP request with a redirect to a second loopback
 * server; whatever transport tether uses, the second server never sees the Authorization
 * header (nor the key anywhere in the request).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userMessage } from '../../src/protocol/items.js';
import { createSessionController } from '../../src/session/controller.js';
import type { SessionSettings } from '../../src/session/types.js';

const KEY = 'sk-redirect-0123456789abcdefghijklmnopqrstuv';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

let target: Server;
let redirector: Server;
let targetSeen: Seen[] = [];
let redirectorSeen: Seen[] = [];
let targetPort = 0;
let redirectorPort = 0;
const sockets = new Set<Socket>();

function listen(s: Server): Promise<number> {
  s.on('connection', (c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  return new Promise((res) => s.listen(0, '127.0.0.1', () => res((s.address() as AddressInfo).port)));
}

beforeAll(async () => {
  // The second server: records everything, answers 200 (upgrades get a 200 too, so a client
  // that followed would at least send its request there).
  target = createServer((req, res) => {
    targetSeen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  target.on('upgrade', (req, socket) => {
    targetSeen.push({ method: 'UPGRADE', url: req.url ?? '', headers: req.headers });
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  targetPort = await listen(target);
  const location = (req: IncomingMessage) => `http://127.0.0.1:${targetPort}${req.url ?? '/'}`;
  redirector = createServer((req, res) => {
    redirectorSeen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(req.method === 'POST' ? 307 : 302, { location: location(req) }).end();
  });
  redirector.on('upgrade', (req, socket) => {
    redirectorSeen.push({ method: 'UPGRADE', url: req.url ?? '', headers: req.headers });
    socket.end(
      `HTTP/1.1 302 Found\r\nLocation: ${location(req).replace('http:', 'ws:')}\r\nContent-Length: 0\r\n\r\n`,
    );
  });
  redirectorPort = await listen(redirector);
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => target.close(() => r(undefined)));
  await new Promise((r) => redirector.close(() => r(undefined)));
});

const SETTINGS: SessionSettings = {
  transport: 'auto',
  wsDeflate: false,
  connectTimeoutMs: 1000,
  rotationAgeMs: 55 * 60_000,
  heartbeatIntervalMs: 30_000,
  heartbeatTimeoutMs: 30_000,
  streamIdleTimeoutMs: 2000,
  maxRetries: 1,
  backoffBaseMs: 1,
  backoffMaxMs: 5,
  fallbackReprobeTurns: 10,
};

function carriesKey(s: Seen): boolean {
  return (
    JSON.stringify(s.headers).includes(KEY.slice(3, 20)) ||
    s.url.includes(KEY.slice(3, 20)) ||
    s.headers.authorization !== undefined
  );
}

describe('security: redirects never carry credentials', () => {
  for (const transport of ['auto', 'websocket', 'http'] as const) {
    it(`transport ${transport}: the redirect target never sees the Authorization header`, async () => {
      targetSeen = [];
      redirectorSeen = [];
      const session = createSessionController({
        baseUrl: `http://127.0.0.1:${redirectorPort}/v1`,
        apiKey: KEY,
        request: { model: 'gpt-5.5', instructions: 'x', store: false },
        settings: { ...SETTINGS, transport },
      });
      try {
        const r = await session.runTurn([userMessage('hi')]);
        expect(r.status).toBe('failed');
      } finally {
        await session.close();
      }
      // The redirector was really asked (with credentials, as it is the configured endpoint)…
      expect(redirectorSeen.length).toBeGreaterThan(0);
      expect(redirectorSeen.some((s) => s.headers.authorization === `Bearer ${KEY}`)).toBe(true);
      // …and nothing carrying them ever reached the redirect target (R1: redirects are not
      // followed at all, so the target sees no request).
      expect(targetSeen.filter(carriesKey)).toEqual([]);
      expect(targetSeen.map((s) => `${s.method} ${s.url}`)).toEqual([]);
    }, 30_000);
  }

  it('the built CLI follows no redirect with the key either', async () => {
    targetSeen = [];
    redirectorSeen = [];
    const home = mkdtempSync(join(tmpdir(), 'tether-sec-redirect-'));
    try {
      const code = await new Promise<number | null>((res) => {
        const child = spawn(
          process.execPath,
          [
            resolve(import.meta.dirname, '../../bin/tether.js'),
            '-p',
            'hi',
            '--json',
            '--base-url',
            `http://127.0.0.1:${redirectorPort}/v1`,
            '-C',
            home,
          ],
          {
            env: {
              PATH: process.env['PATH'] ?? '',
              HOME: home,
              TETHER_HOME: home,
              OPENAI_API_KEY: KEY,
              TETHER_MAX_RETRIES: '1',
              TETHER_BACKOFF_BASE_MS: '1',
            },
            stdio: 'ignore',
          },
        );
        const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('close', (c) => {
          clearTimeout(t);
          res(c);
        });
      });
      expect(code).not.toBe(0);
      expect(redirectorSeen.length).toBeGreaterThan(0);
      expect(targetSeen.filter(carriesKey)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 40_000);
});

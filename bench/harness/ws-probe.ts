/**
 * Client-side frame timestamps for the in-process benchmarks: wraps the `ws` library's
 * `WebSocket.prototype.send` and `emit('message')` (the same module instance the bundled session
 * uses), so "response.completed received" and "response.create sent" are timed at the socket,
 * not at some callback downstream. Server-side sockets of the in-process simulator are ignored.
 */
import WebSocket from 'ws';

/**
 * One frame event. `at` is `performance.now()` (ms). `create`/`warmup`/`completed` are seen at
 * the client socket; `srv-*` at the in-process simulator's socket (for clients in other processes).
 */
export interface FrameMark {
  at: number;
  kind: 'create' | 'warmup' | 'completed' | 'srv-create' | 'srv-warmup' | 'srv-completed';
  /** Payload bytes (UTF-8) of sent creates. */
  bytes?: number;
}

/** The installed probe. */
export interface WsProbe {
  marks: FrameMark[];
  uninstall(): void;
}

type Send = WebSocket['send'];
type Emit = WebSocket['emit'];

function isServerSocket(ws: WebSocket): boolean {
  return (ws as unknown as Record<string, unknown>)['_isServer'] === true;
}

/** Installs the probe (one at a time). */
export function installWsProbe(): WsProbe {
  const proto = WebSocket.prototype;
  const origSend: Send = proto.send;
  const origEmit: Emit = proto.emit;
  const marks: FrameMark[] = [];
  proto.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
    if (typeof data === 'string') {
      const at = performance.now();
      const head = data.slice(0, 80);
      if (isServerSocket(this)) {
        if (head.includes('"response.completed"')) marks.push({ at, kind: 'srv-completed' });
      } else if (head.includes('"response.create"')) {
        marks.push({
          at,
          kind: data.includes('"generate":false') ? 'warmup' : 'create',
          bytes: Buffer.byteLength(data),
        });
      }
    }
    return (origSend as (...a: unknown[]) => void).call(this, data, ...rest);
  } as Send;
  proto.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]) {
    if (event === 'message') {
      const at = performance.now();
      const data = args[0];
      const text = Buffer.isBuffer(data)
        ? data.subarray(0, 80).toString('utf8')
        : typeof data === 'string'
          ? data.slice(0, 80)
          : '';
      if (!isServerSocket(this)) {
        if (text.includes('"response.completed"')) marks.push({ at, kind: 'completed' });
      } else if (text.includes('"response.create"')) {
        const warm = Buffer.isBuffer(data)
          ? data.includes('"generate":false')
          : String(data).includes('"generate":false');
        marks.push({ at, kind: warm ? 'srv-warmup' : 'srv-create' });
      }
    }
    return (origEmit as (...a: unknown[]) => boolean).call(this, event, ...args);
  } as Emit;
  return {
    marks,
    uninstall() {
      proto.send = origSend;
      proto.emit = origEmit;
    },
  };
}

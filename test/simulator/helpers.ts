/** Minimal raw clients for simulator tests (the real transport is someone else's part). */
import WebSocket from 'ws';

export type Ev = { type: string; [key: string]: unknown };

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

/** A raw WebSocket client that queues every frame it receives. */
export class RawWs {
  readonly frames: Array<{ text?: string; binary?: Buffer; event?: Ev }> = [];
  private waiters: Array<() => void> = [];
  closed: { code: number; reason: string } | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      if (isBinary) this.frames.push({ binary: buf });
      else {
        const text = buf.toString('utf8');
        let event: Ev | undefined;
        try {
          event = JSON.parse(text) as Ev;
        } catch {
          event = undefined;
        }
        this.frames.push(event ? { text, event } : { text });
      }
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    ws.on('error', () => this.wake());
  }
  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async open(
    baseUrl: string,
    key = 'sk-test-key-123456',
    opts: WebSocket.ClientOptions = {},
  ): Promise<RawWs> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/responses`;
    const ws = new WebSocket(url, {
      ...opts,
      headers: { Authorization: `Bearer ${key}`, ...(opts.headers ?? {}) },
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`unexpected ${res.statusCode}`)));
    });
    return new RawWs(ws);
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Waits until `pred` holds over the frames (or the socket closes / times out). */
  async until(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (this.closed) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout waiting for frames');
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 20));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  events(): Ev[] {
    return this.frames.filter((f) => f.event).map((f) => f.event!);
  }

  /** Events after index `from` up to and including the next terminal (or error). */
  async nextResponse(from = 0, timeoutMs = 5000): Promise<Ev[]> {
    const find = () =>
      this.events()
        .slice(from)
        .findIndex((e) => TERMINAL.has(e.type));
    await this.until(() => find() >= 0, timeoutMs);
    const i = find();
    return i < 0 ? this.events().slice(from) : this.events().slice(from, from + i + 1);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Sends one create and returns that response's events. */
export async function createOnce(c: RawWs, body: Record<string, unknown>): Promise<Ev[]> {
  const from = c.events().length;
  c.send({ type: 'response.create', model: 'gpt-5.5', store: false, ...body });
  return c.nextResponse(from);
}

export function user(text: string): Record<string, unknown> {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

/** Output items from `output_item.done` events. */
export function doneItems(events: Ev[]): Array<Record<string, unknown>> {
  return events
    .filter((e) => e.type === 'response.output_item.done')
    .map((e) => e['item'] as Record<string, unknown>);
}

export function responseId(events: Ev[]): string {
  const created = events.find((e) => e.type === 'response.created');
  return (created?.['response'] as { id: string } | undefined)?.id ?? '';
}

/** Parses an SSE body into events (`event:`/`data:` records). */
export function parseSse(text: string): Array<{ event: string; data: string }> {
  return text
    .split('\n\n')
    .filter((b) => b.trim().length > 0)
    .map((block) => {
      let event = '';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      return { event, data };
    });
}

export const SHELL_TOOL = {
  type: 'function',
  name: 'shell',
  description: 'run',
  strict: true,
  parameters: {
    type: 'object',
    properties: {
      command: { type: 'string' },
      workdir: { type: ['string', 'null'] },
      timeout_ms: { type: ['number', 'null'] },
    },
    required: ['command', 'workdir', 'timeout_ms'],
    additionalProperties: false,
  },
};

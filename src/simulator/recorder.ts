import { imagesOfBody, type ReceivedImage } from './images.js';
import type { RecordedRequest, Recorder } from './types.js';

/** Header names whose values never enter the recorder (R23: secrets never logged). */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'openai-api-key',
  'api-key',
]);

/** Copies Node's incoming headers into a flat map with credentials replaced by `[REDACTED]`. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (!SECRET_HEADERS.has(lower)) out[lower] = text;
    else
      out[lower] = lower === 'authorization' && /^bearer\s/i.test(text) ? 'Bearer [REDACTED]' : '[REDACTED]';
  }
  return out;
}

/** In-memory recorder; `add` assigns the sequence number. */
export class MemoryRecorder implements Recorder {
  private list: RecordedRequest[] = [];
  private seq = 0;
  private createCount = 0;

  /** Appends a record and returns it (callers may fill `responseId`/`errorCode` later). */
  add(entry: Omit<RecordedRequest, 'seq'>): RecordedRequest {
    const rec: RecordedRequest = { seq: ++this.seq, ...entry };
    this.list.push(rec);
    if (rec.kind === 'response.create') this.createCount++;
    return rec;
  }

  /** `response.create` requests received since start (not reset by `clear`): fault targeting. */
  totalCreates(): number {
    return this.createCount;
  }

  requests(): RecordedRequest[] {
    return [...this.list];
  }

  creates(): RecordedRequest[] {
    return this.list.filter((r) => r.kind === 'response.create');
  }

  /** Every `input_image` the client sent in `response.create` inputs, in arrival order. */
  images(): Array<ReceivedImage & { seq: number }> {
    return this.creates().flatMap((r) => imagesOfBody(r.body).map((img) => ({ seq: r.seq, ...img })));
  }

  clear(): void {
    this.list = [];
  }
}

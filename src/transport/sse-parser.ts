/**
 * A pure, incremental Server-Sent Events parser (WHATWG "event stream interpretation").
 * Chunking-invariant (R14): any split of the byte stream, including inside a multi-byte UTF-8
 * sequence or between the CR and LF of a CRLF, yields the same events as the whole buffer.
 * Handles CRLF / LF / CR line ends, `:` comments, multi-line `data:` and a leading BOM.
 */

/** One dispatched SSE event. */
export interface SseEvent {
  /** `event:` field, `message` when absent. */
  event: string;
  /** `data:` lines joined with `\n`. */
  data: string;
  /** Last `id:` seen (sticky across events, as the spec says), if any. */
  id?: string;
  /** `retry:` reconnection time in ms, when this event carried one. */
  retry?: number;
}

/** Incremental parser: feed chunks with {@link SseParser.push}, flush with {@link SseParser.end}. */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private line = '';
  /** The previous chunk ended in CR: an LF at the start of the next one belongs to it. */
  private pendingCr = false;
  private started = false;
  private eventType = '';
  private data: string[] = [];
  private hasData = false;
  private lastId: string | undefined;
  private retry: number | undefined;

  /** Feeds one chunk (bytes or already-decoded text) and returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.consume(text);
  }

  /** Ends the stream: flushes the decoder. A trailing event without a blank line is discarded (spec). */
  end(): SseEvent[] {
    const out = this.consume(this.decoder.decode());
    this.line = '';
    this.resetEvent();
    return out;
  }

  private consume(input: string): SseEvent[] {
    let text = input;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: SseEvent[] = [];
    let i = 0;
    if (this.pendingCr && text.length > 0) {
      this.pendingCr = false;
      if (text.charCodeAt(0) === 0x0a) i = 1;
    }
    let start = i;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x0a && c !== 0x0d) continue;
      this.line += text.slice(start, i);
      this.processLine(this.line, out);
      this.line = '';
      if (c === 0x0d) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 0x0a) i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
    }
    this.line += text.slice(start);
    return out;
  }

  private processLine(line: string, out: SseEvent[]): void {
    if (line === '') {
      this.dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 0x3a) return; // ':' comment (heartbeats)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(out: SseEvent[]): void {
    if (this.hasData) {
      const ev: SseEvent = { event: this.eventType || 'message', data: this.data.join('\n') };
      if (this.lastId !== undefined) ev.id = this.lastId;
      if (this.retry !== undefined) ev.retry = this.retry;
      out.push(ev);
    }
    this.resetEvent();
  }

  private resetEvent(): void {
    this.eventType = '';
    this.data = [];
    this.hasData = false;
    this.retry = undefined;
  }
}

/** Parses a complete stream given as chunks (convenience for tests and fuzzing). */
export function parseSse(chunks: Iterable<Uint8Array | string>): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

/**
 * Writes the JSONL event stream: one redacted JSON object per line, with a monotonic `seq`.
 * Guarantees the stream's framing: `session.started` is the first line (anything earlier is
 * held back until it arrives) and `session.completed` the last (nothing is written after it).
 */
import type { AgentEvent } from '../agent/events.js';
import { redact } from '../util/redact.js';
import { JsonlMapper, type JsonlRecord } from './jsonl-events.js';

/** Streams AgentEvents as JSONL lines to `write`. */
export class JsonlWriter {
  private readonly mapper = new JsonlMapper();
  private seq = 0;
  private started = false;
  private ended = false;
  private held: JsonlRecord[] = [];

  /** `write` receives complete lines including the trailing newline. */
  constructor(private readonly write: (line: string) => void) {}

  /** Feeds one event; writes zero or more lines. */
  handle(e: AgentEvent): void {
    if (this.ended) return;
    for (const rec of this.mapper.map(e)) {
      if (this.ended) return;
      if (!this.started) {
        if (rec.type !== 'session.started') {
          this.held.push(rec);
          continue;
        }
        this.started = true;
        this.emit(rec);
        for (const h of this.held.splice(0)) this.emit(h);
        continue;
      }
      if (rec.type === 'session.started') continue; // /new never happens in a --prompt run
      this.emit(rec);
      if (rec.type === 'session.completed') this.ended = true;
    }
  }

  /** True once `session.completed` was written. */
  done(): boolean {
    return this.ended;
  }

  private emit(rec: JsonlRecord): void {
    const { type, ...rest } = rec;
    this.write(`${redact(JSON.stringify({ type, seq: this.seq++, ...rest }))}\n`);
  }
}

/**
 * Bounded capture of a command's output (RELIABILITY R19): one StringDecoder per stream so UTF-8
 * is never split, everything kept in memory only while it fits the model budget; past that, the
 * raw bytes go to a spill file with synchronous writes and only a head and a tail window stay in
 * memory. A 50 MB flood therefore costs about the budget, not 50 MB.
 */
import { StringDecoder } from 'node:string_decoder';
import { SpillWriter } from '../spill.js';
import { cutHead, cutTail, HEAD_SHARE, truncationMarker } from '../truncate.js';

/** What {@link OutputCollector.finish} returns. */
export interface CollectedOutput {
  /** Model-facing text: everything, or head + marker + tail. */
  text: string;
  truncated: boolean;
  spillPath?: string;
  /** Raw bytes received. */
  totalBytes: number;
  /** Decoded characters received. */
  totalChars: number;
}

/** Bytes inspected for NUL to call the output binary. */
const SNIFF_BYTES = 4096;

function newlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Collects interleaved stdout/stderr within a character budget. */
export class OutputCollector {
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private full = '';
  private rawBefore: Buffer[] = [];
  private spill: SpillWriter | null = null;
  private head = '';
  private tail = '';
  private readonly headBudget: number;
  private readonly tailBudget: number;
  private totalBytes = 0;
  private totalChars = 0;
  private totalNewlines = 0;
  private spillError: string | null = null;
  /** A NUL byte appeared in the first 4 KiB (gemini's binary sniff). */
  private binary = false;

  constructor(
    private readonly maxChars: number,
    private readonly spillDir: string,
    private readonly toolName: string,
  ) {
    this.headBudget = Math.floor(maxChars * HEAD_SHARE);
    this.tailBudget = maxChars - this.headBudget;
  }

  /** Adds a chunk; returns the decoded text (for live listeners). */
  push(chunk: Buffer, stream: 'stdout' | 'stderr'): string {
    if (this.totalBytes < SNIFF_BYTES && chunk.subarray(0, SNIFF_BYTES - this.totalBytes).includes(0))
      this.binary = true;
    this.totalBytes += chunk.length;
    const text = this.decoders[stream].write(chunk);
    this.addText(text, chunk);
    return text;
  }

  private addText(text: string, raw: Buffer | null): void {
    this.totalChars += text.length;
    this.totalNewlines += newlines(text);
    if (this.spill === null && this.spillError === null) {
      this.full += text;
      if (raw) this.rawBefore.push(raw);
      if (this.full.length > this.maxChars) this.startSpill();
      return;
    }
    if (raw) this.spill?.write(raw);
    this.tail += text;
    if (this.tail.length > this.tailBudget * 2) this.trimTail();
  }

  /**
   * Keeps about the last tail budget of text, starting at a line boundary when one is near: a
   * window that starts mid-line can begin inside a secret, and a fragment is no longer
   * recognisable to redaction.
   */
  private trimTail(): void {
    const from = this.tail.length - this.tailBudget;
    const nl = this.tail.lastIndexOf('\n', from - 1);
    const start = nl >= 0 && from - nl <= this.tailBudget ? nl + 1 : from;
    this.tail = this.tail.slice(start);
  }

  private startSpill(): void {
    try {
      this.spill = new SpillWriter(this.spillDir, this.toolName);
      for (const b of this.rawBefore) this.spill.write(b);
    } catch (err) {
      this.spillError = (err as Error).message;
      this.spill = null;
    }
    this.rawBefore = [];
    this.head = cutHead(this.full, this.headBudget);
    this.tail = this.full.slice(this.head.length);
    if (this.tail.length > this.tailBudget * 2) this.trimTail();
    this.full = '';
    if (this.spillError !== null) {
      // Without a spill file keep bounded head/tail only (same as spilling, minus the file).
      this.spillError = this.spillError || 'spill failed';
    }
  }

  /** Whether output went past the budget. */
  get overflowed(): boolean {
    return this.spill !== null || this.spillError !== null;
  }

  /** Flushes decoders, closes the spill file and renders the model-facing text. */
  finish(): CollectedOutput {
    for (const d of Object.values(this.decoders)) {
      const rest = d.end();
      if (rest) this.addText(rest, null);
    }
    if (this.binary) {
      // Binary bytes are useless (and unsafe in JSON) for the model: spill them and say so.
      if (!this.overflowed) this.startSpill();
      this.spill?.close();
      const where = this.spill ? `; saved to ${this.spill.path}${this.spill.capNote()}` : '';
      const out: CollectedOutput = {
        text: `[binary output: ${this.totalBytes} bytes${where}]`,
        truncated: true,
        totalBytes: this.totalBytes,
        totalChars: this.totalChars,
      };
      if (this.spill) out.spillPath = this.spill.path;
      return out;
    }
    if (!this.overflowed) {
      return { text: this.full, truncated: false, totalBytes: this.totalBytes, totalChars: this.totalChars };
    }
    this.spill?.close();
    const tail = cutTail(this.tail, this.tailBudget);
    const omittedChars = this.totalChars - this.head.length - tail.length;
    const omittedLines = Math.max(0, this.totalNewlines - newlines(this.head) - newlines(tail));
    const spillPath = this.spill?.path;
    const note = this.spill?.capNote() ?? (this.spillError ? ` Output not saved: ${this.spillError}.` : '');
    const marker = truncationMarker(omittedChars, omittedLines, this.totalChars, spillPath, note);
    const text = `${this.head}${marker}${tail}`;
    const out: CollectedOutput = {
      text,
      truncated: true,
      totalBytes: this.totalBytes,
      totalChars: this.totalChars,
    };
    if (spillPath) out.spillPath = spillPath;
    return out;
  }
}

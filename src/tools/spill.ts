/**
 * Spill files: the full output of a tool whose model-facing output was truncated. Created with
 * mode 0600 in a 0700 directory (they may contain anything the command printed), and readable by
 * `read_file` because the spill dir is one of the runtime's readable roots.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { hasKnownSecrets, maxSecretLength, redactKnown, safeCutIndex } from '../util/redact.js';
import { newSpillName } from './spill-name.js';

/** A line longer than this is cut (outside any secret) rather than held back whole. */
const MAX_HELD_CHARS = 1 << 20;

/** Writes `content` to a new spill file and returns its path. */
export function writeSpillFile(spillDir: string, toolName: string, content: string | Buffer): string {
  const w = new SpillWriter(spillDir, toolName);
  w.write(typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  w.close();
  return w.path;
}

/** Appends raw bytes to a spill file with synchronous writes, so memory stays bounded. */
export class SpillWriter {
  /** Absolute path of the spill file. */
  readonly path: string;
  private fd: number | null;
  /** Bytes written so far. */
  bytes = 0;

  constructor(spillDir: string, toolName: string) {
    mkdirSync(spillDir, { recursive: true, mode: 0o700 });
    this.path = join(spillDir, newSpillName(toolName));
    this.fd = openSync(this.path, 'wx', 0o600);
  }

  /** Text not yet written because a secret could continue into the next chunk. */
  private carry = '';

  /**
   * Appends `buf`; a no-op after {@link SpillWriter.close}. Registered secret values are
   * replaced as everywhere else tether writes; text is handled as latin1 (one char per byte), so
   * binary output passes through byte-exact, and a secret split across chunks is still caught
   * because the unfinished last line is held back until the next write.
   */
  write(buf: Buffer): void {
    if (this.fd === null) return;
    if (!hasKnownSecrets() && this.carry === '') return this.writeRaw(buf);
    const text = this.carry + buf.toString('latin1');
    let cut = text.lastIndexOf('\n') + 1;
    if (cut === 0 && text.length > MAX_HELD_CHARS) cut = safeCutIndex(text, text.length - maxSecretLength());
    this.carry = text.slice(cut);
    if (cut > 0) this.writeRaw(Buffer.from(redactKnown(text.slice(0, cut)), 'latin1'));
  }

  private writeRaw(buf: Buffer): void {
    if (this.fd === null) return;
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.bytes += buf.length;
  }

  close(): void {
    if (this.fd === null) return;
    if (this.carry) {
      const rest = this.carry;
      this.carry = '';
      this.writeRaw(Buffer.from(redactKnown(rest), 'latin1'));
    }
    closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * Spill files: the full output of a tool whose model-facing output was truncated. Created with
 * mode 0600 in a 0700 directory (they may contain anything the command printed), and readable by
 * `read_file` because the spill dir is one of the runtime's readable roots.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mkdirs } from '../util/mkdirs.js';
import { hasKnownSecrets, maxSecretLength, redactKnown, safeCutIndex } from '../util/redact.js';
import { newSpillName } from './spill-name.js';

/** A line longer than this is cut (outside any secret) rather than held back whole. */
const MAX_HELD_CHARS = 1 << 20;

/** Default cap of one spill file (bytes): 64 MiB. */
export const SPILL_MAX_BYTES = 64 * 1024 * 1024;
/** Default cap of all spill files together (bytes): 512 MiB. */
export const SPILL_TOTAL_MAX_BYTES = 512 * 1024 * 1024;

/** Caps for the spill files of one spill directory. */
export interface SpillLimits {
  /** Largest spill file (bytes); output past it is not written. */
  perFileBytes: number;
  /** Bytes all further spill files of this directory may still use together. */
  remainingBytes: number;
}

const limitsByDir = new Map<string, SpillLimits>();

/**
 * Sets the caps for spill files written under `spillDir` (the tool runtime calls this once):
 * `totalBytes` is what this directory may use in all, already reduced by what other sessions'
 * spill files hold (see spill-prune.ts).
 */
export function setSpillLimits(spillDir: string, perFileBytes: number, totalBytes: number): void {
  limitsByDir.set(resolve(spillDir), { perFileBytes, remainingBytes: Math.max(0, totalBytes) });
}

function limitsFor(spillDir: string): SpillLimits {
  const key = resolve(spillDir);
  let l = limitsByDir.get(key);
  if (!l) {
    l = { perFileBytes: SPILL_MAX_BYTES, remainingBytes: SPILL_TOTAL_MAX_BYTES };
    limitsByDir.set(key, l);
  }
  return l;
}

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
  /** Bytes offered but not written because a cap was reached. */
  droppedBytes = 0;
  /** The cap that stopped writing: this file's or the directory total's (bytes), once reached. */
  cappedAt: { kind: 'file' | 'total'; bytes: number } | null = null;
  private readonly limits: SpillLimits;

  constructor(spillDir: string, toolName: string) {
    this.limits = limitsFor(spillDir);
    if (this.limits.remainingBytes <= 0)
      throw new Error('the total size cap of spill files is reached; output was not saved');
    mkdirs(spillDir, 0o700);
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
    if (!hasKnownSecrets() && this.carry === '') {
      this.writeRaw(buf);
      return;
    }
    const text = this.carry + buf.toString('latin1');
    let cut = text.lastIndexOf('\n') + 1;
    if (cut === 0 && text.length > MAX_HELD_CHARS) cut = safeCutIndex(text, text.length - maxSecretLength());
    this.carry = text.slice(cut);
    if (cut > 0) this.writeRaw(Buffer.from(redactKnown(text.slice(0, cut)), 'latin1'));
  }

  private writeRaw(buf: Buffer): void {
    if (this.fd === null) return;
    const fileRoom = this.limits.perFileBytes - this.bytes;
    const room = Math.max(0, Math.min(fileRoom, this.limits.remainingBytes));
    if (buf.length > room) {
      this.cappedAt ??=
        fileRoom <= this.limits.remainingBytes
          ? { kind: 'file', bytes: this.limits.perFileBytes }
          : { kind: 'total', bytes: this.bytes + room };
      this.droppedBytes += buf.length - room;
      buf = buf.subarray(0, room);
    }
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.bytes += buf.length;
    this.limits.remainingBytes -= buf.length;
  }

  /** One sentence for the model and the user when a cap cut this file short, else ''. */
  capNote(): string {
    if (!this.cappedAt) return '';
    const mib = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MiB`;
    return this.cappedAt.kind === 'file'
      ? ` The spill file holds only the first ${mib(this.bytes)} (per-file cap ${mib(this.cappedAt.bytes)}, setting toolSpillMaxBytes); ${this.droppedBytes} more bytes were not saved.`
      : ` The spill file holds only the first ${mib(this.bytes)}: the total cap for spill files (setting toolSpillTotalMaxBytes) is reached; ${this.droppedBytes} more bytes were not saved.`;
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

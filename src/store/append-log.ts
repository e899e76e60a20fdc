/**
 * The low-level append-only log of one session: lines are buffered in memory and written with
 * one `write` per flush (a `kill -9` loses only what is still buffered, and never tears a line
 * in the middle of the file), then `fdatasync`ed so a power loss loses at most the same.
 */
import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdirs } from '../util/mkdirs.js';

/** Writes `buf` fully (a regular-file write may be short on a nearly full disk). */
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** Appends lines to one file, creating it (and its folder, private to the user) on first write. */
export class AppendLog {
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingChars = 0;
  /** Bytes in the file after the last write. */
  private size = 0;

  constructor(
    readonly path: string,
    /** Lines written first when the file is created (the session_meta record). */
    private readonly header: () => string,
  ) {}

  /** Bytes written to the file so far (including any earlier process's). */
  get bytes(): number {
    return this.size;
  }

  /** True once the file has been opened (created or appended to). */
  get opened(): boolean {
    return this.fd !== undefined;
  }

  /** Characters waiting in memory. */
  get buffered(): number {
    return this.pendingChars;
  }

  /** Queues one complete line (ending with `\n`). */
  push(line: string): void {
    this.pending.push(line);
    this.pendingChars += line.length;
  }

  /** Writes the queued lines to the kernel; with `durable`, also waits for the disk. */
  write(durable: boolean): void {
    if (this.pending.length === 0 && !durable) return;
    const fd = this.open();
    if (this.pending.length > 0) {
      const buf = Buffer.from(this.pending.join(''), 'utf8');
      this.pending = [];
      this.pendingChars = 0;
      writeAll(fd, buf);
      this.size += buf.length;
    }
    if (durable) fdatasyncSync(fd);
  }

  /** `fdatasync` on Node's thread pool, so the event loop (the next request) does not wait for the disk. */
  syncInBackground(): Promise<void> {
    const fd = this.fd;
    if (fd === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  /** Closes the file (queued lines are dropped; call `write` first). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    mkdirs(dirname(this.path), 0o700);
    const fd = openSync(this.path, 'a+', 0o600);
    this.fd = fd;
    const size = fstatSync(fd).size;
    this.size = size;
    if (size === 0) {
      const head = Buffer.from(this.header(), 'utf8');
      writeAll(fd, head);
      this.size += head.length;
    } else if (!endsWithNewline(fd, size)) {
      // The previous process died mid-line: terminate the torn line so it stays one garbled
      // line (skipped on load) instead of corrupting the first record we append.
      writeAll(fd, Buffer.from('\n'));
      this.size += 1;
    }
    return fd;
  }
}

function endsWithNewline(fd: number, size: number): boolean {
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, size - 1);
  return b[0] === 0x0a;
}

/** Replaces a small file atomically (write a temp file, then rename over the target). */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

/** {@link writeFileAtomic} without blocking the event loop. */
export async function writeFileAtomicAsync(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

/**
 * Spill files: the full output of a tool whose model-facing output was truncated. Created with
 * mode 0600 in a 0700 directory (they may contain anything the command printed), and readable by
 * `read_file` because the spill dir is one of the runtime's readable roots.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { newSpillName } from './spill-name.js';

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

  /** Appends `buf`; a no-op after {@link SpillWriter.close}. */
  write(buf: Buffer): void {
    if (this.fd === null) return;
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.bytes += buf.length;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

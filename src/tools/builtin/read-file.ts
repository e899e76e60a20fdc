/** `read_file`: numbered lines with a range, a size/line cap and binary detection. */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { defineTool } from '../define-tool.js';
import { READ_FILE_DESCRIPTION } from '../descriptions/files.js';
import { pathsOf, resolveToolPath } from '../fs/workspace.js';

/** Validated `read_file` arguments. */
export interface ReadFileArgs {
  path: string;
  start_line: number | null;
  end_line: number | null;
}

/** Lines returned per call. */
export const MAX_READ_LINES = 2000;
/** Characters kept per line. */
export const MAX_LINE_CHARS = 2000;
const SNIFF_BYTES = 8192;

/** True when the first 8 KiB contain a NUL byte. */
export function looksBinary(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, n).includes(0);
  } finally {
    closeSync(fd);
  }
}

/** Files up to this size are read to the end so the total line count can be reported. */
const COUNT_ALL_BYTES = 2 * 1024 * 1024;

/**
 * Reads lines `start..end` (1-based, inclusive) by streaming, so huge files (e.g. 50 MB spill
 * files) stay cheap: reading stops after the range unless the file is small enough to count.
 */
async function readRange(
  path: string,
  start: number,
  end: number,
  maxChars: number,
  signal: AbortSignal,
  countAll: boolean,
) {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const lines: string[] = [];
  let n = 0;
  let chars = 0;
  let stoppedAt = 0;
  let complete = true;
  for await (const raw of rl) {
    n++;
    if (signal.aborted) break;
    if (n < start) continue;
    if (n > end || stoppedAt) {
      if (countAll) continue;
      complete = false;
      break;
    }
    const line =
      raw.length > MAX_LINE_CHARS
        ? `${raw.slice(0, MAX_LINE_CHARS)}… [line truncated, ${raw.length} chars]`
        : raw;
    const rendered = `${String(n).padStart(6)}\t${line}`;
    if (chars + rendered.length + 1 > maxChars && lines.length > 0) {
      stoppedAt = n;
      continue;
    }
    chars += rendered.length + 1;
    lines.push(rendered);
  }
  rl.close();
  stream.destroy();
  return { lines, total: complete ? n : null, stoppedAt };
}

/** The `read_file` tool. */
export const readFileTool = defineTool<ReadFileArgs>({
  name: 'read_file',
  kind: 'read',
  description: READ_FILE_DESCRIPTION,
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File path relative to the workspace root.' },
      start_line: { type: ['integer', 'null'], description: 'First line (1-based); null for 1.' },
      end_line: { type: ['integer', 'null'], description: 'Last line (inclusive); null for the end.' },
    },
    required: ['path', 'start_line', 'end_line'],
    additionalProperties: false,
  },
  async prepare(args, ctx) {
    const r = resolveToolPath(ctx.ws, args.path, 'read');
    if (!r.ok) return { ok: false, error: `read_file: ${r.error}` };
    if (args.start_line !== null && args.start_line < 1)
      return { ok: false, error: 'read_file: start_line must be >= 1' };
    if (args.start_line !== null && args.end_line !== null && args.end_line < args.start_line) {
      return { ok: false, error: 'read_file: end_line must be >= start_line' };
    }
    return {
      ok: true,
      subject: { kind: 'read', summary: `read ${r.display}`, paths: [r.path] },
      touches: pathsOf(r),
    };
  },
  async execute(args, ctx, opts) {
    const r = resolveToolPath(ctx.ws, args.path, 'read');
    if (!r.ok) return { status: 'error', output: `read_file: ${r.error}` };
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(r.path);
    } catch {
      return { status: 'error', output: `read_file: ${args.path} does not exist` };
    }
    if (st.isDirectory())
      return { status: 'error', output: `read_file: ${args.path} is a directory; use list_dir` };
    if (!st.isFile()) return { status: 'error', output: `read_file: ${args.path} is not a regular file` };
    if (st.size === 0) return { status: 'ok', output: '(empty file)' };
    if (looksBinary(r.path)) return { status: 'ok', output: `(binary file, ${st.size} bytes; not shown)` };
    const start = args.start_line ?? 1;
    const end = Math.min(args.end_line ?? Number.MAX_SAFE_INTEGER, start + MAX_READ_LINES - 1);
    // Leave room for the footer inside the model budget.
    const budget = Math.max(1000, ctx.settings.toolOutputMaxChars - 300);
    const { lines, total, stoppedAt } = await readRange(
      r.path,
      start,
      end,
      budget,
      opts.signal,
      st.size <= COUNT_ALL_BYTES,
    );
    if (opts.signal.aborted) return { status: 'aborted', output: 'aborted' };
    if (lines.length === 0) {
      return {
        status: 'error',
        output: `read_file: ${args.path} has ${total ?? 'fewer'} lines; start_line ${start} is past the end`,
      };
    }
    const last = start + lines.length - 1;
    let out = lines.join('\n');
    const more = total === null || last < total;
    if (start > 1 || more) {
      const why = stoppedAt ? ' (output size limit)' : '';
      const of = total === null ? '' : ` of ${total}`;
      out += more
        ? `\n[showing lines ${start}-${last}${of}${why}; use start_line=${last + 1} to continue]`
        : `\n[showing lines ${start}-${last}${of}]`;
    }
    return { status: 'ok', output: out, selfTruncated: true };
  },
});

/** `grep`: ripgrep when installed, a Node fallback otherwise; both honour .gitignore. */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { defineTool } from '../define-tool.js';
import { GREP_DESCRIPTION } from '../descriptions/files.js';
import { runProcess } from '../exec/run-process.js';
import { walkFiles } from '../fs/walk.js';
import { displayPath, resolveToolPath } from '../fs/workspace.js';

/** Validated `grep` arguments. */
export interface GrepArgs {
  pattern: string;
  path: string | null;
}

/** Matching lines returned at most by the Node fallback. */
export const MAX_GREP_MATCHES = 1000;
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_MATCH_LINE = 500;
/** ripgrep wall limit (ms). */
const RG_TIMEOUT_MS = 60_000;

let rgAvailable: boolean | undefined;

/** Whether `rg` runs (checked once). */
export function hasRipgrep(): boolean {
  if (rgAvailable === undefined) {
    try {
      rgAvailable = spawnSync('rg', ['--version'], { stdio: 'ignore', timeout: 3000 }).status === 0;
    } catch {
      rgAvailable = false;
    }
  }
  return rgAvailable;
}

function isBinaryFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(8192);
    return buf.subarray(0, readSync(fd, buf, 0, 8192, 0)).includes(0);
  } finally {
    closeSync(fd);
  }
}

/** Node fallback: `rel:line:text` lines for `re` under `target` (file or directory). */
export function grepNode(
  target: string,
  re: RegExp,
  labelRoot: string,
  limit = MAX_GREP_MATCHES,
  signal?: AbortSignal,
): { lines: string[]; more: boolean } {
  const lines: string[] = [];
  let more = false;
  const files = statSync(target).isDirectory()
    ? walkFiles(target, signal ? { signal } : {})
    : [{ rel: relative(labelRoot, target), abs: target }][Symbol.iterator]();
  for (const f of files) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(f.abs);
    } catch {
      continue;
    }
    if (!st.isFile() || st.size > MAX_FILE_BYTES || isBinaryFile(f.abs)) continue;
    const text = readFileSync(f.abs, 'utf8');
    const label = relative(labelRoot, f.abs);
    const fileLines = text.split('\n');
    for (let i = 0; i < fileLines.length; i++) {
      const line = (fileLines[i] as string).replace(/\r$/, '');
      re.lastIndex = 0;
      if (!re.test(line)) continue;
      if (lines.length >= limit) {
        more = true;
        return { lines, more };
      }
      lines.push(
        `${label}:${i + 1}:${line.length > MAX_MATCH_LINE ? `${line.slice(0, MAX_MATCH_LINE)}…` : line}`,
      );
    }
  }
  return { lines, more };
}

/** The `grep` tool. */
export const grepTool = defineTool<GrepArgs>({
  name: 'grep',
  kind: 'read',
  description: GREP_DESCRIPTION,
  parameters: {
    type: 'object',
    properties: {
      pattern: { type: 'string', description: 'Regular expression.' },
      path: {
        type: ['string', 'null'],
        description: 'File or directory to search, relative to the workspace root; null for the root.',
      },
    },
    required: ['pattern', 'path'],
    additionalProperties: false,
  },
  async prepare(args, ctx) {
    if (args.pattern === '') return { ok: false, error: 'grep: pattern is empty' };
    const r = resolveToolPath(ctx.ws, args.path ?? '.', 'read');
    if (!r.ok) return { ok: false, error: `grep: ${r.error}` };
    return {
      ok: true,
      subject: { kind: 'read', summary: `grep ${args.pattern} in ${r.display}`, paths: [r.path] },
      touches: [r.path],
    };
  },
  async execute(args, ctx, opts) {
    const r = resolveToolPath(ctx.ws, args.path ?? '.', 'read');
    if (!r.ok) return { status: 'error', output: `grep: ${r.error}` };
    try {
      statSync(r.path);
    } catch {
      return { status: 'error', output: `grep: ${args.path} does not exist` };
    }
    if (hasRipgrep()) {
      const target = displayPath(ctx.ws, r.path);
      const res = await runProcess({
        file: 'rg',
        args: [
          '--line-number',
          '--with-filename',
          '--no-heading',
          '--color',
          'never',
          '--hidden',
          '--no-require-git',
          '--glob',
          '!.git',
          '--max-columns',
          String(MAX_MATCH_LINE),
          '--max-columns-preview',
          '-e',
          args.pattern,
          ...(target === '.' ? [] : ['--', target]),
        ],
        cwd: ctx.ws.root,
        env: { PATH: ctx.env['PATH'] ?? '/usr/bin:/bin', HOME: ctx.env['HOME'] ?? '/' },
        timeoutMs: RG_TIMEOUT_MS,
        inactivityTimeoutMs: RG_TIMEOUT_MS,
        maxChars: ctx.settings.toolOutputMaxChars,
        spillDir: ctx.spillDir,
        toolName: 'grep',
        signal: opts.signal,
        clock: ctx.clock,
        drainMs: 100,
      });
      if (res.end === 'aborted') return { status: 'aborted', output: 'aborted' };
      if (res.end === 'exit' && res.exitCode === 1) return { status: 'ok', output: 'No matches found.' };
      if (res.end !== 'exit' || res.exitCode !== 0) {
        return {
          status: 'error',
          output: `grep failed (ripgrep exit ${res.exitCode ?? res.end}): ${res.output.trim() || res.error || ''}`,
        };
      }
      const outcome = {
        status: 'ok' as const,
        output: res.output.replace(/\n$/, ''),
        selfTruncated: true,
        truncated: res.truncated,
      };
      return res.spillPath ? { ...outcome, spillPath: res.spillPath } : outcome;
    }
    let re: RegExp;
    try {
      re = new RegExp(args.pattern);
    } catch (err) {
      return { status: 'error', output: `grep: invalid regular expression: ${(err as Error).message}` };
    }
    const { lines, more } = grepNode(r.path, re, ctx.ws.root, MAX_GREP_MATCHES, opts.signal);
    if (lines.length === 0) return { status: 'ok', output: 'No matches found.' };
    if (more) lines.push(`[more than ${MAX_GREP_MATCHES} matches; narrow the pattern or path]`);
    return { status: 'ok', output: lines.join('\n') };
  },
});

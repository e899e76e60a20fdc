/**
 * `grep`: ripgrep when installed, a Node fallback otherwise; both honour .gitignore, neither
 * follows a symlink out of the workspace, and a directory search skips dotenv files (`.env`,
 * `.env.local`… but not templates such as `.env.example`): the model must name one, which
 * needs the user's approval (issue 13 §7).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, lstatSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { DOTENV_TEMPLATE_SUFFIXES, isDotenvName, isDotenvPath } from '../../policy/sensitive-paths.js';
import { defineTool } from '../define-tool.js';
import { GREP_DESCRIPTION } from '../descriptions/files.js';
import { runProcess } from '../exec/run-process.js';
import { walkFiles } from '../fs/walk.js';
import { displayPath, isSubpath, pathsOf, resolveToolPath } from '../fs/workspace.js';

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

/**
 * ripgrep `--iglob` exclusions for dotenv names that keep the templates searchable: ripgrep
 * has no "except", and one positive glob would turn the list into a whitelist, so the
 * complement of the template names `.env.<suffix>` is spelled out over their prefix tree
 * (`.env.[!des…]*`, `.env.e`, `.env.e[!x]*`, …, `.env.example?*`). Longer templates such as
 * `.env.local.sample` are skipped too (conservative; the Node fallback searches them).
 */
export function dotenvExcludeGlobs(): string[] {
  const words = [...DOTENV_TEMPLATE_SUFFIXES];
  // `.env.`, `.env ` and the like fold to `.env` on case-insensitive file systems (see foldName).
  const globs = ['!.env', '!.env.', '!.env *', '!.env..*'];
  const walk = (prefix: string) => {
    const next = [
      ...new Set(
        words
          .filter((w) => w.startsWith(prefix) && w.length > prefix.length)
          .map((w) => w[prefix.length] as string),
      ),
    ].sort();
    if (next.length > 0) globs.push(`!.env.${prefix}[!${next.join('')}]*`);
    if (prefix !== '' && !words.includes(prefix)) globs.push(`!.env.${prefix}`);
    if (words.includes(prefix)) globs.push(`!.env.${prefix}?*`);
    for (const c of next) walk(prefix + c);
  };
  walk('');
  return globs.flatMap((g) => ['--iglob', g]);
}

/** Whether a walked file (path relative to the search root) lies in or is a dotenv entry. */
function underDotenv(rel: string): boolean {
  return rel.split('/').some((seg) => isDotenvName(seg));
}

/**
 * Whether a walked entry may be read: a symlink must resolve inside `roots` (a dangling or
 * outward link is skipped) and not to a dotenv file.
 */
function linkAllowed(abs: string, roots: readonly string[]): boolean {
  try {
    if (!lstatSync(abs).isSymbolicLink()) return true;
    const real = realpathSync(abs);
    return roots.some((r) => isSubpath(r, real)) && !isDotenvPath(real);
  } catch {
    return false;
  }
}

/**
 * Node fallback: `rel:line:text` lines for `re` under `target` (file or directory). In a
 * directory search, symlinks that resolve outside `roots` (default: `labelRoot`) and dotenv
 * files are skipped; a file named as `target` is searched (the caller confined it).
 */
export function grepNode(
  target: string,
  re: RegExp,
  labelRoot: string,
  limit = MAX_GREP_MATCHES,
  signal?: AbortSignal,
  roots: readonly string[] = [labelRoot],
): { lines: string[]; more: boolean } {
  const lines: string[] = [];
  let more = false;
  const isDir = statSync(target).isDirectory();
  const files = isDir
    ? walkFiles(target, signal ? { signal } : {})
    : [{ rel: relative(labelRoot, target), abs: target }][Symbol.iterator]();
  for (const f of files) {
    if (isDir && (underDotenv(f.rel) || !linkAllowed(f.abs, roots))) continue;
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
      touches: pathsOf(r),
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
          ...dotenvExcludeGlobs(),
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
    const { lines, more } = grepNode(
      r.path,
      re,
      ctx.ws.root,
      MAX_GREP_MATCHES,
      opts.signal,
      ctx.ws.readableRoots,
    );
    if (lines.length === 0) return { status: 'ok', output: 'No matches found.' };
    if (more) lines.push(`[more than ${MAX_GREP_MATCHES} matches; narrow the pattern or path]`);
    return { status: 'ok', output: lines.join('\n') };
  },
});

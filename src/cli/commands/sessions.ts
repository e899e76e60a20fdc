/**
 * `tether sessions [--all] [--search <text>] [--json]`: saved sessions, newest first. By default
 * only the current directory's sessions are shown, and the output says how many a filter hides.
 */
import { homedir } from 'node:os';
import { listSessions } from '../../store/list.js';
import type { SessionSummary } from '../../store/summary.js';
import { exitCodeOf, formatError } from '../../util/errors.js';
import { EXIT } from '../../util/exit-codes.js';
import { visibleLine } from '../../util/visible-text.js';

/** Options of {@link runSessionsCommand} (the first five are what `program.ts` passes). */
export interface SessionsCommandOptions {
  all: boolean;
  search?: string;
  json?: boolean;
  cwd: string;
  stdout: NodeJS.WritableStream;
  /** Wall-clock now (ms since epoch) for ages; default `Date.now()`. */
  now?: number;
  /** Session folder; default `sessionsDir()` (honours TETHER_HOME). */
  dir?: string;
  /** Output width in columns; default the terminal's, else 100. */
  columns?: number;
}

/** "42s", "5m", "3h", "2d", "7w" (age in the largest fitting unit). */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 14) return `${d}d`;
  return `${Math.floor(d / 7)}w`;
}

function shortPath(path: string, max: number): string {
  const home = homedir();
  const p = home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
  return p.length > max ? `…${p.slice(p.length - max + 1)}` : p;
}

function clipText(text: string, width: number): string {
  if (width <= 1) return '';
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function jsonRow(s: SessionSummary) {
  return {
    id: s.session_id,
    title: s.title,
    cwd: s.cwd,
    turns: s.turns,
    created_at: s.created_at,
    updated_at: s.updated_at,
    model: s.model,
    git_branch: s.git_branch,
    last_answer: s.last_answer,
  };
}

function hiddenNotice(hidden: number, searching: boolean): string {
  const noun = hidden === 1 ? 'session' : 'sessions';
  return `${hidden} more ${searching ? 'matching ' : ''}${noun} in other directories; use --all`;
}

function table(sessions: SessionSummary[], opts: SessionsCommandOptions, now: number): string[] {
  const columns = opts.columns ?? (process.stdout.isTTY ? process.stdout.columns : undefined) ?? 100;
  const showDir = opts.all;
  const idW = Math.max(2, ...sessions.map((s) => visibleLine(s.session_id).length));
  const dirW = showDir ? Math.min(32, Math.max(3, ...sessions.map((s) => shortPath(s.cwd, 32).length))) : 0;
  const head = [`${'ID'.padEnd(idW)}`, 'AGE'.padStart(4), 'TURNS'];
  if (showDir) head.push('DIR'.padEnd(dirW));
  head.push('TITLE');
  const lines = [head.join('  ')];
  for (const s of sessions) {
    const updated = Date.parse(s.updated_at || s.created_at);
    const age = Number.isNaN(updated) ? '?' : formatAge(now - updated);
    // Titles, ids and paths come from files (a hostile session file too): escaped, never interpreted.
    const cells = [visibleLine(s.session_id).padEnd(idW), age.padStart(4), String(s.turns).padStart(5)];
    if (showDir) cells.push(visibleLine(shortPath(s.cwd || '?', dirW)).padEnd(dirW));
    const used = cells.join('  ').length + 2;
    cells.push(clipText(visibleLine(s.title || '(no prompt)'), Math.max(10, columns - used)));
    lines.push(cells.join('  '));
  }
  return lines;
}

/** Runs `tether sessions`; returns the exit code. */
export async function runSessionsCommand(opts: SessionsCommandOptions): Promise<number> {
  try {
    const listing = listSessions({
      cwd: opts.cwd,
      all: opts.all,
      ...(opts.search !== undefined ? { search: opts.search } : {}),
      ...(opts.dir !== undefined ? { dir: opts.dir } : {}),
    });
    const searching = (opts.search ?? '').trim() !== '';
    if (opts.json) {
      const body = { sessions: listing.sessions.map(jsonRow), hidden_other_dirs: listing.hiddenOtherDirs };
      opts.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      return EXIT.success;
    }
    const out: string[] = [];
    if (listing.sessions.length === 0) {
      const where = opts.all ? '' : ` in ${shortPath(opts.cwd, 60)}`;
      out.push(
        searching ? `No sessions match "${opts.search?.trim()}"${where}.` : `No sessions${where} yet.`,
      );
    } else {
      out.push(...table(listing.sessions, opts, opts.now ?? Date.now()));
    }
    if (listing.hiddenOtherDirs > 0) out.push(hiddenNotice(listing.hiddenOtherDirs, searching));
    if (listing.sessions.length > 0) out.push('Resume one with: tether --resume <id>');
    opts.stdout.write(`${out.join('\n')}\n`);
    return EXIT.success;
  } catch (err) {
    process.stderr.write(`${formatError(err)}\n`);
    return exitCodeOf(err);
  }
}

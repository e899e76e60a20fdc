/**
 * Listing and finding sessions from their summary files. A summary whose recorded size differs
 * from its log (written by a process that died before updating it, or by an older tether) is
 * rebuilt from the log, so the list is never wrong, only occasionally slower.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { TetherError } from '../util/errors.js';
import { EXIT } from '../util/exit-codes.js';
import { sessionsDir } from '../util/paths.js';
import { writeFileAtomic } from './append-log.js';
import { loadSessionFile } from './session-loader.js';
import { listSessionIds, sessionLogPath, sessionSummaryPath } from './session-paths.js';
import { isSessionSummary, neverAnswered, type SessionSummary } from './summary.js';

function readSummaryFile(path: string): SessionSummary | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isSessionSummary(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The up-to-date summary of one session, or undefined when its log vanished or is unreadable. */
export function readSummary(id: string, dir: string = sessionsDir()): SessionSummary | undefined {
  let size: number;
  try {
    size = statSync(sessionLogPath(id, dir)).size;
  } catch {
    return undefined;
  }
  const cached = readSummaryFile(sessionSummaryPath(id, dir));
  if (cached && cached.bytes === size && cached.session_id === id) return cached;
  try {
    const loaded = loadSessionFile(sessionLogPath(id, dir));
    const fresh = { ...loaded.summary, session_id: id };
    try {
      writeFileAtomic(sessionSummaryPath(id, dir), `${JSON.stringify(fresh)}\n`);
    } catch {
      /* read-only store: list from the log every time */
    }
    return fresh;
  } catch {
    return undefined;
  }
}

/** Every session's summary, newest first (by last activity, then id). */
export function readAllSummaries(dir: string = sessionsDir()): SessionSummary[] {
  const out: SessionSummary[] = [];
  for (const id of listSessionIds(dir)) {
    const s = readSummary(id, dir);
    if (s) out.push(s);
  }
  return out.sort(
    (a, b) =>
      (b.updated_at || b.created_at).localeCompare(a.updated_at || a.created_at) ||
      b.session_id.localeCompare(a.session_id),
  );
}

/** A predicate for "this session belongs to directory `cwd`" (symlinked paths included). */
export function sameDirectory(cwd: string): (sessionCwd: string) => boolean {
  const forms = new Set([resolve(cwd)]);
  try {
    forms.add(realpathSync(cwd));
  } catch {
    /* a directory that no longer exists still matches by its resolved path */
  }
  return (sessionCwd) => sessionCwd !== '' && forms.has(resolve(sessionCwd));
}

/** Lowercased search terms; a session matches when every term occurs in its prompts or answers. */
function searchTerms(search: string): string[] {
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t !== '');
}

/**
 * Full-text match over prompts and answers. The raw log is checked first (cheap: a term absent
 * from the file cannot be in a prompt), then the parsed texts.
 */
function matchesSearch(id: string, dir: string, terms: string[]): boolean {
  if (terms.length === 0) return true;
  let raw: string;
  try {
    raw = readFileSync(sessionLogPath(id, dir), 'utf8').toLowerCase();
  } catch {
    return false;
  }
  if (!terms.every((t) => raw.includes(JSON.stringify(t).slice(1, -1)))) return false;
  try {
    const loaded = loadSessionFile(sessionLogPath(id, dir));
    const text = [...loaded.prompts, ...loaded.answers].join('\n').toLowerCase();
    return terms.every((t) => text.includes(t));
  } catch {
    return false;
  }
}

/** Options of {@link listSessions}. */
export interface ListOptions {
  cwd: string;
  /** Include sessions of every directory (default: only those of `cwd`). */
  all: boolean;
  /** Full-text search over prompts and answers (all words must occur, case-insensitive). */
  search?: string;
  dir?: string;
}

/** Result of {@link listSessions}. */
export interface SessionListing {
  /** Matching sessions, newest first. */
  sessions: SessionSummary[];
  /** Sessions that match the search but are hidden because they belong to other directories. */
  hiddenOtherDirs: number;
}

/** Lists sessions for `tether sessions` (and the TUI picker). */
export function listSessions(opts: ListOptions): SessionListing {
  const dir = opts.dir ?? sessionsDir();
  const inCwd = sameDirectory(opts.cwd);
  const terms = searchTerms(opts.search ?? '');
  const sessions: SessionSummary[] = [];
  let hiddenOtherDirs = 0;
  for (const s of readAllSummaries(dir)) {
    // A session whose runs never reached the model (refused key, server down) is not worth resuming.
    if (neverAnswered(s)) continue;
    if (!matchesSearch(s.session_id, dir, terms)) continue;
    if (opts.all || inCwd(s.cwd)) sessions.push(s);
    else hiddenOtherDirs++;
  }
  return { sessions, hiddenOtherDirs };
}

/** The id of the most recent session of `cwd` (`--continue`); exit 2 when there is none. */
export function findLatestSession(cwd: string, dir: string = sessionsDir()): string {
  const inCwd = sameDirectory(cwd);
  const latest = readAllSummaries(dir).find((s) => inCwd(s.cwd));
  if (!latest) {
    throw new TetherError(
      `no session to continue in ${cwd} (list others with: tether sessions --all)`,
      EXIT.usage,
      'session_not_found',
    );
  }
  return latest.session_id;
}

/**
 * Resolves `--resume <id>`: an exact id, else a unique prefix, else a unique substring (e.g.
 * the random suffix). Unknown or ambiguous ids are a one-line error (exit 2).
 */
export function resolveSession(idOrPrefix: string, dir: string = sessionsDir()): string {
  const query = idOrPrefix.trim();
  const ids = listSessionIds(dir).sort().reverse();
  if (query !== '') {
    if (ids.includes(query)) return query;
    for (const match of [(id: string) => id.startsWith(query), (id: string) => id.includes(query)]) {
      const hits = ids.filter(match);
      if (hits.length === 1) return hits[0]!;
      if (hits.length > 1) {
        const shown = hits.slice(0, 3).join(', ');
        throw new TetherError(
          `session id "${query}" is ambiguous: ${hits.length} sessions match (${shown}${hits.length > 3 ? ', …' : ''})`,
          EXIT.usage,
          'session_ambiguous',
        );
      }
    }
  }
  throw new TetherError(
    `no session matches "${query}" (list them with: tether sessions --all)`,
    EXIT.usage,
    'session_not_found',
  );
}

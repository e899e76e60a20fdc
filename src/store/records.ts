/**
 * The session file format: one JSON record per line, append-only. The first record is
 * `session_meta`; every later record has a `type` and a `ts` (ISO time). Field names are
 * snake_case because the file is read by scripts as well as by tether.
 *
 * `parseRecord` validates a decoded line; anything that does not match is reported as garbled
 * (never thrown), so a torn or hand-edited file still loads.
 */
import type { LedgerEntry } from '../agent/events.js';
import type { Item } from '../protocol/items.js';
import type { UsageTotals } from '../protocol/usage.js';
import type { SessionStatusEvent, TurnMetrics } from '../session/types.js';

/** Bumped on incompatible format changes; loaders accept any version ≤ this one. */
export const SCHEMA_VERSION = 1;

/** First line of every session file: who, where and with what the session was created. */
export interface SessionMetaRecord {
  type: 'session_meta';
  schema_version: number;
  session_id: string;
  /** ISO-8601 UTC. */
  created_at: string;
  cwd: string;
  model: string;
  /** `null` outside a git repository (or when git is missing). */
  git_branch: string | null;
  tether_version: string;
}

/** A conversation item: inputs before a model call, outputs after it completed. */
export interface ItemRecord {
  type: 'item';
  ts: string;
  direction: 'input' | 'output';
  item: Item;
}

/** A side-effect ledger state change (written `running` before the tool runs). */
export interface LedgerRecord {
  type: 'ledger';
  ts: string;
  entry: LedgerEntry;
}

/** A user prompt as typed (the first one is the session title). */
export interface PromptRecord {
  type: 'prompt';
  ts: string;
  turn_id: string;
  text: string;
}

/** Token usage of one model call (`usage`) and the session's running total (`total`). */
export interface UsageRecord {
  type: 'usage';
  ts: string;
  turn_id: string;
  usage: UsageTotals;
  total: UsageTotals;
  metrics: TurnMetrics;
}

/** A connection event (connect, warm-up, rotation, reconnect, fallback…). */
export interface TransportRecord {
  type: 'transport';
  ts: string;
  event: SessionStatusEvent;
}

/**
 * A compaction. `window` (when present) is the compacted context returned by
 * `POST /responses/compact`: on load the context restarts from it, followed by later items.
 */
export interface CompactionRecord {
  type: 'compaction';
  ts: string;
  tokens_before: number;
  tokens_after: number;
  auto: boolean;
  window?: Item[];
  /**
   * `server` when the model emitted a compaction item during generation (`context_management`):
   * tokens_before is the input of that response, tokens_after the input of the next one.
   */
  source?: 'client' | 'server';
  /** tokens_after is estimated from the window's size (the session ended before another call). */
  estimated?: boolean;
}

/** How one model call ended. */
export interface TurnEndRecord {
  type: 'turn_end';
  ts: string;
  turn_id: string;
  status: 'completed' | 'incomplete' | 'failed' | 'cancelled';
  error?: string;
}

/** How a run (one prompt, in `--prompt` mode) ended, with its final answer. */
export interface RunEndRecord {
  type: 'run_end';
  ts: string;
  status: 'success' | 'failed' | 'cancelled';
  terminal_reason: string;
  /** The final answer of the run. */
  result: string;
  num_turns: number;
  duration_ms: number;
  exit_code: number;
  usage: UsageTotals;
}

/** Appended when a process picks the session up again (`--resume` / `--continue`). */
export interface ResumedRecord {
  type: 'resumed';
  ts: string;
  model: string;
  cwd: string;
  tether_version: string;
}

/** A warning or error shown to the user. */
export interface NoteRecord {
  type: 'note';
  ts: string;
  level: 'warning' | 'error';
  message: string;
  code?: string;
}

/** Every record after the first. */
export type BodyRecord =
  | ItemRecord
  | LedgerRecord
  | PromptRecord
  | UsageRecord
  | TransportRecord
  | CompactionRecord
  | TurnEndRecord
  | RunEndRecord
  | ResumedRecord
  | NoteRecord;

/** Any line of a session file. */
export type SessionRecord = SessionMetaRecord | BodyRecord;

/** Result of validating one decoded line. */
export type ParsedRecord =
  | { ok: true; record: SessionRecord }
  /** A well-formed record of a type this version does not know (a newer writer); skipped. */
  | { ok: false; reason: 'unknown_type' }
  | { ok: false; reason: 'garbled' };

const LEDGER_STATES = new Set(['running', 'done', 'aborted', 'denied', 'failed']);
const KNOWN_TYPES = new Set([
  'session_meta',
  'item',
  'ledger',
  'prompt',
  'usage',
  'transport',
  'compaction',
  'turn_end',
  'run_end',
  'resumed',
  'note',
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An item is kept verbatim when it is an object with a string `type`. */
export function isItemLike(v: unknown): v is Item {
  return isObject(v) && typeof v['type'] === 'string';
}

function isLedgerEntry(v: unknown): v is LedgerEntry {
  return (
    isObject(v) &&
    typeof v['callId'] === 'string' &&
    typeof v['name'] === 'string' &&
    typeof v['state'] === 'string' &&
    LEDGER_STATES.has(v['state']) &&
    (v['output'] === undefined || typeof v['output'] === 'string')
  );
}

const str = (v: unknown): v is string => typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks the fields tether relies on for each record type (extra fields are allowed). */
function validBody(r: Record<string, unknown>): boolean {
  switch (r['type']) {
    case 'session_meta':
      return str(r['session_id']) && num(r['schema_version']) && str(r['cwd']);
    case 'item':
      return (r['direction'] === 'input' || r['direction'] === 'output') && isItemLike(r['item']);
    case 'ledger':
      return isLedgerEntry(r['entry']);
    case 'prompt':
      return str(r['text']);
    case 'usage':
      return isObject(r['usage']) && isObject(r['total']);
    case 'transport':
      return isObject(r['event']) && str(r['event']['type']);
    case 'compaction':
      return (
        num(r['tokens_before']) &&
        num(r['tokens_after']) &&
        (r['window'] === undefined || (Array.isArray(r['window']) && r['window'].every(isItemLike)))
      );
    case 'turn_end':
      return str(r['status']);
    case 'run_end':
      return str(r['status']) && str(r['result']);
    case 'resumed':
      return str(r['model']) && str(r['cwd']);
    case 'note':
      return str(r['message']);
    default:
      return false;
  }
}

/** Fills optional meta fields with safe defaults (older or hand-edited files). */
function normalizeMeta(r: Record<string, unknown>): SessionMetaRecord {
  const opt = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    ...(r as object),
    type: 'session_meta',
    schema_version: r['schema_version'] as number,
    session_id: r['session_id'] as string,
    created_at: opt(r['created_at']),
    cwd: r['cwd'] as string,
    model: opt(r['model']),
    git_branch: typeof r['git_branch'] === 'string' ? r['git_branch'] : null,
    tether_version: opt(r['tether_version']),
  };
}

/** Validates one line of a session file. Never throws. */
export function parseRecord(line: string): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'garbled' };
  }
  if (!isObject(value) || typeof value['type'] !== 'string') return { ok: false, reason: 'garbled' };
  if (!KNOWN_TYPES.has(value['type'])) return { ok: false, reason: 'unknown_type' };
  if (!validBody(value)) return { ok: false, reason: 'garbled' };
  if (value['type'] === 'session_meta') return { ok: true, record: normalizeMeta(value) };
  return { ok: true, record: value as unknown as SessionRecord };
}

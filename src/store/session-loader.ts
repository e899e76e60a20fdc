/**
 * Reads a session file back into the context the agent needs to continue. Tolerant by design:
 * a torn last line (the process died mid-write) and garbled lines anywhere are skipped and
 * counted; parsing never throws.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { LedgerEntry } from '../agent/events.js';
import type { Item } from '../protocol/items.js';
import type { UsageTotals } from '../protocol/usage.js';
import { TetherError } from '../util/errors.js';
import { EXIT } from '../util/exit-codes.js';
import { blobDirFor, internalizeImages } from './image-blobs.js';
import type { CompactionRecord, SessionMetaRecord } from './records.js';
import { parseRecord, SCHEMA_VERSION } from './records.js';
import { type SessionSummary, SummaryBuilder } from './summary.js';

/** What the loader skipped, for diagnostics and the fuzz tests. */
export interface LoadStats {
  /** Records accepted. */
  records: number;
  /** Lines that were not valid records (torn tail excluded). */
  skipped: number;
  /** Well-formed records of an unknown type (from a newer tether), ignored. */
  unknown: number;
  /** The last line was incomplete (no trailing newline and not parseable). */
  tornTail: boolean;
}

/** A session file read back (see {@link parseSessionText}). */
export interface LoadedSession {
  /** The session_meta record (synthesized from the file name when it was unreadable). */
  meta: SessionMetaRecord;
  metaMissing: boolean;
  /**
   * The context to send on resume: every item in order, restarted at the latest compaction
   * (a `compaction` record's window, or a server-emitted `compaction` output item).
   */
  items: Item[];
  /** Every item ever recorded, in order (the full transcript, for display). */
  allItems: Item[];
  /** Latest state of each tool call, in first-seen order. */
  ledger: LedgerEntry[];
  /** Ledger entries still `running`: calls interrupted by a crash (answer them; never re-run). */
  interrupted: LedgerEntry[];
  /** First line of the first prompt. */
  title: string;
  prompts: string[];
  answers: string[];
  /** User prompts. */
  turns: number;
  lastAnswer: string | undefined;
  compactions: CompactionRecord[];
  /** Cumulative usage from the last `usage` record. */
  usage: UsageTotals | undefined;
  summary: SessionSummary;
  stats: LoadStats;
}

/** Parses the text of a session file. Never throws. `idHint` names the session if meta is lost. */
export function parseSessionText(
  text: string,
  idHint: string,
  bytes = Buffer.byteLength(text),
): LoadedSession {
  const stats: LoadStats = { records: 0, skipped: 0, unknown: 0, tornTail: false };
  let meta: SessionMetaRecord | undefined;
  const builder = new SummaryBuilder(idHint);
  let context: Item[] = [];
  const allItems: Item[] = [];
  const ledger = new Map<string, LedgerEntry>();
  const compactions: CompactionRecord[] = [];
  let usage: UsageTotals | undefined;

  const lines = text.split('\n');
  const last = lines.length - 1;
  for (let i = 0; i <= last; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const parsed = parseRecord(line);
    if (!parsed.ok) {
      if (parsed.reason === 'unknown_type') stats.unknown++;
      // Only the segment after the final newline can be a torn write.
      else if (i === last) stats.tornTail = true;
      else stats.skipped++;
      continue;
    }
    const r = parsed.record;
    stats.records++;
    if (r.type === 'session_meta') {
      // A second meta (e.g. a file concatenated by hand) does not reset the session.
      if (meta) continue;
      meta = r;
      builder.add(r);
      continue;
    }
    builder.add(r);
    switch (r.type) {
      case 'item': {
        allItems.push(r.item);
        // A compaction item the server emitted during generation (`context_management`):
        // stateless continuation may drop everything before it (PROTOCOL.md §6.1), which keeps
        // a resumed context inside the model's window. Input items (a `/responses/compact`
        // window being re-sent) are kept as-is.
        if (r.direction === 'output' && r.item.type === 'compaction') context = [r.item];
        else context.push(r.item);
        break;
      }
      case 'ledger':
        ledger.set(r.entry.callId, { ...r.entry });
        break;
      case 'compaction':
        compactions.push(r);
        if (r.window) context = [...r.window];
        break;
      case 'usage':
        usage = r.total;
        break;
      case 'prompt':
      case 'transport':
      case 'turn_end':
      case 'run_end':
      case 'resumed':
      case 'note':
        break;
      default: {
        const unreachable: never = r;
        void unreachable;
      }
    }
  }

  const metaMissing = meta === undefined;
  const finalMeta: SessionMetaRecord = meta ?? {
    type: 'session_meta',
    schema_version: SCHEMA_VERSION,
    session_id: idHint,
    created_at: '',
    cwd: '',
    model: '',
    git_branch: null,
    tether_version: '',
  };
  const summary = builder.snapshot(bytes);
  const entries = [...ledger.values()];
  return {
    meta: finalMeta,
    metaMissing,
    items: context,
    allItems,
    ledger: entries,
    interrupted: entries.filter((e) => e.state === 'running'),
    title: summary.title,
    prompts: [...builder.prompts],
    answers: [...builder.answers],
    turns: summary.turns,
    lastAnswer: builder.answers[builder.answers.length - 1],
    compactions,
    usage,
    summary,
    stats,
  };
}

/** Loads a session file; a missing or unreadable file is a one-line error (exit 2). */
export function loadSessionFile(path: string): LoadedSession {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : `unreadable (${code ?? 'error'})`;
    throw new TetherError(`session file ${path} ${why}`, EXIT.usage, 'session_not_found');
  }
  const loaded = parseSessionText(raw.toString('utf8'), basename(path).replace(/\.jsonl$/, ''), raw.length);
  const dir = blobDirFor(path);
  loaded.items = loaded.items.map((item) => internalizeImages(item, dir));
  return loaded;
}

/**
 * SessionWriter: the store's implementation of AgentPersistence. Every conversation item,
 * ledger change and significant agent event becomes one redacted JSONL record.
 *
 * Durability: records are buffered and written + fdatasync'ed on `flush()` (once per model call),
 * so `kill -9` loses at most the turn in flight. A ledger entry going `running` is written
 * through immediately (write-ahead) before the tool runs: after a crash the call is known to be
 * interrupted and is never run twice.
 */
import { existsSync } from 'node:fs';
import type { AgentEvent, AgentPersistence, LedgerEntry } from '../agent/events.js';
import type { Item } from '../protocol/items.js';
import { type Clock, realClock } from '../util/clock.js';
import { newSessionId } from '../util/ids.js';
import { sessionsDir } from '../util/paths.js';
import { VERSION } from '../util/version.js';
import { AppendLog, writeFileAtomic, writeFileAtomicAsync } from './append-log.js';
import { eventRecord } from './event-records.js';
import { gitBranch as readGitBranch } from './git-branch.js';
import { blobDirFor, externalizeImages } from './image-blobs.js';
import type { BodyRecord, SessionMetaRecord, SessionRecord } from './records.js';
import { SCHEMA_VERSION } from './records.js';
import { redactDeep } from './redact-record.js';
import { loadSessionFile } from './session-loader.js';
import { isSafeSessionId, sessionLogPath, sessionSummaryPath } from './session-paths.js';
import { SummaryBuilder } from './summary.js';

/** Buffered characters after which records are written out early (not fsynced), in chars. */
const EARLY_WRITE_CHARS = 1_000_000;

/** Options of {@link SessionWriter}. */
export interface SessionWriterOptions {
  /** Defaults to a new id. An id whose log already exists is appended to (resume). */
  sessionId?: string;
  cwd: string;
  model: string;
  /** Folder for session files (default `sessionsDir()`, which honours TETHER_HOME). */
  dir?: string;
  clock?: Clock;
  /** Reads the git branch of a cwd (injectable for tests). */
  gitBranch?: (cwd: string) => string | null;
  /** Called once per failed disk write (the agent keeps running; default: ignore). */
  onError?: (err: unknown) => void;
}

/** Compaction details including the new context window (from `POST /responses/compact`). */
export interface CompactionInfo {
  tokensBefore: number;
  tokensAfter: number;
  auto: boolean;
  /** The compacted window that replaces the context; later items follow it. */
  window?: Item[];
}

/**
 * Persists one session (and, after `/new` or a `session_started` with another id, the next one)
 * as `<sessionsDir>/<id>.jsonl`. Appends to the file when the id already exists (resume).
 */
export class SessionWriter implements AgentPersistence {
  private id: string;
  private log!: AppendLog;
  private builder!: SummaryBuilder;
  private meta!: SessionMetaRecord;
  /** False until the session has content worth a file (no empty sessions in the list). */
  private hasContent = false;
  /** Settles when every flush so far is on disk (and its summary written). */
  private durable: Promise<void> = Promise.resolve();
  /** `tokensBefore/tokensAfter` of a compaction already recorded through `onCompaction`. */
  private recordedCompaction: string | undefined;
  /** A server-emitted compaction item waiting for its token counts (see trackServerCompaction). */
  private serverCompaction: { before: number | undefined; windowChars: number } | undefined;
  private readonly clock: Clock;
  private readonly dir: string;
  private readonly opts: SessionWriterOptions;

  constructor(opts: SessionWriterOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.dir = opts.dir ?? sessionsDir();
    this.id = opts.sessionId ?? newSessionId(new Date(this.clock.wallNow()));
    this.begin(this.id, opts.model, opts.cwd);
  }

  /** The session id (changes when the agent starts a new session with `/new`). */
  get sessionId(): string {
    return this.id;
  }

  /** Path of the session's JSONL file (it exists once the session has content). */
  get path(): string {
    return this.log.path;
  }

  /** True once the session file exists on disk (a session without content writes no file). */
  get saved(): boolean {
    return this.log.opened || existsSync(this.log.path);
  }

  onItems(items: Item[], direction: 'input' | 'output'): void {
    for (const raw of items) {
      // Images go to `<id>.blobs/` once, by hash; the record references them.
      const item = externalizeImages(raw, blobDirFor(this.log.path));
      this.append({ type: 'item', ts: this.ts(), direction, item });
      if (direction === 'output' && item.type === 'compaction') {
        this.settleServerCompaction();
        this.serverCompaction = { before: undefined, windowChars: 0 };
      }
      if (this.serverCompaction) this.serverCompaction.windowChars += JSON.stringify(item).length;
    }
  }

  onLedger(entry: LedgerEntry): void {
    this.append({ type: 'ledger', ts: this.ts(), entry: { ...entry } });
    // Write-ahead: every state, and above all `running`, reaches the kernel before the side
    // effect starts (a crash or kill -9 of tether cannot lose it, so a call is never re-run);
    // the `running` mark is also fdatasync'ed, off the event loop so the tool is not delayed.
    if (entry.state === 'running') void this.flush().catch(() => undefined);
    else this.writeOut(false);
  }

  onEvent(event: AgentEvent): void {
    if (event.type === 'session_started') {
      if (event.sessionId !== this.id) this.switchTo(event.sessionId, event.model, event.cwd);
      else if (!this.log.opened) this.meta = { ...this.meta, model: event.model || this.meta.model };
      return;
    }
    if (event.type === 'compaction') {
      const key = `${event.tokensBefore}/${event.tokensAfter}`;
      if (this.recordedCompaction === key) {
        this.recordedCompaction = undefined;
        return;
      }
    }
    const record = eventRecord(event, this.ts());
    if (record) this.append(record);
    if (event.type === 'usage') this.trackServerCompaction(event.usage.inputTokens);
  }

  /**
   * A server-side compaction (an output item, no agent event) is recorded once its size is
   * known: the usage of the response that compacted gives the tokens before, the next
   * response's input tokens the tokens after.
   */
  private trackServerCompaction(inputTokens: number): void {
    const pending = this.serverCompaction;
    if (!pending) return;
    if (pending.before === undefined) {
      pending.before = inputTokens;
      return;
    }
    this.recordServerCompaction(pending.before, inputTokens, false);
  }

  private recordServerCompaction(before: number, after: number, estimated: boolean): void {
    this.serverCompaction = undefined;
    this.append({
      type: 'compaction',
      ts: this.ts(),
      tokens_before: before,
      tokens_after: after,
      auto: true,
      source: 'server',
      ...(estimated ? { estimated: true } : {}),
    });
  }

  /**
   * At close, a server compaction whose next response never came is recorded with an estimate
   * of the window (≈4 characters per token of the items from the compaction item on).
   */
  private settleServerCompaction(): void {
    const pending = this.serverCompaction;
    if (pending?.before !== undefined) {
      this.recordServerCompaction(pending.before, Math.ceil(pending.windowChars / 4), true);
    }
  }

  /**
   * Records a compaction with its window, so a resumed session restarts from the window. Call
   * it instead of (or before) emitting the `compaction` event; the event is then not duplicated.
   */
  onCompaction(info: CompactionInfo): void {
    this.recordedCompaction = `${info.tokensBefore}/${info.tokensAfter}`;
    this.append({
      type: 'compaction',
      ts: this.ts(),
      tokens_before: info.tokensBefore,
      tokens_after: info.tokensAfter,
      auto: info.auto,
      source: 'client',
      ...(info.window ? { window: info.window } : {}),
    });
  }

  /**
   * Writes buffered records to the kernel now (a crash or `kill -9` of tether loses nothing
   * flushed), then syncs them to disk and updates the listing summary on Node's thread pool. The
   * returned promise resolves once durable; the agent need not wait for it before its next
   * request, so a per-turn fdatasync never sits on the hot path between two model calls.
   */
  flush(): Promise<void> {
    if (!this.hasContent) return this.durable;
    try {
      this.log.write(false);
    } catch (err) {
      this.opts.onError?.(err);
      return this.durable;
    }
    const summary = `${JSON.stringify(this.builder.snapshot(this.log.bytes))}\n`;
    const summaryPath = sessionSummaryPath(this.id, this.dir);
    const log = this.log;
    // Chained so syncs and summary renames never overlap or land out of order.
    this.durable = this.durable.then(async () => {
      try {
        await log.syncInBackground();
        await writeFileAtomicAsync(summaryPath, summary);
      } catch (err) {
        this.opts.onError?.(err);
      }
    });
    return this.durable;
  }

  /** Synchronous flush for exit paths (signal handlers cannot await). */
  flushSync(): void {
    this.writeOut(true);
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await this.durable;
    this.settleServerCompaction();
    this.writeOut(true);
    this.log.close();
  }

  private begin(id: string, model: string, cwd: string): void {
    if (!isSafeSessionId(id)) throw new Error(`invalid session id: ${JSON.stringify(id)}`);
    this.id = id;
    this.hasContent = false;
    this.serverCompaction = undefined;
    this.builder = new SummaryBuilder(id);
    const path = sessionLogPath(id, this.dir);
    const resuming = existsSync(path);
    this.meta = {
      type: 'session_meta',
      schema_version: SCHEMA_VERSION,
      session_id: id,
      created_at: new Date(this.clock.wallNow()).toISOString(),
      cwd,
      model,
      git_branch: null,
      tether_version: VERSION,
    };
    this.log = new AppendLog(path, () => {
      // The branch is read when the file is created (the first flush), not at start-up: a git
      // process there would delay the first frame of the interactive screen.
      this.meta = { ...this.meta, git_branch: (this.opts.gitBranch ?? readGitBranch)(cwd) };
      const safe = redactDeep(this.meta) as SessionMetaRecord;
      this.builder.add(safe);
      return `${JSON.stringify(safe)}\n`;
    });
    if (resuming) {
      // Continue the same file: seed the summary with what is already there.
      const loaded = loadSessionFile(path);
      if (!loaded.metaMissing) this.builder.add(loaded.meta);
      this.builder.seed({
        prompts: loaded.prompts,
        answers: loaded.answers,
        responses: loaded.summary.responses ?? 0,
        failedRuns: loaded.summary.failed_runs ?? 0,
      });
      this.builder.setModel(model);
      this.hasContent = true;
      this.append({ type: 'resumed', ts: this.ts(), model, cwd, tether_version: VERSION });
    }
  }

  /** `/new` (or a resume of another id) in the same process: finish this file, start the next. */
  private switchTo(id: string, model: string, cwd: string): void {
    this.settleServerCompaction();
    this.writeOut(true);
    this.log.close();
    this.begin(id, model || this.meta.model, cwd || this.meta.cwd);
  }

  private append(record: BodyRecord): void {
    // Redact once, before anything sees the record: the file and the summary get the same text.
    const safe = redactDeep(record) as SessionRecord;
    this.builder.add(safe);
    if (record.type === 'item' || record.type === 'prompt' || record.type === 'ledger')
      this.hasContent = true;
    this.log.push(`${JSON.stringify(safe)}\n`);
    if (this.log.buffered > EARLY_WRITE_CHARS) this.writeOut(false);
  }

  private writeOut(durable: boolean): void {
    if (!this.hasContent) return;
    try {
      this.log.write(durable);
      if (durable) {
        const summary = this.builder.snapshot(this.log.bytes);
        writeFileAtomic(sessionSummaryPath(this.id, this.dir), `${JSON.stringify(summary)}\n`);
      }
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  private ts(): string {
    return new Date(this.clock.wallNow()).toISOString();
  }
}

/** Creates the writer for a new session (or, given an existing id, for appending to it). */
export function createSessionWriter(opts: SessionWriterOptions): SessionWriter {
  return new SessionWriter(opts);
}

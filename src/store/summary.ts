/**
 * A session's summary: what `tether sessions` shows (title, cwd, turns, age) without reading the
 * whole JSONL file. One builder folds records into it, used by both the writer (incrementally)
 * and the loader (when a summary file is missing or stale).
 */
import type { Item } from '../protocol/items.js';
import type { SessionRecord } from './records.js';
import { SCHEMA_VERSION } from './records.js';

/** Characters of the title and last answer kept in a summary. */
const TITLE_MAX_CHARS = 200;
const ANSWER_MAX_CHARS = 400;

/** The `<id>.summary.json` contents: one row of `tether sessions`. */
export interface SessionSummary {
  schema_version: number;
  session_id: string;
  /** ISO-8601 UTC. */
  created_at: string;
  /** ISO-8601 UTC of the last record folded in. */
  updated_at: string;
  cwd: string;
  model: string;
  git_branch: string | null;
  /** First line of the first prompt ('' until there is one). */
  title: string;
  /** User prompts so far. */
  turns: number;
  /** Start of the latest assistant answer. */
  last_answer: string;
  /**
   * Model calls that got a response (completed or incomplete). Absent in summaries written
   * before it existed.
   */
  responses?: number;
  /** Runs that ended failed (with `responses: 0`: the session is left out of listings). */
  failed_runs?: number;
  /** Size of the JSONL file (bytes) this summary describes; a mismatch means it is stale. */
  bytes: number;
}

/**
 * Text of a message item, defensively: items come from disk and may be malformed in any way
 * (a loader boundary must not throw), so nothing about `content` is assumed.
 */
function safeMessageText(item: Item, role: string): string | undefined {
  const r = item as Record<string, unknown>;
  if (r['type'] !== 'message' || r['role'] !== role || !Array.isArray(r['content'])) return undefined;
  let out = '';
  for (const part of r['content'] as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const text = (part as Record<string, unknown>)['text'];
    if (typeof text === 'string') out += text;
  }
  return out;
}

function oneLine(text: string, max: number): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Folds session records into a summary plus the full prompt/answer texts (for search). */
export class SummaryBuilder {
  readonly prompts: string[] = [];
  readonly answers: string[] = [];
  private summary: SessionSummary;
  /** Whether prompt records were seen (otherwise user message items count as prompts). */
  private sawPromptRecord = false;
  private responses = 0;
  private failedRuns = 0;

  constructor(sessionId: string) {
    this.summary = {
      schema_version: SCHEMA_VERSION,
      session_id: sessionId,
      created_at: '',
      updated_at: '',
      cwd: '',
      model: '',
      git_branch: null,
      title: '',
      turns: 0,
      last_answer: '',
      bytes: 0,
    };
  }

  /** Updates the summary with one record (records must come in file order). */
  add(record: SessionRecord): void {
    const s = this.summary;
    if (record.type === 'session_meta') {
      s.session_id = record.session_id;
      s.created_at = record.created_at;
      s.cwd = record.cwd;
      s.model = record.model;
      s.git_branch = record.git_branch;
      if (!s.updated_at) s.updated_at = record.created_at;
      return;
    }
    if (typeof record.ts === 'string') s.updated_at = record.ts;
    switch (record.type) {
      case 'prompt':
        if (!this.sawPromptRecord) this.prompts.length = 0;
        this.sawPromptRecord = true;
        this.prompts.push(record.text);
        break;
      case 'item':
        if (record.direction === 'output') {
          const text = safeMessageText(record.item, 'assistant');
          if (text?.trim()) this.answers.push(text);
        } else if (!this.sawPromptRecord) {
          const text = safeMessageText(record.item, 'user');
          if (text !== undefined) this.prompts.push(text);
        }
        break;
      case 'run_end':
        if (record.status === 'failed') this.failedRuns++;
        if (record.result.trim() && this.answers[this.answers.length - 1] !== record.result) {
          this.answers.push(record.result);
        }
        break;
      case 'resumed':
        if (record.model) s.model = record.model;
        break;
      case 'turn_end':
        if (record.status === 'completed' || record.status === 'incomplete') this.responses++;
        break;
      case 'ledger':
      case 'usage':
      case 'transport':
      case 'compaction':
      case 'note':
        break;
      default: {
        const unreachable: never = record;
        void unreachable;
      }
    }
  }

  /**
   * Seeds a resumed session with what its file already holds, so the new records add to the
   * earlier prompts (turns count across resumes; the title stays the first prompt).
   */
  seed(prev: {
    prompts: readonly string[];
    answers: readonly string[];
    responses: number;
    failedRuns: number;
  }): void {
    this.prompts.push(...prev.prompts);
    this.answers.push(...prev.answers);
    this.responses += prev.responses;
    this.failedRuns += prev.failedRuns;
    // The earlier prompts stand: later prompt records add to them instead of replacing them.
    if (prev.prompts.length > 0) this.sawPromptRecord = true;
  }

  /** Sets the model when the meta record did not carry it. */
  setModel(model: string): void {
    if (!this.summary.model) this.summary.model = model;
  }

  /** The summary as of now, for a file of `bytes` bytes. */
  snapshot(bytes: number): SessionSummary {
    const s = this.summary;
    return {
      ...s,
      title: oneLine(this.prompts[0] ?? '', TITLE_MAX_CHARS),
      turns: this.prompts.length,
      last_answer: oneLine(this.answers[this.answers.length - 1] ?? '', ANSWER_MAX_CHARS),
      responses: this.responses,
      failed_runs: this.failedRuns,
      bytes,
    };
  }
}

/**
 * A session whose runs all failed before the model answered anything (refused key, server
 * down, not a Responses API): nothing to resume, so listings leave it out. A session that merely
 * stopped (killed mid-turn) has no failed run and stays listed.
 */
export function neverAnswered(s: SessionSummary): boolean {
  return s.responses === 0 && (s.failed_runs ?? 0) > 0;
}

/** Validates a parsed summary file (anything else is treated as missing). */
export function isSessionSummary(v: unknown): v is SessionSummary {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r['session_id'] === 'string' &&
    typeof r['created_at'] === 'string' &&
    typeof r['updated_at'] === 'string' &&
    typeof r['cwd'] === 'string' &&
    typeof r['title'] === 'string' &&
    typeof r['turns'] === 'number' &&
    typeof r['bytes'] === 'number' &&
    typeof r['last_answer'] === 'string' &&
    typeof r['model'] === 'string'
  );
}

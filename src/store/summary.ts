/**
 * A session's summary: what `tether sessions` shows (title, cwd, turns, age) without reading the
 * whole JSONL file. One builder folds records into it, used by both the writer (incrementally)
 * and the loader (when a summary file is missing or stale).
 */
import { isMessage, messageText } from '../protocol/items.js';
import type { SessionRecord } from './records.js';
import { SCHEMA_VERSION } from './records.js';

/** Characters of the title and last answer kept in a summary. */
const TITLE_MAX_CHARS = 200;
const ANSWER_MAX_CHARS = 400;

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
  /** Size of the JSONL file (bytes) this summary describes; a mismatch means it is stale. */
  bytes: number;
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
        if (!isMessage(record.item)) break;
        if (record.direction === 'output' && record.item.role === 'assistant') {
          const text = messageText(record.item);
          if (text.trim()) this.answers.push(text);
        } else if (record.direction === 'input' && record.item.role === 'user') {
          if (!this.sawPromptRecord) this.prompts.push(messageText(record.item));
        }
        break;
      case 'run_end':
        if (record.result.trim() && this.answers[this.answers.length - 1] !== record.result) {
          this.answers.push(record.result);
        }
        break;
      case 'resumed':
        if (record.model) s.model = record.model;
        break;
      case 'ledger':
      case 'usage':
      case 'transport':
      case 'compaction':
      case 'turn_end':
      case 'note':
        break;
      default: {
        const unreachable: never = record;
        void unreachable;
      }
    }
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
      bytes,
    };
  }
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

/**
 * The scenario language of the scripted model (documented in `src/simulator/README.md`).
 * A scenario is a list of turns; a turn is a list of steps; each step is one response.
 */
import type { FaultSpec } from './faults.js';

/** A generic tool call. `tool` is mapped onto whatever tools the client declared (tool-mapping.ts). */
export interface CallSpec {
  /** `shell`, `apply_patch`, `read_file`, `list_dir`, … or any declared tool name. */
  tool: string;
  /** Arguments in our canonical names (`command`, `patch`, `path`, …); strings accept templates. */
  args?: Record<string, unknown>;
  /**
   * Raw freeform input: the call is emitted as a `custom_tool_call` named `tool` with this
   * `input` (streamed with `response.custom_tool_call_input.delta/done`), declared or not.
   */
  input?: string;
}

/** Generated text instead of a literal (e.g. a ~200k-char markdown answer for benchmarks). */
export interface GeneratedText {
  generate: 'markdown';
  /** Approximate length in characters. */
  chars: number;
}

/** One hosted web search of a scripted response. */
export interface WebSearchSpec {
  query: string;
  /** `failed` to script a search the service could not complete. */
  status?: 'completed' | 'failed';
}

/** A condition on the input of a step: the outputs of the previous tool calls or the user's message. */
export interface Condition {
  /** Case-insensitive substring of the previous batch's tool outputs (joined). */
  output?: string;
  /** The previous batch's outputs must NOT contain this substring. */
  outputLacks?: string;
  /** Case-insensitive substring of the user's message that started the turn. */
  user?: string;
  /**
   * True: the user denied a call of the previous batch (its output is a client's denial
   * notice); false: none was denied.
   */
  denied?: boolean;
}

/** What one response contains. Items are emitted in this order: reasoning, message, calls. */
export interface StepBody {
  /** Reasoning summary paragraphs (each becomes one summary part of a reasoning item). */
  reasoning?: string | string[];
  /** Assistant message text (markdown). */
  say?: string | GeneratedText;
  /** Shorthand for one call. */
  call?: CallSpec;
  /** Calls emitted in one response (parallel tool calls). */
  calls?: CallSpec[];
  /**
   * Hosted web searches run before the message (`web_search_call` items), emitted only when the
   * request declares the `web_search` tool, as a real model can only search when offered it.
   */
  search?: WebSearchSpec | WebSearchSpec[];
  /** `url_citation` annotations on the message text (`quote`: the cited span, default the whole text). */
  citations?: Array<{ url: string; title?: string; quote?: string }>;
  /** End with `response.failed` carrying this error. */
  fail?: { code: string; message: string };
  /** End with `response.incomplete` and this reason (after emitting the body). */
  incomplete?: 'max_output_tokens' | 'content_filter';
  /** Label of the step to continue with after this one (default: the next step). */
  next?: string;
}

/** One step: a body, or branches whose first matching `if` (or the one without `if`) wins. */
export interface ScenarioStep extends StepBody {
  /** Label for `next`. */
  id?: string;
  /** Expands into this many copies at load time; `{{i}}` is the 1-based copy number. */
  repeat?: number;
  branches?: Array<{ if?: Condition } & StepBody>;
}

/** Steps answering one user message. */
export interface ScenarioTurn {
  /** Selects this turn when the user's message contains the text (otherwise turns go by position). */
  when?: { user?: string };
  steps: ScenarioStep[];
}

/** A whole script. */
export interface Scenario {
  name: string;
  description?: string;
  turns: ScenarioTurn[];
  /** Faults that apply while this scenario is active (in addition to the server's). */
  faults?: FaultSpec;
  /** Characters per text delta (default 24). */
  chunkChars?: number;
  /** Put `encrypted_content` on reasoning items even when `include` does not ask for it. */
  alwaysEncryptReasoning?: boolean;
  /** Answer used when the conversation runs past the script. */
  fallback?: string;
}

/**
 * The conversation as the server reconstructs it: input normalisation (string input, easy
 * messages without `type`), the service's request validation (call/output pairing, opaque blobs),
 * and the analysis the scripted model reads (which user message, which tool batches so far).
 */
import { openBlob } from './blobs.js';

/** A conversation item as it travels on the wire. */
export type WireItem = { type: string; [key: string]: unknown };

/** An API error as the simulator answers it (HTTP body or wrapped WS `error` event). */
export interface ApiError {
  status: number;
  type: string;
  code: string | null;
  message: string;
  param: string | null;
  headers?: Record<string, string>;
}

/** A 400 `invalid_request_error`. */
export function invalidRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): ApiError {
  return { status: 400, type: 'invalid_request_error', code, message, param };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const CALL_TYPES = new Set([
  'function_call',
  'custom_tool_call',
  'local_shell_call',
  'shell_call',
  'apply_patch_call',
]);
const OUTPUT_TYPES = new Set([
  'function_call_output',
  'custom_tool_call_output',
  'local_shell_call_output',
  'shell_call_output',
  'apply_patch_call_output',
]);

/** True for items the model produced that wait for a client output (`function_call`, …). */
export function isCallItem(item: WireItem): boolean {
  return CALL_TYPES.has(item.type);
}

/** True for client-produced tool results. */
export function isOutputItem(item: WireItem): boolean {
  return OUTPUT_TYPES.has(item.type);
}

/** The call id an output answers (`local_shell_call_output` uses `id`). */
function outputCallId(item: WireItem): unknown {
  return item.type === 'local_shell_call_output' ? (item['call_id'] ?? item['id']) : item['call_id'];
}

/** Normalises `input` (string, items, easy messages) or explains why it is invalid. */
export function normalizeInput(input: unknown): { items: WireItem[] } | { error: ApiError } {
  if (input === undefined || input === null) return { items: [] };
  if (typeof input === 'string') {
    return { items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }] };
  }
  if (!Array.isArray(input)) {
    return {
      error: invalidRequest(
        "Invalid type for 'input': expected one of a string or array of input items, but got an object instead.",
        'input',
        'invalid_type',
      ),
    };
  }
  const items: WireItem[] = [];
  for (let i = 0; i < input.length; i++) {
    const raw: unknown = input[i];
    if (!isObject(raw))
      return {
        error: invalidRequest(
          `Invalid type for 'input[${i}]': expected an object.`,
          `input[${i}]`,
          'invalid_type',
        ),
      };
    const type = raw['type'] ?? (typeof raw['role'] === 'string' ? 'message' : undefined);
    if (typeof type !== 'string')
      return {
        error: invalidRequest(
          `Missing required parameter: 'input[${i}].type'.`,
          `input[${i}].type`,
          'missing_required_parameter',
        ),
      };
    const item: WireItem = { ...raw, type };
    if (type === 'message') {
      const role = raw['role'];
      if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'developer') {
        return {
          error: invalidRequest(`Invalid value for 'input[${i}].role'.`, `input[${i}].role`, 'invalid_value'),
        };
      }
      const content = raw['content'];
      if (typeof content === 'string') {
        item['content'] = [{ type: role === 'assistant' ? 'output_text' : 'input_text', text: content }];
      } else if (!Array.isArray(content)) {
        return {
          error: invalidRequest(
            `Missing required parameter: 'input[${i}].content'.`,
            `input[${i}].content`,
            'missing_required_parameter',
          ),
        };
      }
    }
    if (isOutputItem(item) && typeof outputCallId(item) !== 'string') {
      return {
        error: invalidRequest(
          `Missing required parameter: 'input[${i}].call_id'.`,
          `input[${i}].call_id`,
          'missing_required_parameter',
        ),
      };
    }
    items.push(item);
  }
  return { items };
}

/**
 * Checks client-sent items the way the service does for `store:false`: opaque blobs must be
 * intact, and reasoning items without `encrypted_content` cannot be resolved (nothing persisted).
 */
export function validateInputItems(items: WireItem[], store: boolean): ApiError | undefined {
  for (const item of items) {
    if (item.type === 'reasoning' || item.type === 'compaction') {
      const blob = item['encrypted_content'];
      if (blob === undefined || blob === null) {
        if (item.type === 'compaction' || !store) {
          const id = typeof item['id'] === 'string' ? item['id'] : '(no id)';
          return invalidRequest(
            `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
            'input',
          );
        }
      } else if (openBlob(blob) === undefined) {
        return invalidRequest(
          `The encrypted content for item ${String(item['id'] ?? '')} could not be verified.`,
          'input',
          'invalid_encrypted_content',
        );
      }
    }
  }
  return undefined;
}

/** Index of the last compaction item (the conversation is understood from it onward), or -1. */
export function lastCompactionIndex(items: WireItem[]): number {
  for (let i = items.length - 1; i >= 0; i--) if (items[i]!.type === 'compaction') return i;
  return -1;
}

/** The call item type an output item type answers (`custom_tool_call_output` → `custom_tool_call`). */
function callTypeOf(outputType: string): string {
  return outputType.replace(/_output$/, '');
}

/** "function call", "custom tool call", … as the service words them. */
function callWords(type: string): string {
  return type.replace(/_/g, ' ');
}

/**
 * Every call needs an output of the matching type and every output a call (after the last
 * compaction item): a `function_call` is answered by a `function_call_output`, a
 * `custom_tool_call` by a `custom_tool_call_output` — an output of the other type does not count.
 */
export function validatePairing(items: WireItem[]): ApiError | undefined {
  const start = lastCompactionIndex(items);
  const calls = new Map<string, { type: string; answered: boolean }>();
  for (let i = start + 1; i < items.length; i++) {
    const item = items[i]!;
    if (isCallItem(item) && typeof item['call_id'] === 'string')
      calls.set(item['call_id'], { type: item.type, answered: false });
    else if (isOutputItem(item)) {
      const id = String(outputCallId(item));
      const call = calls.get(id);
      if (!call) {
        if (start >= 0) continue; // the call may be folded into the compaction item
        return invalidRequest(
          `No tool call found for ${callWords(callTypeOf(item.type))} output with call_id ${id}.`,
          'input',
        );
      }
      if (callTypeOf(item.type) !== call.type)
        return invalidRequest(
          `No tool output found for ${callWords(call.type)} ${id} (a ${item.type} cannot answer a ${call.type}).`,
          'input',
        );
      call.answered = true;
    }
  }
  for (const [id, call] of calls) {
    if (!call.answered)
      return invalidRequest(`No tool output found for ${callWords(call.type)} ${id}.`, 'input');
  }
  return undefined;
}

/** Plain text of a message item or a tool output (string or content parts). */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value))
    return value.map((p) => (isObject(p) && typeof p['text'] === 'string' ? p['text'] : '')).join('');
  if (isObject(value)) {
    if (typeof value['text'] === 'string') return value['text'];
    if (Array.isArray(value['output'])) {
      return value['output']
        .map((o: unknown) => (isObject(o) ? `${String(o['stdout'] ?? '')}${String(o['stderr'] ?? '')}` : ''))
        .join('');
    }
  }
  return '';
}

/** Tool calls of one model response and the outputs the client sent for them. */
export interface Batch {
  key: string;
  callIds: string[];
  outputs: Map<string, string>;
}

/** Model state folded into a compaction item. */
export interface FoldedState {
  userOrdinal: number;
  lastUser: string;
  pointer: number;
  prevOutputs: string;
}

/** What the scripted model needs to know about the conversation. */
export interface Analysis {
  /** Number of user messages so far (1 = the first). */
  userOrdinal: number;
  /** Text of the latest user message. */
  lastUser: string;
  /** Tool batches since the latest user message, in order. */
  batches: Batch[];
  /** Present when the turn resumes from a compaction item. */
  resume?: { pointer: number; prevOutputs: string };
}

/** Reads the conversation; `batchOf` maps call ids this simulator issued to their response id. */
export function analyze(items: WireItem[], batchOf: (callId: string) => string | undefined): Analysis {
  const start = lastCompactionIndex(items);
  const a: Analysis = { userOrdinal: 0, lastUser: '', batches: [] };
  if (start >= 0) {
    const state = openBlob(items[start]!['encrypted_content']);
    if (isObject(state) && isObject(state['state'])) {
      const s = state['state'] as unknown as FoldedState;
      a.userOrdinal = s.userOrdinal;
      a.lastUser = s.lastUser;
      a.resume = { pointer: s.pointer, prevOutputs: s.prevOutputs };
    }
  }
  let run = 0;
  let lastWasCall = false;
  const byCall = new Map<string, Batch>();
  for (let i = start + 1; i < items.length; i++) {
    const item = items[i]!;
    if (item.type === 'message' && item['role'] === 'user') {
      a.userOrdinal++;
      a.lastUser = textOf(item['content']);
      a.batches = [];
      delete a.resume;
      lastWasCall = false;
    } else if (isCallItem(item) && typeof item['call_id'] === 'string') {
      const callId = item['call_id'];
      const key = batchOf(callId) ?? (lastWasCall ? `run:${run}` : `run:${++run}`);
      let batch = a.batches.find((b) => b.key === key);
      if (!batch) {
        batch = { key, callIds: [], outputs: new Map() };
        a.batches.push(batch);
      }
      batch.callIds.push(callId);
      byCall.set(callId, batch);
      lastWasCall = true;
    } else if (isOutputItem(item)) {
      const id = String(outputCallId(item));
      byCall.get(id)?.outputs.set(id, textOf(item['output']));
      lastWasCall = false;
    } else if (item.type !== 'reasoning') {
      lastWasCall = false;
    }
  }
  return a;
}

/** The outputs of a batch joined in call order (what branch conditions look at). */
export function batchOutputs(batch: Batch): string {
  return batch.callIds.map((id) => batch.outputs.get(id) ?? '').join('\n');
}

/** Rough token estimate the simulator uses everywhere (≈ chars / 4). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Responses API conversation items (input and output), as they travel on the wire.
 * Only the kinds tether produces or consumes are typed precisely; anything else is kept
 * verbatim as {@link UnknownItem} so a full-context resend never drops an item.
 */

/** Text part of a user/system/developer message. */
export interface InputTextPart {
  type: 'input_text';
  text: string;
}

/** Text part of an assistant message. */
export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations?: unknown[];
  logprobs?: unknown[];
}

export interface RefusalPart {
  type: 'refusal';
  refusal: string;
}

export interface MessageItem {
  type: 'message';
  id?: string;
  role: 'user' | 'assistant' | 'system' | 'developer';
  status?: 'in_progress' | 'completed' | 'incomplete';
  content: Array<InputTextPart | OutputTextPart | RefusalPart>;
}

export interface FunctionCallItem {
  type: 'function_call';
  id?: string;
  call_id: string;
  name: string;
  /** JSON-encoded arguments, exactly as the model produced them. */
  arguments: string;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

/** A content part of a tool output (PROTOCOL §5.1: `output` may be an array of parts). */
export type ToolOutputPart =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url: string; detail?: 'auto' | 'low' | 'high' };

export interface FunctionCallOutputItem {
  type: 'function_call_output';
  call_id: string;
  output: string | ToolOutputPart[];
  id?: string;
}

/** The text of a tool output (its `input_text` parts joined when it is an array). */
export function toolOutputText(output: string | ToolOutputPart[]): string {
  if (typeof output === 'string') return output;
  return output.map((p) => (p.type === 'input_text' ? p.text : '[image]')).join('\n');
}

export interface ReasoningItem {
  type: 'reasoning';
  id: string;
  summary: Array<{ type: 'summary_text'; text: string }>;
  content?: Array<{ type: 'reasoning_text'; text: string }>;
  /** Opaque; must be replayed byte-for-byte in stateless requests. */
  encrypted_content?: string | null;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

/** Opaque compaction item (server-side or `/responses/compact`). Never edit or reorder. */
export interface CompactionItem {
  type: 'compaction';
  id?: string;
  encrypted_content: string;
  created_by?: string;
}

/** Any item type tether does not model; preserved verbatim. */
export interface UnknownItem {
  type: string;
  [key: string]: unknown;
}

export type KnownItem =
  | MessageItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | ReasoningItem
  | CompactionItem;

/** An item as it may appear in `input` or in a response's `output`. */
export type Item = KnownItem | UnknownItem;

/** Builds a user message item from plain text. */
export function userMessage(text: string): MessageItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

/** Builds a `function_call_output` item. */
export function functionCallOutput(
  callId: string,
  output: string | ToolOutputPart[],
): FunctionCallOutputItem {
  return { type: 'function_call_output', call_id: callId, output };
}

export function isMessage(item: Item): item is MessageItem {
  return item.type === 'message' && Array.isArray((item as MessageItem).content);
}

export function isFunctionCall(item: Item): item is FunctionCallItem {
  return item.type === 'function_call' && typeof (item as FunctionCallItem).call_id === 'string';
}

export function isFunctionCallOutput(item: Item): item is FunctionCallOutputItem {
  return item.type === 'function_call_output' && typeof (item as FunctionCallOutputItem).call_id === 'string';
}

export function isReasoning(item: Item): item is ReasoningItem {
  return item.type === 'reasoning';
}

export function isCompaction(item: Item): item is CompactionItem {
  return item.type === 'compaction';
}

/** Concatenated text of a message item (output_text / input_text parts). */
export function messageText(item: MessageItem): string {
  let out = '';
  for (const part of item.content) {
    if (part.type === 'output_text' || part.type === 'input_text') out += part.text;
  }
  return out;
}

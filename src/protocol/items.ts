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

/** An image part of a user message or a tool output: `image_url` is a data URL (or https URL). */
export interface InputImagePart {
  type: 'input_image';
  image_url: string;
  detail?: 'low' | 'high' | 'auto' | 'original';
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
  content: Array<InputTextPart | InputImagePart | OutputTextPart | RefusalPart>;
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

/** What a tool output carries: text, or content parts (an image the tool attached). */
export type ToolOutputContent = string | ToolOutputPart[];

export interface FunctionCallOutputItem {
  type: 'function_call_output';
  call_id: string;
  output: ToolOutputContent;
  id?: string;
}

/** The text of a tool output (its `input_text` parts joined when it is an array). */
export function toolOutputText(output: ToolOutputContent): string {
  if (typeof output === 'string') return output;
  return output.map((p) => (p.type === 'input_text' ? p.text : '[image]')).join('\n');
}

/** A freeform (custom tool) call: the model wrote `input` as raw text (PROTOCOL §5.2). */
export interface CustomToolCallItem {
  type: 'custom_tool_call';
  id?: string;
  call_id: string;
  name: string;
  input: string;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

/** The answer to a {@link CustomToolCallItem}: the same `call_id`, a different item type. */
export interface CustomToolCallOutputItem {
  type: 'custom_tool_call_output';
  call_id: string;
  output: ToolOutputContent;
  id?: string;
}

/** A call the agent runs locally: a JSON function call or a freeform custom tool call. */
export type ToolCallItem = FunctionCallItem | CustomToolCallItem;

/** The output item answering a {@link ToolCallItem}. */
export type ToolOutputItem = FunctionCallOutputItem | CustomToolCallOutputItem;

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
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | ReasoningItem
  | CompactionItem;

/** An item as it may appear in `input` or in a response's `output`. */
export type Item = KnownItem | UnknownItem;

/** Builds a user message item from plain text. */
export function userMessage(text: string): MessageItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

/** A user message with `input_image` parts (data URLs) after its text. */
export function userMessageWithImages(
  text: string,
  imageUrls: ReadonlyArray<{ dataUrl: string }>,
): MessageItem {
  const msg = userMessage(text);
  for (const img of imageUrls) msg.content.push({ type: 'input_image', image_url: img.dataUrl });
  return msg;
}

/** Builds a `function_call_output` item. */
export function functionCallOutput(
  callId: string,
  output: string | ToolOutputPart[],
): FunctionCallOutputItem {
  return { type: 'function_call_output', call_id: callId, output };
}

/**
 * The output item answering `call`: `function_call_output` for a function call,
 * `custom_tool_call_output` for a custom tool call (the service pairs them by type too).
 */
export function toolOutputFor(
  call: { kind: 'function' | 'custom'; callId: string },
  output: ToolOutputContent,
): ToolOutputItem {
  return call.kind === 'custom'
    ? { type: 'custom_tool_call_output', call_id: call.callId, output }
    : { type: 'function_call_output', call_id: call.callId, output };
}

export function isCustomToolCall(item: Item): item is CustomToolCallItem {
  return item.type === 'custom_tool_call' && typeof (item as CustomToolCallItem).call_id === 'string';
}

/** A function call or a custom tool call (what the agent executes). */
export function isToolCall(item: Item): item is ToolCallItem {
  return isFunctionCall(item) || isCustomToolCall(item);
}

/** A `function_call_output` or `custom_tool_call_output`. */
export function isToolOutput(item: Item): item is ToolOutputItem {
  return (
    (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') &&
    typeof (item as ToolOutputItem).call_id === 'string'
  );
}

/** Whether the tool call is freeform (`custom`) or a JSON function call. */
export function toolCallKind(item: ToolCallItem): 'function' | 'custom' {
  return item.type === 'custom_tool_call' ? 'custom' : 'function';
}

/** The raw input of a tool call: JSON arguments of a function call, the text of a custom call. */
export function toolCallInput(item: ToolCallItem): string {
  return item.type === 'custom_tool_call' ? item.input : item.arguments;
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

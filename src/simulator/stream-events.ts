/**
 * Turns a planned response into the Responses streaming events (§3 of PROTOCOL.md):
 * `response.created` → `response.in_progress` → per item `output_item.added` → content events →
 * `output_item.done` → exactly one terminal event. Sequence numbers are assigned by the sender.
 * The Response object itself, and the responses without output, are in response-object.ts.
 */
import { type IdGen, sealBlob } from './blobs.js';
import { estimateTokens, type WireItem } from './conversation.js';
import type { PlannedResponse } from './model.js';
import {
  type BuiltResponse,
  type ResponseContext,
  responseObject,
  type SimEvent,
  type SimUsage,
} from './response-object.js';

export {
  type BuiltResponse,
  buildFailed,
  buildWarmup,
  type ResponseContext,
  responseObject,
  type SimEvent,
  type SimUsage,
} from './response-object.js';

/**
 * The `obfuscation` padding the service adds to delta events (PROTOCOL §10.3) unless the request
 * sets `stream_options.include_obfuscation: false`: random-looking characters that round the
 * delta up to a multiple of 16, so event sizes do not reveal token lengths.
 */
function obfuscation(ctx: ResponseContext, delta: string, salt: number): Record<string, string> {
  const opts = ctx.request['stream_options'];
  if (
    typeof opts === 'object' &&
    opts !== null &&
    (opts as Record<string, unknown>)['include_obfuscation'] === false
  )
    return {};
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const len = 16 - (delta.length % 16) || 16;
  let h = (salt * 2654435761 + delta.length * 40503) >>> 0;
  let out = '';
  for (let i = 0; i < len; i++) {
    h = (h * 1103515245 + 12345) >>> 0;
    out += alphabet[h % alphabet.length];
  }
  return { obfuscation: out };
}

/** Splits text into chunks of about `size` UTF-16 units without breaking surrogate pairs. */
export function chunkText(text: string, size: number): string[] {
  if (text.length === 0) return [];
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + Math.max(1, size));
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end++;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

/** `url_citation` annotations for `text` (a quote not found cites the whole text). */
function citationAnnotations(
  text: string,
  citations: ReadonlyArray<{ url: string; title?: string; quote?: string }>,
): Array<Record<string, unknown>> {
  return citations.map((c) => {
    const at = c.quote ? text.indexOf(c.quote) : -1;
    const start = Math.max(at, 0);
    const end = at >= 0 ? at + (c.quote?.length ?? 0) : text.length;
    return { type: 'url_citation', start_index: start, end_index: end, url: c.url, title: c.title ?? c.url };
  });
}

/** Builds events for `plan`. `ids` mints item ids; `nowSeconds` stamps `completed_at`. */
export function buildResponse(
  plan: PlannedResponse,
  ctx: ResponseContext,
  ids: IdGen,
  nowSeconds: number,
): BuiltResponse {
  const events: SimEvent[] = [];
  const output: WireItem[] = [];
  events.push({ type: 'response.created', response: responseObject(ctx, 'in_progress', []) });
  events.push({ type: 'response.in_progress', response: responseObject(ctx, 'in_progress', []) });
  let outputChars = 0;
  let reasoningChars = 0;

  let say = plan.say;
  let calls = plan.calls;
  let incomplete = plan.incomplete;
  const maxOut = ctx.request['max_output_tokens'];
  if (typeof maxOut === 'number' && say !== undefined && estimateTokens(say) > maxOut) {
    say = say.slice(0, maxOut * 4);
    calls = [];
    incomplete = 'max_output_tokens';
  }

  const add = (item: WireItem, fill: (index: number) => WireItem) => {
    const index = output.length;
    events.push({ type: 'response.output_item.added', output_index: index, item });
    const done = fill(index);
    output.push(done);
    events.push({ type: 'response.output_item.done', output_index: index, item: done });
  };

  if (ctx.compaction) add(ctx.compaction, () => ctx.compaction!);

  if (plan.reasoning.length > 0) {
    const id = ids.next('rs');
    add({ id, type: 'reasoning', summary: [] }, (index) => {
      const summary = plan.reasoning.map((text, summary_index) => {
        const part = { type: 'summary_text', text: '' };
        events.push({
          type: 'response.reasoning_summary_part.added',
          item_id: id,
          output_index: index,
          summary_index,
          part,
        });
        for (const delta of chunkText(text, ctx.chunkChars)) {
          events.push({
            type: 'response.reasoning_summary_text.delta',
            item_id: id,
            output_index: index,
            summary_index,
            delta,
            ...obfuscation(ctx, delta, events.length),
          });
        }
        events.push({
          type: 'response.reasoning_summary_text.done',
          item_id: id,
          output_index: index,
          summary_index,
          text,
        });
        events.push({
          type: 'response.reasoning_summary_part.done',
          item_id: id,
          output_index: index,
          summary_index,
          part: { type: 'summary_text', text },
        });
        reasoningChars += text.length * 3; // hidden reasoning is longer than its summary
        return { type: 'summary_text', text };
      });
      const blob = sealBlob({ k: 'rs', id, summary: plan.reasoning });
      return { id, type: 'reasoning', summary, encrypted_content: ctx.includeEncrypted ? blob : null };
    });
  }

  for (const search of plan.searches ?? []) {
    const id = ids.next('ws');
    add({ id, type: 'web_search_call', status: 'in_progress' }, (index) => {
      const base = { item_id: id, output_index: index };
      events.push({ type: 'response.web_search_call.in_progress', ...base });
      events.push({ type: 'response.web_search_call.searching', ...base });
      events.push({ type: 'response.web_search_call.completed', ...base });
      return {
        id,
        type: 'web_search_call',
        status: search.status,
        action: { type: 'search', query: search.query },
      };
    });
  }

  if (say !== undefined) {
    const id = ids.next('msg');
    const text = say;
    add({ id, type: 'message', status: 'in_progress', role: 'assistant', content: [] }, (index) => {
      const base = { item_id: id, output_index: index, content_index: 0 };
      events.push({
        type: 'response.content_part.added',
        ...base,
        part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
      });
      for (const delta of chunkText(text, ctx.chunkChars))
        events.push({
          type: 'response.output_text.delta',
          ...base,
          delta,
          logprobs: [],
          ...obfuscation(ctx, delta, events.length),
        });
      const annotations = citationAnnotations(text, plan.citations ?? []);
      for (const [annotation_index, annotation] of annotations.entries())
        events.push({ type: 'response.output_text.annotation.added', ...base, annotation_index, annotation });
      events.push({ type: 'response.output_text.done', ...base, text, logprobs: [] });
      const part = { type: 'output_text', annotations, logprobs: [], text };
      events.push({ type: 'response.content_part.done', ...base, part });
      outputChars += text.length;
      return {
        id,
        type: 'message',
        status: incomplete ? 'incomplete' : 'completed',
        role: 'assistant',
        content: [part],
      };
    });
  }

  for (const call of calls) {
    const callId = call.callId ?? ids.next('call');
    if (call.kind === 'function') {
      const id = ids.next('fc');
      const args = call.arguments.replace(/\{\{call_id\}\}/g, callId);
      add(
        { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name: call.name },
        (index) => {
          for (const delta of chunkText(args, ctx.chunkChars)) {
            events.push({
              type: 'response.function_call_arguments.delta',
              item_id: id,
              output_index: index,
              delta,
              ...obfuscation(ctx, delta, events.length),
            });
          }
          events.push({
            type: 'response.function_call_arguments.done',
            item_id: id,
            output_index: index,
            name: call.name,
            arguments: args,
          });
          outputChars += args.length;
          return {
            id,
            type: 'function_call',
            status: 'completed',
            arguments: args,
            call_id: callId,
            name: call.name,
          };
        },
      );
    } else {
      const id = ids.next('ctc');
      const input = call.input.replace(/\{\{call_id\}\}/g, callId);
      add(
        { id, type: 'custom_tool_call', status: 'in_progress', call_id: callId, name: call.name, input: '' },
        (index) => {
          for (const delta of chunkText(input, ctx.chunkChars)) {
            events.push({
              type: 'response.custom_tool_call_input.delta',
              item_id: id,
              output_index: index,
              delta,
              ...obfuscation(ctx, delta, events.length),
            });
          }
          events.push({
            type: 'response.custom_tool_call_input.done',
            item_id: id,
            output_index: index,
            input,
          });
          outputChars += input.length;
          return {
            id,
            type: 'custom_tool_call',
            status: 'completed',
            call_id: callId,
            name: call.name,
            input,
          };
        },
      );
    }
  }

  const reasoningTokens = estimateTokens('x'.repeat(reasoningChars));
  const outputTokens = estimateTokens('x'.repeat(outputChars)) + reasoningTokens;
  const usage: SimUsage = {
    input_tokens: ctx.inputTokens,
    input_tokens_details: { cached_tokens: ctx.cachedTokens, cache_write_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: ctx.inputTokens + outputTokens,
  };
  let status: BuiltResponse['status'] = 'completed';
  let extra: Record<string, unknown> = { usage, completed_at: nowSeconds };
  if (plan.fail) {
    status = 'failed';
    extra = { usage, error: { code: plan.fail.code, message: plan.fail.message } };
  } else if (incomplete) {
    status = 'incomplete';
    extra = { usage, incomplete_details: { reason: incomplete } };
  }
  const response = responseObject(ctx, status, output, extra);
  events.push({ type: `response.${status}`, response });
  return { output, events, status, response };
}

/**
 * The HTTP+SSE fallback (PROTOCOL.md §7): `POST {base}/responses` with `stream:true` and
 * `Accept: text/event-stream`, parsed with the chunking-invariant {@link SseParser}. Yields the
 * same validated events as the socket. Uses Node's fetch (undici) with an AbortSignal.
 */
import type { Clock } from '../util/clock.js';
import { Attempt } from './attempt.js';
import { parseRetryAfterMs } from './backoff.js';
import { ERROR_BODY_MAX_BYTES, parseErrorBody } from './error-body.js';
import { SseParser } from './sse-parser.js';
import {
  classifyStatus,
  httpUrl,
  isNotResponsesApiStatus,
  notResponsesApiMessage,
  type StreamHandle,
  type StreamOptions,
  type TransportFailure,
} from './types.js';

/** Options of {@link postSse}; durations in ms. */
export interface HttpStreamOptions extends StreamOptions {
  baseUrl: string;
  apiKey: string;
  /** Time allowed until the response headers arrive (ms). */
  connectTimeoutMs: number;
  clock: Clock;
  headers?: Record<string, string>;
}

/** Starts one streamed POST; the body must already be the HTTP shape (`toHttpBody`). */
export function postSse(body: Record<string, unknown>, opts: HttpStreamOptions): StreamHandle {
  const data = JSON.stringify(body);
  const bytes = Buffer.byteLength(data);
  const controller = new AbortController();
  const attempt = new Attempt(opts.clock, opts, () => controller.abort());
  void run(data, opts, attempt, controller.signal);
  return { done: attempt.done, bytes, firstEventAt: () => attempt.firstEventAt() };
}

async function run(
  data: string,
  opts: HttpStreamOptions,
  attempt: Attempt,
  signal: AbortSignal,
): Promise<void> {
  const connectTimer = opts.clock.setTimeout(() => {
    attempt.fail({
      kind: 'retryable',
      reason: 'connect_timeout',
      message: `HTTP request timed out after ${opts.connectTimeoutMs} ms`,
    });
  }, opts.connectTimeoutMs);
  let res: Response;
  try {
    res = await fetch(httpUrl(opts.baseUrl, 'responses'), {
      method: 'POST',
      headers: {
        ...opts.headers,
        Authorization: `Bearer ${opts.apiKey}`,
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
      },
      body: data,
      signal,
      redirect: 'manual',
    });
  } catch (err) {
    connectTimer.cancel();
    attempt.fail({
      kind: 'retryable',
      reason: 'connect_failed',
      message: `HTTP request failed: ${describe(err)}`,
    });
    return;
  } finally {
    connectTimer.cancel();
  }
  if (!res.ok || !res.body) {
    attempt.fail(await statusFailure(res, opts.clock));
    return;
  }
  // A 2xx that is not an event stream (an HTML page, a JSON document): not the Responses API.
  const type = res.headers.get('content-type') ?? '';
  if (type && !/event-stream/i.test(type)) {
    res.body.cancel().catch(() => {});
    attempt.fail({
      kind: 'fatal',
      reason: 'http_status',
      status: res.status,
      code: 'not_responses_api',
      message: notResponsesApiMessage(
        res.url || httpUrl(opts.baseUrl, 'responses'),
        `HTTP ${res.status} with ${type.split(';')[0]?.trim()} instead of an event stream`,
      ),
    });
    return;
  }
  const parser = new SseParser();
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (attempt.isSettled()) break;
      const events = done ? parser.end() : parser.push(value);
      for (const ev of events) {
        attempt.frame(ev.data);
        if (attempt.isSettled()) break;
      }
      if (done || attempt.isSettled()) break;
    }
  } catch (err) {
    attempt.fail({ kind: 'retryable', reason: 'closed', message: `HTTP stream failed: ${describe(err)}` });
  } finally {
    reader.cancel().catch(() => {});
  }
  attempt.fail({
    kind: 'retryable',
    reason: 'stream_ended',
    message: 'stream ended before response.completed',
  });
}

/** Classifies a non-2xx response, reading the `{error:{code,message}}` body if present. */
async function statusFailure(res: Response, clock: Clock): Promise<TransportFailure> {
  let message = `HTTP ${res.status}`;
  let text = '';
  try {
    text = await res.text();
  } catch {
    // an unreadable body: the status alone classifies it
  }
  const body = parseErrorBody(text.slice(0, ERROR_BODY_MAX_BYTES));
  const openAiShaped = body.openAiShaped;
  const { code, param } = body;
  if (body.message !== undefined) message += `: ${body.message}`;
  const f: TransportFailure = {
    kind: classifyStatus(res.status),
    reason: 'http_status',
    status: res.status,
    message,
  };
  if (code !== undefined) f.code = code;
  else if (!openAiShaped && isNotResponsesApiStatus(res.status)) {
    // No OpenAI-shaped error body: a server that does not speak the Responses API at all.
    f.code = 'not_responses_api';
    f.message = notResponsesApiMessage(
      res.url,
      `POST with HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
    );
  }
  if (param !== undefined) f.param = param;
  const retryAfterMs = parseRetryAfterMs(res.headers, clock.wallNow(), Number.POSITIVE_INFINITY);
  if (retryAfterMs !== undefined) f.retryAfterMs = retryAfterMs;
  return f;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}

/** `POST {base}{path}` with a JSON body and JSON response (used by `/responses/compact`). */
export async function postJson(
  path: string,
  body: Record<string, unknown>,
  opts: {
    baseUrl: string;
    apiKey: string;
    signal?: AbortSignal;
    clock: Clock;
    headers?: Record<string, string>;
  },
): Promise<{ ok: true; value: unknown } | { ok: false; failure: TransportFailure }> {
  let res: Response;
  try {
    const init: RequestInit = {
      method: 'POST',
      headers: {
        ...opts.headers,
        Authorization: `Bearer ${opts.apiKey}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
      redirect: 'manual',
    };
    if (opts.signal) init.signal = opts.signal;
    res = await fetch(httpUrl(opts.baseUrl, path), init);
  } catch (err) {
    return {
      ok: false,
      failure: {
        kind: 'retryable',
        reason: 'connect_failed',
        message: `HTTP request failed: ${describe(err)}`,
      },
    };
  }
  if (!res.ok) return { ok: false, failure: await statusFailure(res, opts.clock) };
  try {
    return { ok: true, value: JSON.parse(await res.text()) as unknown };
  } catch (err) {
    return {
      ok: false,
      failure: {
        kind: 'fatal',
        reason: 'http_status',
        status: res.status,
        message: `bad JSON response: ${describe(err)}`,
      },
    };
  }
}

/**
 * Reads an OpenAI-shaped error body (`{"error":{"message","code","param","type"}}`), as the
 * service sends with a refused POST and with a refused WebSocket upgrade (PROTOCOL.md §1.3, §4).
 */

/** The fields of an error body; `openAiShaped` is false for anything without an `error` object. */
export interface ErrorBody {
  openAiShaped: boolean;
  message?: string;
  code?: string;
  param?: string;
  type?: string;
}

/** Largest error body read from a refused upgrade or POST (bytes); the rest is discarded. */
export const ERROR_BODY_MAX_BYTES = 64 * 1024;

/** Parses `text` as an error body; never throws (not JSON → `{openAiShaped:false}`). */
export function parseErrorBody(text: string): ErrorBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { openAiShaped: false };
  }
  if (typeof body !== 'object' || body === null) return { openAiShaped: false };
  const err = (body as Record<string, unknown>)['error'];
  if (typeof err !== 'object' || err === null) return { openAiShaped: false };
  const e = err as Record<string, unknown>;
  const out: ErrorBody = { openAiShaped: true };
  if (typeof e['message'] === 'string') out.message = e['message'];
  if (typeof e['code'] === 'string') out.code = e['code'];
  if (typeof e['param'] === 'string') out.param = e['param'];
  if (typeof e['type'] === 'string') out.type = e['type'];
  return out;
}

/** Error codes the Responses API documents (§4.2) and how tether classifies them. */

export const ERROR_CODES = {
  previousResponseNotFound: 'previous_response_not_found',
  connectionLimitReached: 'websocket_connection_limit_reached',
  invalidStreamId: 'invalid_stream_id',
  streamLimitReached: 'websocket_stream_limit_reached',
  rateLimitExceeded: 'rate_limit_exceeded',
  serverError: 'server_error',
  invalidApiKey: 'invalid_api_key',
  contextLengthExceeded: 'context_length_exceeded',
} as const;

/** What a client should do about an error. */
export type ErrorClass =
  | 'rechain' // resend full context on a new chain (previous_response_not_found)
  | 'reconnect' // the connection is unusable; open a new one and continue
  | 'retry' // transient (429/5xx); back off and retry
  | 'auth' // credentials refused; never retry
  | 'fatal'; // a request the server will never accept as sent

/** Classifies an error by code first, then by HTTP-like status (codes win, §4.2 note). */
export function classifyError(code: string | null | undefined, status?: number): ErrorClass {
  switch (code) {
    case ERROR_CODES.previousResponseNotFound:
      return 'rechain';
    case ERROR_CODES.connectionLimitReached:
      return 'reconnect';
    case ERROR_CODES.rateLimitExceeded:
    case ERROR_CODES.serverError:
      return 'retry';
    case ERROR_CODES.invalidApiKey:
      return 'auth';
    default:
      break;
  }
  if (status === 401 || status === 403) return 'auth';
  if (status === 408 || status === 409 || status === 429) return 'retry';
  if (status !== undefined && status >= 500) return 'retry';
  return 'fatal';
}

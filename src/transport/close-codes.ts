/**
 * RFC 6455 close-code classification (PROTOCOL.md §1.8, RELIABILITY.md R5). The table follows
 * openai-node's `isRecoverableClose`: the server documents no codes of its own.
 */

/** Codes after which reconnecting and re-requesting the turn is expected to work. */
export const RECOVERABLE_CLOSE_CODES: ReadonlySet<number> = new Set([
  1001, 1005, 1006, 1011, 1012, 1013, 1015,
]);

/**
 * True when a close with `code` is worth a reconnect. 1000 counts as recoverable only while a
 * response is streaming (the server closed before `response.completed`, R5).
 */
export function isRecoverableClose(code: number, streaming = false): boolean {
  switch (code) {
    case 1001: // going away
    case 1005: // no status received
    case 1006: // abnormal closure (TCP drop, terminate())
    case 1011: // internal error
    case 1012: // service restart
    case 1013: // try again later
    case 1015: // TLS handshake failure
      return true;
    case 1000:
      return streaming;
    default:
      // 1002 protocol error, 1003 unsupported data, 1007 invalid payload, 1008 policy,
      // 1009 message too big, 1010 missing extension, and anything unknown: fatal.
      return false;
  }
}

/** Short human name of a close code for error messages. */
export function closeCodeName(code: number): string {
  const names: Record<number, string> = {
    1000: 'normal closure',
    1001: 'going away',
    1002: 'protocol error',
    1003: 'unsupported data',
    1005: 'no status',
    1006: 'abnormal closure',
    1007: 'invalid payload',
    1008: 'policy violation',
    1009: 'message too big',
    1010: 'missing extension',
    1011: 'internal error',
    1012: 'service restart',
    1013: 'try again later',
    1015: 'TLS handshake failure',
  };
  return names[code] ?? 'unknown';
}

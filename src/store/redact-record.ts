/**
 * Redaction of a record before it is written. Every string value passes through `redact()`
 * (known secrets such as the API key, then secret-shaped patterns), so a secret is caught even
 * when JSON escaping would hide it from a pass over the serialized line.
 */
import { redact } from '../util/redact.js';

/**
 * Keys whose values are opaque server blobs (reasoning and compaction `encrypted_content`).
 * They must round-trip byte-for-byte or the server rejects the replayed item, and they cannot
 * contain a client secret in clear text, so pattern redaction (which could match random base64)
 * is not applied to them.
 */
const OPAQUE_KEYS = new Set(['encrypted_content']);

/** Returns a deep copy of `value` with every (non-opaque) string redacted. */
export function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[redact(key)] = OPAQUE_KEYS.has(key) && typeof v === 'string' ? v : redactDeep(v);
    }
    return out;
  }
  return value;
}

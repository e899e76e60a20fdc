/**
 * The `headers` setting: extra request headers for gateways. Accepted as a JSON object (config
 * files) or `Name: value` pairs separated by `;` or newlines (env, `config set`); stored as
 * canonical JSON. Names must be HTTP tokens, values one line; headers tether itself owns
 * (credentials, framing, the WebSocket handshake) cannot be overridden.
 */

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Headers tether sets itself; a gateway header may not replace them. */
const RESERVED = new Set([
  'authorization',
  'host',
  'content-length',
  'content-type',
  'connection',
  'upgrade',
  'transfer-encoding',
  'accept',
]);

/** Parses the setting; throws an Error whose message says what is wrong (no value echoed). */
export function parseHeaders(raw: unknown): Record<string, string> {
  let entries: Array<[string, unknown]>;
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    entries = Object.entries(raw as Record<string, unknown>);
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return {};
    if (text.startsWith('{')) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new Error('not valid JSON');
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new Error('expected a JSON object of header names to values');
      entries = Object.entries(value as Record<string, unknown>);
    } else {
      entries = [];
      for (const part of text.split(/[;\n]/)) {
        if (part.trim() === '') continue;
        const colon = part.indexOf(':');
        if (colon <= 0) throw new Error(`expected "Name: value", got a part without a name`);
        entries.push([part.slice(0, colon).trim(), part.slice(colon + 1).trim()]);
      }
    }
  } else {
    throw new Error('expected a JSON object or "Name: value" pairs');
  }
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (!TOKEN.test(name)) throw new Error(`"${name.slice(0, 40)}" is not a valid header name`);
    const lower = name.toLowerCase();
    if (RESERVED.has(lower) || lower.startsWith('sec-websocket-'))
      throw new Error(`header ${name} is set by tether itself and cannot be overridden`);
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new Error(`the value of ${name} must be a string`);
    const v = String(value);
    if (/[\r\n\0]/.test(v)) throw new Error(`the value of ${name} must be one line`);
    out[name] = v;
  }
  return out;
}

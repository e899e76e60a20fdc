/**
 * Top-level fields of a create body as the service checks and reads them: the `Invalid type`
 * check, the non-input context (instructions and tools) and the compaction threshold.
 */
import { type ApiError, invalidRequest } from './conversation.js';

const FIELD_TYPES: Array<[string, 'string' | 'boolean' | 'array' | 'integer' | 'object']> = [
  ['previous_response_id', 'string'],
  ['instructions', 'string'],
  ['store', 'boolean'],
  ['generate', 'boolean'],
  ['parallel_tool_calls', 'boolean'],
  ['tools', 'array'],
  ['include', 'array'],
  ['context_management', 'array'],
  ['max_output_tokens', 'integer'],
  ['metadata', 'object'],
  ['prompt_cache_key', 'string'],
];

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (Number.isInteger(v)) return 'an integer';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** The service's `Invalid type for '<field>'` check on the top-level fields the simulator reads (null = unset). */
export function checkFieldTypes(body: Record<string, unknown>): ApiError | undefined {
  for (const [field, want] of FIELD_TYPES) {
    const v = body[field];
    if (v === undefined || v === null) continue;
    const ok =
      want === 'array'
        ? Array.isArray(v)
        : want === 'integer'
          ? Number.isInteger(v)
          : want === 'object'
            ? typeof v === 'object' && !Array.isArray(v)
            : typeof v === want;
    if (!ok) {
      return invalidRequest(
        `Invalid type for '${field}': expected ${want === 'array' || want === 'integer' || want === 'object' ? `an ${want}` : `a ${want}`}, but got ${typeName(v)} instead.`,
        field,
        'invalid_type',
      );
    }
  }
  return undefined;
}

/** The non-input part of the context a request carries (instructions and tools). */
export function contextFields(body: Record<string, unknown>): string {
  return JSON.stringify([body['instructions'] ?? null, body['tools'] ?? null]);
}

/** The `compact_threshold` of a `context_management` compaction entry, if any (tokens). */
export function compactThreshold(value: unknown): number | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const entry of value) {
    if (
      typeof entry === 'object' &&
      entry !== null &&
      (entry as Record<string, unknown>)['type'] === 'compaction'
    ) {
      const t = (entry as Record<string, unknown>)['compact_threshold'];
      if (typeof t === 'number') return t;
    }
  }
  return undefined;
}

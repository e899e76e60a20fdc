/** Builds `response.create` payloads from the session's request fields (PROTOCOL.md §2.1, §5.5). */
import type { RequestFields, ResponseCreateEvent } from '../protocol/client-events.js';
import type { Item } from '../protocol/items.js';
import { canonicalJson } from './chain.js';

/** Reasoning items must be replayable statelessly (§5.3), so this include is always sent. */
export const ENCRYPTED_REASONING_INCLUDE = 'reasoning.encrypted_content';

/**
 * Normalises the non-input fields sent with every create: `store` defaults to false and
 * `include` always carries `reasoning.encrypted_content`.
 */
export function normaliseFields(fields: RequestFields): RequestFields {
  const include = fields.include ?? [];
  return {
    ...fields,
    store: fields.store ?? false,
    include: include.includes(ENCRYPTED_REASONING_INCLUDE)
      ? include
      : [...include, ENCRYPTED_REASONING_INCLUDE],
  };
}

/** Canonical key of the non-input fields (chain rule (d)). */
export function fieldsKey(fields: RequestFields): string {
  return canonicalJson(fields);
}

/** A WebSocket `response.create`. `generate:false` makes it a warm-up (§2.2). */
export function buildCreate(
  fields: RequestFields,
  input: Item[],
  previousResponseId: string | null,
  generate = true,
): ResponseCreateEvent {
  const event: ResponseCreateEvent = { type: 'response.create', ...fields, input };
  if (previousResponseId) event.previous_response_id = previousResponseId;
  if (!generate) event.generate = false;
  return event;
}

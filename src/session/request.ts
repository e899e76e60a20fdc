/** Builds `response.create` payloads from the session's request fields (PROTOCOL.md §2.1, §5.5). */
import type { RequestFields, ResponseCreateEvent } from '../protocol/client-events.js';
import type { Item } from '../protocol/items.js';
import { canonicalJson } from './chain.js';

/** Reasoning items must be replayable statelessly (§5.3), so this include is sent by default. */
export const ENCRYPTED_REASONING_INCLUDE = 'reasoning.encrypted_content';

/**
 * Normalises the non-input fields sent with every create: `store` defaults to false, `include`
 * defaults to `reasoning.encrypted_content` (an explicit list, even empty, is kept: models
 * without reasoning refuse it), and a `null` `reasoning` is left out.
 */
export function normaliseFields(fields: RequestFields): RequestFields {
  const { reasoning, ...rest } = fields;
  return {
    ...rest,
    ...(reasoning ? { reasoning } : {}),
    store: fields.store ?? false,
    include: fields.include ?? [ENCRYPTED_REASONING_INCLUDE],
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
  const { include, ...rest } = fields;
  // An empty include list is not sent (a model without reasoning has none to ask for).
  const event: ResponseCreateEvent = {
    type: 'response.create',
    ...rest,
    ...(include && include.length > 0 ? { include } : {}),
    input,
  };
  if (previousResponseId) event.previous_response_id = previousResponseId;
  if (!generate) event.generate = false;
  return event;
}

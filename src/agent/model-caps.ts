/**
 * The model capability table (PROTOCOL §10.1): which models take `reasoning` and
 * `include:["reasoning.encrypted_content"]`. Models without reasoning (the gpt-4.1, gpt-4o, gpt-4
 * and gpt-3.5 families) refuse `reasoning`; everything else — GPT-5 family, o-series and unknown
 * models — is assumed to reason. The `modelReasoning` setting overrides the table.
 */

/** Model id prefixes (after an optional `provider/` part) of models without reasoning. */
export const NON_REASONING_PREFIXES: readonly string[] = [
  'gpt-4.1',
  'gpt-4o',
  'chatgpt-4o',
  'gpt-4-',
  'gpt-4',
  'gpt-3.5',
];

/** Whether `model` takes reasoning fields; `override` is the `modelReasoning` setting. */
export function modelHasReasoning(model: string, override: string = 'auto'): boolean {
  if (override === 'on') return true;
  if (override === 'off') return false;
  const id = (model.split('/').pop() ?? model).toLowerCase();
  return !NON_REASONING_PREFIXES.some((p) => id === p || id.startsWith(p));
}

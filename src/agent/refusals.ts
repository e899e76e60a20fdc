/**
 * Request fields tether adds on its own and may drop when the service refuses them (PROTOCOL
 * §10.1): `reasoning.summary` (unverified organizations), `reasoning` and the encrypted-reasoning
 * `include` (models without reasoning), and a few optional fields a gateway may not know. A field
 * the user set explicitly is never dropped silently: the refusal becomes one clear error. Pure.
 */
import type { RequestFields } from '../protocol/client-events.js';

/** One field tether may drop. */
export interface DroppableField {
  /** The field path as the service names it in `param`. */
  param: string;
  /** Settings that make this field explicit when the user set them (not defaults). */
  settings: readonly string[];
  /** Whether the field is present in `fields`. */
  present(fields: RequestFields): boolean;
  /** `fields` without it. */
  drop(fields: RequestFields): RequestFields;
}

const withoutReasoning = (f: RequestFields): RequestFields => {
  const { reasoning: _r, ...rest } = f;
  return { ...rest, include: (f.include ?? []).filter((i) => !i.startsWith('reasoning.')) };
};

const without =
  <K extends keyof RequestFields>(key: K) =>
  (f: RequestFields): RequestFields => {
    const { [key]: _gone, ...rest } = f;
    return rest as RequestFields;
  };

/** The droppable fields, most specific first. */
export const DROPPABLE: readonly DroppableField[] = [
  {
    param: 'reasoning.summary',
    settings: ['reasoningSummary'],
    present: (f) => typeof f.reasoning?.summary === 'string',
    drop: (f) => {
      if (!f.reasoning) return f;
      const { summary: _s, ...reasoning } = f.reasoning;
      return { ...f, reasoning };
    },
  },
  {
    param: 'reasoning',
    settings: ['reasoningEffort', 'modelReasoning'],
    present: (f) => f.reasoning !== undefined && f.reasoning !== null,
    drop: withoutReasoning,
  },
  {
    param: 'include',
    settings: ['modelReasoning'],
    present: (f) => (f.include ?? []).length > 0,
    drop: (f) => ({ ...f, include: [] }),
  },
  {
    param: 'context_management',
    settings: ['compactThreshold'],
    present: (f) => f.context_management !== undefined,
    drop: without('context_management'),
  },
  {
    param: 'prompt_cache_key',
    settings: [],
    present: (f) => f.prompt_cache_key !== undefined,
    drop: without('prompt_cache_key'),
  },
  {
    param: 'parallel_tool_calls',
    settings: [],
    present: (f) => f.parallel_tool_calls !== undefined,
    drop: without('parallel_tool_calls'),
  },
];

/** The droppable field a refused `param` names (`reasoning.effort` → `reasoning`, `include[0]` → `include`). */
export function droppableFor(param: string): DroppableField | undefined {
  const p = param.trim();
  return DROPPABLE.find((d) => p === d.param || p.startsWith(`${d.param}.`) || p.startsWith(`${d.param}[`));
}

/** `fields` with every remembered refusal applied (fields the user set explicitly are kept). */
export function applyRemembered(
  fields: RequestFields,
  params: readonly string[],
  explicit: (setting: string) => boolean,
): RequestFields {
  let out = fields;
  for (const param of params) {
    const d = droppableFor(param);
    if (d?.present(out) && !d.settings.some(explicit)) out = d.drop(out);
  }
  return out;
}

/** A short rendering of the refused field's value for messages (`reasoning.summary="auto"`). */
export function describeField(d: DroppableField, fields: RequestFields): string {
  if (d.param === 'reasoning.summary') return `reasoning.summary="${fields.reasoning?.summary ?? ''}"`;
  if (d.param === 'reasoning') return `reasoning ${JSON.stringify(fields.reasoning ?? null)}`;
  return d.param;
}

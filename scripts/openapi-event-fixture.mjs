#!/usr/bin/env node
/**
 * Regenerates fixtures/openapi/responses-stream-events.json: the subset of the official OpenAPI
 * description of the Responses API (github.com/openai/openai-openapi, openapi.json) that the
 * simulator conformance test checks — for every member of `ResponseStreamEvent`, its `type`,
 * required fields and their JSON types, one level into object-valued fields (the Response object,
 * output items by `type`, content parts).
 *
 *   node scripts/openapi-event-fixture.mjs <path/to/openapi.json> <commit> <date>
 */
import { readFileSync, writeFileSync } from 'node:fs';

const [file, commit, date] = process.argv.slice(2);
if (!file || !commit) {
  process.stderr.write('usage: openapi-event-fixture.mjs <openapi.json> <commit> [date]\n');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(file, 'utf8'));
const S = spec.components.schemas;

const deref = (s) => {
  let cur = s;
  for (let i = 0; i < 20 && cur && cur.$ref; i++) cur = S[cur.$ref.split('/').pop()];
  return cur ?? {};
};
const refName = (s) => (s?.$ref ? s.$ref.split('/').pop() : undefined);

/** Shallow JSON types a value of `s` may have (empty = anything). */
function typesOf(s, seen = new Set()) {
  const r = refName(s);
  if (r) {
    if (seen.has(r)) return [];
    seen.add(r);
  }
  const d = deref(s);
  const out = new Set();
  if (typeof d.type === 'string') out.add(d.type === 'integer' ? 'integer' : d.type);
  else if (Array.isArray(d.type)) for (const t of d.type) out.add(t);
  else if (d.enum) out.add(typeof d.enum[0] === 'number' ? 'number' : 'string');
  else if (d.allOf || d.properties) out.add('object');
  for (const key of ['anyOf', 'oneOf']) {
    if (!d[key]) continue;
    for (const m of d[key]) {
      const t = typesOf(m, new Set(seen));
      if (t.length === 0) return [];
      for (const x of t) out.add(x);
    }
  }
  if (d.nullable) out.add('null');
  return [...out].sort();
}

/** Merged properties/required of an object schema (allOf flattened). */
function flatten(s) {
  const d = deref(s);
  const props = {};
  const required = new Set();
  for (const part of d.allOf ?? []) {
    const f = flatten(part);
    Object.assign(props, f.props);
    for (const r of f.required) required.add(r);
  }
  Object.assign(props, d.properties ?? {});
  for (const r of d.required ?? []) required.add(r);
  return { props, required: [...required] };
}

/** The `type` const of an object schema, if any. */
function constType(s) {
  const t = flatten(s).props.type;
  const d = deref(t);
  return d?.enum?.length === 1 ? d.enum[0] : undefined;
}

function describeObject(s, depth) {
  const { props, required } = flatten(s);
  const types = {};
  for (const name of required) types[name] = typesOf(props[name] ?? {});
  const out = { required: [...required].sort(), types };
  const t = constType(s);
  if (t !== undefined) out.type = t;
  if (depth > 0) {
    const nested = {};
    for (const [name, p] of Object.entries(props)) {
      const n = describeNested(p, depth - 1);
      if (n) nested[name] = n;
    }
    if (Object.keys(nested).length) out.nested = nested;
  }
  return out;
}

/** An object-valued property: a single object schema, or a union discriminated by `type`. */
function describeNested(p, depth) {
  const d = deref(p);
  const members = d.oneOf ?? d.anyOf;
  if (members) {
    const byType = {};
    for (const m of members) {
      const md = deref(m);
      if (md.oneOf || md.anyOf) {
        const inner = describeNested(m, depth);
        if (inner?.byType) Object.assign(byType, inner.byType);
        continue;
      }
      const t = constType(m);
      if (t !== undefined) byType[t] = describeObject(m, 0);
    }
    return Object.keys(byType).length ? { byType } : undefined;
  }
  if ((d.type === 'object' || d.allOf) && (d.properties || d.allOf) && refName(p)) {
    return { object: refName(p), ...describeObject(p, depth) };
  }
  return undefined;
}

const events = {};
for (const m of S.ResponseStreamEvent.anyOf ?? S.ResponseStreamEvent.oneOf) {
  const name = refName(m);
  const t = constType(m);
  if (!t) continue;
  events[t] = { schema: name, ...describeObject(m, 1) };
}
const fixture = {
  source: {
    repository: 'https://github.com/openai/openai-openapi',
    commit,
    ...(date ? { date } : {}),
    path: 'openapi.json',
    schema: '#/components/schemas/ResponseStreamEvent',
    generatedBy: 'scripts/openapi-event-fixture.mjs',
  },
  note: 'Required fields and their JSON types of every Responses streaming event, one level into object-valued fields. Checked by test/simulator/openapi-conformance.test.ts against every event the simulator emits over WebSocket and SSE.',
  events,
};
writeFileSync(new URL('../fixtures/openapi/responses-stream-events.json', import.meta.url), `${JSON.stringify(fixture, null, 1)}\n`);
process.stdout.write(`${Object.keys(events).length} events\n`);

/**
 * Every event the simulator emits, over WebSocket and SSE, checked against the official OpenAPI
 * description of the Responses API: the required fields and their JSON types of each
 * `ResponseStreamEvent` member (fixtures/openapi/responses-stream-events.json, extracted from
 * github.com/openai/openai-openapi by scripts/openapi-event-fixture.mjs; source commit inside).
 * Events the service really sends but the description omits are listed explicitly below.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/simulator/faults.js';
import { type Scenario, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { fixturesDir } from '../../src/util/paths.js';
import { type Ev, parseSse, RawWs, SHELL_TOOL, user } from './helpers.js';

interface ObjectShape {
  required: string[];
  types: Record<string, string[]>;
  type?: string;
  nested?: Record<string, NestedShape>;
}
type NestedShape = (ObjectShape & { object: string }) | { byType: Record<string, ObjectShape> };

const FIXTURE = JSON.parse(
  readFileSync(join(fixturesDir(), 'openapi', 'responses-stream-events.json'), 'utf8'),
) as { source: { commit: string }; events: Record<string, ObjectShape> };

/** Real but undocumented in the OpenAPI description (PROTOCOL §10.3). */
const UNDOCUMENTED: Record<string, ObjectShape> = {
  keepalive: {
    required: ['type', 'sequence_number'],
    types: { type: ['string'], sequence_number: ['integer'] },
  },
};

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeOk(v: unknown, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  const t = jsonType(v);
  return allowed.includes(t) || (t === 'integer' && allowed.includes('number'));
}

function check(value: Record<string, unknown>, shape: ObjectShape, path: string, out: string[]): void {
  for (const name of shape.required) {
    if (!(name in value)) out.push(`${path}: missing required "${name}"`);
    else if (!typeOk(value[name], shape.types[name] ?? []))
      out.push(`${path}.${name}: ${jsonType(value[name])} is not ${shape.types[name]!.join('|')}`);
  }
  if (shape.type !== undefined && value['type'] !== shape.type)
    out.push(`${path}.type: ${String(value['type'])} is not ${shape.type}`);
  for (const [name, nested] of Object.entries(shape.nested ?? {})) {
    const v = value[name];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
    const obj = v as Record<string, unknown>;
    if ('byType' in nested) {
      const member = nested.byType[String(obj['type'])];
      if (!member) out.push(`${path}.${name}: type "${String(obj['type'])}" is not in the description`);
      else check(obj, member, `${path}.${name}<${String(obj['type'])}>`, out);
    } else check(obj, nested, `${path}.${name}`, out);
  }
}

/** Problems of one event against the description (empty = conforms). */
function problems(ev: Ev, transport: string): string[] {
  const out: string[] = [];
  const path = `${transport} ${ev.type}`;
  if (transport === 'websocket' && ev.type === 'error' && 'error' in ev) {
    // The WebSocket-only wrapped error (PROTOCOL §4.1): {type, status, error:{type, code, message, param}}.
    check(
      ev as Record<string, unknown>,
      { required: ['type', 'status', 'error'], types: { status: ['integer'], error: ['object'] } },
      path,
      out,
    );
    check(
      ev['error'] as Record<string, unknown>,
      {
        required: ['type', 'code', 'message', 'param'],
        types: { type: ['string'], code: ['string', 'null'], message: ['string'], param: ['string', 'null'] },
      },
      `${path}.error`,
      out,
    );
    return out;
  }
  const shape = FIXTURE.events[ev.type] ?? UNDOCUMENTED[ev.type];
  if (!shape) return [`${path}: not a documented event type`];
  check(ev as Record<string, unknown>, shape, path, out);
  return out;
}

interface Case {
  name: string;
  scenario: string | Scenario;
  body?: Record<string, unknown>;
  faults?: FaultSpec;
  wsOnly?: boolean;
}

const PATCH_TOOL = {
  type: 'custom',
  name: 'apply_patch',
  description: 'Apply a patch.',
  format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/s' },
};

const CASES: Case[] = [
  { name: 'text', scenario: 'plain-answer' },
  {
    name: 'reasoning with encrypted content',
    scenario: 'reasoning',
    body: { include: ['reasoning.encrypted_content'], reasoning: { effort: 'low', summary: 'auto' } },
  },
  { name: 'parallel function calls', scenario: 'parallel-tools', body: { tools: [SHELL_TOOL] } },
  {
    name: 'custom tool call',
    scenario: {
      name: 'freeform',
      turns: [
        {
          steps: [
            {
              say: 'Patching.',
              call: {
                tool: 'apply_patch',
                input: '*** Begin Patch\n*** Add File: a.txt\n+hello\n*** End Patch\n',
              },
            },
          ],
        },
      ],
    },
    body: { tools: [SHELL_TOOL, PATCH_TOOL] },
  },
  { name: 'long stream with keepalives', scenario: 'long-markdown' },
  {
    name: 'server-side compaction',
    scenario: 'plain-answer',
    body: {
      context_management: [{ type: 'compaction', compact_threshold: 1000 }],
      instructions: 'x'.repeat(6000),
    },
  },
  { name: 'incomplete', scenario: 'long-markdown', body: { max_output_tokens: 16 } },
  {
    name: 'injected response.failed',
    scenario: 'plain-answer',
    faults: { error: { event: 3, shape: 'failed', code: 'server_error' } },
  },
  {
    name: 'injected flat error',
    scenario: 'plain-answer',
    faults: { error: { event: 3, shape: 'flat', code: 'server_error' } },
  },
  { name: 'rate limit', scenario: 'plain-answer', faults: { rateLimit: { every: 1 } } },
  { name: 'context window', scenario: 'plain-answer', faults: { contextWindow: 1 } },
  {
    name: 'refused reasoning.summary (wrapped error on WS, 400 on HTTP)',
    scenario: 'plain-answer',
    body: { reasoning: { summary: 'auto' } },
    faults: { account: { unverifiedOrg: true } },
  },
  { name: 'warm-up', scenario: 'plain-answer', body: { generate: false }, wsOnly: true },
];

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, keepaliveEvery: 50 });
});
afterAll(async () => {
  await sim.close();
});

async function overWs(c: Case): Promise<Ev[]> {
  const ws = await RawWs.open(sim.url);
  try {
    ws.send({ type: 'response.create', model: 'gpt-5.5', store: false, input: [user('go')], ...c.body });
    return await ws.nextResponse(0, 10_000);
  } finally {
    ws.close();
  }
}

async function overSse(c: Case): Promise<Ev[]> {
  const res = await fetch(`${sim.url}/responses`, {
    method: 'POST',
    headers: { Authorization: 'Bearer sk-test', 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.5', store: false, stream: true, input: [user('go')], ...c.body }),
  });
  const text = await res.text();
  if (!res.ok) return [];
  return parseSse(text).map((r) => {
    const ev = JSON.parse(r.data) as Ev;
    expect(r.event, 'SSE event name = data.type').toBe(ev.type);
    return ev;
  });
}

describe(`simulator events vs the OpenAPI description (openai-openapi ${FIXTURE.source.commit.slice(0, 7)})`, () => {
  const seen = new Set<string>();
  for (const c of CASES) {
    for (const transport of ['websocket', 'http'] as const) {
      if (c.wsOnly && transport === 'http') continue;
      it(`${c.name} over ${transport}`, async () => {
        sim.setScenario(c.scenario);
        sim.setFaults(c.faults ?? {});
        const events = transport === 'websocket' ? await overWs(c) : await overSse(c);
        if (!(c.faults?.account && transport === 'http')) expect(events.length).toBeGreaterThan(0);
        const found = events.flatMap((e) => problems(e, transport));
        expect(found).toEqual([]);
        for (const e of events) seen.add(e.type);
      });
    }
  }

  it('the cases covered the event kinds that matter', () => {
    for (const t of [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.output_item.done',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.reasoning_summary_text.delta',
      'response.function_call_arguments.delta',
      'response.custom_tool_call_input.delta',
      'response.completed',
      'response.incomplete',
      'response.failed',
      'error',
      'keepalive',
    ])
      expect(seen, t).toContain(t);
  });

  it('the checker itself rejects what the description forbids', () => {
    expect(
      problems(
        {
          type: 'response.output_text.delta',
          item_id: 'x',
          output_index: 0,
          content_index: 0,
          delta: 'a',
          sequence_number: 1,
        },
        'ws',
      ),
    ).toEqual(['ws response.output_text.delta: missing required "logprobs"']);
    expect(
      problems({ type: 'response.failed', sequence_number: 1, response: { id: 'r', status: 'failed' } }, 'ws')
        .length,
    ).toBeGreaterThan(5);
    expect(problems({ type: 'response.simulator_unknown_event', sequence_number: 1 }, 'ws')).toHaveLength(1);
  });
});

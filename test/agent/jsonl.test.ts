import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../../src/agent/loop.js';
import type { PolicyPort } from '../../src/agent/tool-exec.js';
import { JSONL_SCHEMA_VERSION } from '../../src/output/jsonl-events.js';
import { JsonlWriter } from '../../src/output/jsonl-writer.js';
import { call, FakeSession, FakeTools, msg } from './fakes.js';

const schema = JSON.parse(
  readFileSync(new URL('../../schema/jsonl-events.schema.json', import.meta.url), 'utf8'),
);
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

const policy: PolicyPort = {
  decide: (c) =>
    c.kind === 'execute' && String((c.args as { text?: string }).text).startsWith('rm')
      ? { action: 'ask', sandboxed: false, reason: 'rm needs approval' }
      : { action: 'auto', sandboxed: true, reason: 'ok' },
};

async function runLines() {
  const session = new FakeSession([
    {
      output: [
        {
          type: 'reasoning',
          id: 'rs1',
          summary: [{ type: 'summary_text', text: 'thinking' }],
          encrypted_content: 'xx',
        },
        call('c1', 'echo', { text: 'ls' }),
      ],
      resetFirst: true,
    },
    {
      output: [
        call('c2', 'write', { path: 'a.txt' }),
        call('c3', 'read', { path: 'b' }),
        call('c4', 'echo', { text: 'rm -rf /' }),
        { type: 'function_call', id: 'x', call_id: 'c5', name: 'bogus', arguments: '{' },
      ],
    },
    { output: [msg('final answer', 'm9')] },
  ]);
  const agent = createAgent({
    session,
    tools: new FakeTools(),
    policy,
    interactive: false,
    approval: 'suggest',
    limits: { maxTurns: 0, timeoutMs: 0, maxTokens: 0 },
    info: {
      sessionId: 's1',
      model: 'm',
      cwd: '/ws',
      transport: 'auto',
      sandbox: 'bwrap',
      version: '0.1.0',
      instructionFiles: ['/ws/AGENTS.md'],
    },
    warnings: ['instructions truncated'],
  });
  const lines: string[] = [];
  const writer = new JsonlWriter((l) => lines.push(l));
  agent.subscribe((e) => writer.handle(e));
  await agent.run('go');
  await agent.close();
  return lines.map((l) => JSON.parse(l) as Record<string, unknown> & { type: string; seq: number });
}

describe('JSONL stream', () => {
  it('every line validates against the published schema; framing and seq hold', async () => {
    const recs = await runLines();
    for (const r of recs) {
      const ok = validate(r);
      expect(ok, `${JSON.stringify(r)}\n${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(recs[0]?.type).toBe('session.started');
    expect(recs.at(-1)?.type).toBe('session.completed');
    expect(recs.map((r) => r.seq)).toEqual(recs.map((_, i) => i));
    const types = new Set(recs.map((r) => r.type));
    for (const t of [
      'turn.started',
      'turn.retrying',
      'item.started',
      'item.delta',
      'item.completed',
      'transport',
      'turn.completed',
      'warning',
    ]) {
      expect(types, t).toContain(t);
    }
    const itemTypes = new Set(
      recs.filter((r) => r.type === 'item.completed').map((r) => (r['item'] as { type: string }).type),
    );
    for (const t of [
      'agent_message',
      'reasoning',
      'command_execution',
      'file_change',
      'tool_call',
      'approval_request',
    ])
      expect(itemTypes, t).toContain(t);
    const last = recs.at(-1)!;
    expect(last).toMatchObject({ status: 'success', result: 'final answer', exit_code: 0, num_turns: 3 });
    expect(last['permission_denials']).toEqual([expect.objectContaining({ call_id: 'c4', tool: 'echo' })]);
    const cmd = recs.find(
      (r) => r.type === 'item.completed' && (r['item'] as { call_id?: string }).call_id === 'c1',
    );
    expect(cmd?.['item']).toMatchObject({
      type: 'command_execution',
      command: 'ls',
      exit_code: 0,
      output: 'ls',
      status: 'completed',
      sandboxed: true,
    });
    const started = recs
      .filter((r) => r.type === 'item.started')
      .map((r) => (r['item'] as { id: string }).id);
    const completed = recs
      .filter((r) => r.type === 'item.completed' && (r['item'] as { type: string }).type !== 'error')
      .map((r) => (r['item'] as { id: string }).id);
    // Every completed item was started first (the retried attempt's 'partial' item was abandoned).
    for (const id of completed) expect(started).toContain(id);
    expect(started).toContain('partial');
    expect(completed).not.toContain('partial');
  });
});

describe('JSONL schema version', () => {
  it('the emitted version, the schema file and the README name the same version, and README lists its changes', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const started = schema.$defs.line_session_started.properties.schema_version;
    expect(started).toEqual({ const: JSONL_SCHEMA_VERSION });
    expect(schema.title).toContain(`(schema_version ${JSONL_SCHEMA_VERSION})`);
    expect(readme).toContain(`### JSONL event stream (\`schema_version\` ${JSONL_SCHEMA_VERSION})`);
    // Every version from 1 to the current one has its entry in the README's version list.
    for (let v = 1; v <= JSONL_SCHEMA_VERSION; v++)
      expect(readme).toMatch(new RegExp(`^- \\*\\*${v}\\*\\*: `, 'm'));
  });
});

describe('JSONL command output', () => {
  it('drops the model-facing "[exit code N]" footer (exit_code carries it)', async () => {
    const { withoutExitFooter } = await import('../../src/output/jsonl-events.js');
    expect(withoutExitFooter('hello\nworld\n[exit code 0]')).toBe('hello\nworld\n');
    expect(withoutExitFooter('(no output)\n[exit code 1]')).toBe('');
    expect(withoutExitFooter('x\n[exit code 137 (killed by SIGKILL)]')).toBe('x\n');
    // Only a real trailing footer goes; text that merely mentions one stays.
    expect(withoutExitFooter('[exit code 3] is what it said\n')).toBe('[exit code 3] is what it said\n');
    expect(withoutExitFooter('partial [exit code 2]')).toBe('partial [exit code 2]');
  });
});

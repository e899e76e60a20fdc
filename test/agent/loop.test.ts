import { describe, expect, it } from 'vitest';
import type { AgentEvent, AgentPersistence, ApprovalMode, LedgerEntry } from '../../src/agent/events.js';
import { INTERRUPTED_OUTPUT } from '../../src/agent/ledger.js';
import { createAgent } from '../../src/agent/loop.js';
import type { CallDecision, PolicyPort } from '../../src/agent/tool-exec.js';
import type { AgentOptions } from '../../src/agent/types.js';
import type { FunctionCallOutputItem, Item } from '../../src/protocol/items.js';
import type { ReadyCall } from '../../src/tools/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { call, FakeSession, FakeTools, msg, type ScriptedTurn } from './fakes.js';

const autoPolicy: PolicyPort = { decide: () => ({ action: 'auto', sandboxed: false, reason: 'test' }) };
const askShellPolicy: PolicyPort = {
  decide: (c: ReadyCall): CallDecision =>
    c.kind === 'execute'
      ? { action: 'ask', sandboxed: false, reason: 'shell needs approval' }
      : { action: 'auto', sandboxed: false, reason: 'read' },
};

function setup(script: ScriptedTurn[], over: Partial<AgentOptions> = {}) {
  const session = (over.session as FakeSession | undefined) ?? new FakeSession(script);
  const tools = new FakeTools();
  const events: AgentEvent[] = [];
  const agent = createAgent({
    session,
    tools,
    policy: autoPolicy,
    interactive: false,
    approval: 'full-auto' as ApprovalMode,
    limits: { maxTurns: 0, timeoutMs: 0, maxTokens: 0 },
    info: {
      sessionId: 's1',
      model: 'm',
      cwd: '/ws',
      transport: 'auto',
      sandbox: 'none',
      version: '0',
      instructionFiles: [],
    },
    ...over,
  });
  agent.subscribe((e) => events.push(e));
  return { agent, session, tools, events };
}

function outputsOf(items: Item[]): FunctionCallOutputItem[] {
  return items.filter((i): i is FunctionCallOutputItem => i.type === 'function_call_output');
}

describe('agent loop', () => {
  it('runs tool calls after the response and sends their outputs as the next input', async () => {
    const { agent, session, tools, events } = setup([
      { output: [call('c1', 'echo', { text: 'one' })] },
      { output: [call('c2', 'echo', { text: 'two' })] },
      { output: [msg('all done')] },
    ]);
    const out = await agent.run('do it');
    expect(out).toMatchObject({
      status: 'success',
      terminalReason: 'completed',
      result: 'all done',
      numTurns: 3,
      exitCode: 0,
    });
    expect(tools.runs).toEqual(['c1', 'c2']);
    expect(session.inputs[0]).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'do it' }] },
    ]);
    expect(outputsOf(session.inputs[1]!)).toEqual([
      { type: 'function_call_output', call_id: 'c1', output: 'one' },
    ]);
    expect(outputsOf(session.inputs[2]!)).toEqual([
      { type: 'function_call_output', call_id: 'c2', output: 'two' },
    ]);
    expect(events[0]?.type).toBe('session_started');
    expect(events.at(-1)).toMatchObject({
      type: 'run_finished',
      status: 'success',
      usage: { totalTokens: 300 },
    });
  });

  it('replaces accumulated deltas with the done text and signals retries', async () => {
    const { agent, events } = setup([{ output: [msg('hello world', 'm1')], resetFirst: true }]);
    await agent.run('hi');
    const types = events.map((e) => e.type);
    expect(types).toContain('turn_retrying');
    expect(types.indexOf('turn_retrying')).toBeLessThan(types.indexOf('assistant_item_done'));
    const done = events.filter((e) => e.type === 'assistant_item_done');
    expect(done).toEqual([{ type: 'assistant_item_done', turnId: 't1', itemId: 'm1', text: 'hello world' }]);
    const deltas = events
      .filter((e) => e.type === 'assistant_delta' && e.itemId === 'm1')
      .map((e) => (e as { text: string }).text);
    expect(deltas.join('')).toBe('hello world');
  });

  it('denies an ask in a non-interactive run, tells the model and records the denial', async () => {
    const { agent, session, tools, events } = setup(
      [
        { output: [call('c1', 'echo', { text: 'rm -rf x' }), call('c2', 'read', { path: 'a' })] },
        { output: [msg('could not')] },
      ],
      { policy: askShellPolicy, approval: 'suggest' },
    );
    const out = await agent.run('clean up');
    expect(tools.runs).toEqual(['c2']);
    expect(out.status).toBe('success');
    expect(out.permissionDenials).toEqual([expect.objectContaining({ callId: 'c1', tool: 'echo' })]);
    const [o1, o2] = outputsOf(session.inputs[1]!);
    expect(o1?.output).toMatch(/non-interactive/);
    expect(o1?.output).toMatch(/NOT run/);
    expect(o2?.output).toBe('read:a');
    expect(events.some((e) => e.type === 'approval_requested' && e.callId === 'c1')).toBe(true);
    expect(
      events.some(
        (e) => e.type === 'approval_resolved' && e.by === 'non_interactive' && e.decision === 'deny',
      ),
    ).toBe(true);
  });

  it('waits for the user in interactive mode and honours an edited command', async () => {
    const { agent, session, tools, events } = setup(
      [{ output: [call('c1', 'echo', { text: 'orig' })] }, { output: [msg('ok')] }],
      { policy: askShellPolicy, interactive: true, approval: 'suggest' },
    );
    agent.subscribe((e) => {
      if (e.type === 'approval_requested')
        setTimeout(() => agent.resolveApproval(e.callId, { kind: 'edit', command: 'edited' }), 1);
    });
    const out = await agent.run('go');
    expect(out.status).toBe('success');
    expect(tools.runs).toEqual(['c1']);
    expect(outputsOf(session.inputs[1]!)[0]?.output).toBe('edited');
    expect(
      events.some((e) => e.type === 'approval_resolved' && e.decision === 'edit' && e.by === 'user'),
    ).toBe(true);
  });

  it('stops before a model call at --max-turns with exit 5', async () => {
    const script = Array.from({ length: 10 }, (_, i) => ({
      output: [call(`c${i}`, 'echo', { text: `s${i}` })],
    }));
    const { agent, session } = setup(script, { limits: { maxTurns: 3, timeoutMs: 0, maxTokens: 0 } });
    const out = await agent.run('loop');
    expect(out).toMatchObject({ status: 'failed', terminalReason: 'max_turns', exitCode: 5, numTurns: 3 });
    expect(session.inputs).toHaveLength(3);
  });

  it('stops at the token budget', async () => {
    const script = Array.from({ length: 10 }, (_, i) => ({
      output: [call(`c${i}`, 'echo', { text: `s${i}` })],
      tokens: 400,
    }));
    const { agent } = setup(script, { limits: { maxTurns: 0, timeoutMs: 0, maxTokens: 1000 } });
    const out = await agent.run('loop');
    expect(out).toMatchObject({ terminalReason: 'max_tokens', exitCode: 5, numTurns: 3 });
  });

  it('stops at the wall-clock limit (fake clock) and cancels a hanging call', async () => {
    const clock = new FakeClock();
    const { agent } = setup([{ hang: true }], {
      clock,
      limits: { maxTurns: 0, timeoutMs: 5000, maxTokens: 0 },
    });
    const p = agent.run('wait');
    await clock.advance(5000);
    const out = await p;
    expect(out).toMatchObject({ terminalReason: 'timeout', exitCode: 5, status: 'failed' });
  });

  it('maps session failures to terminal reasons and exit codes', async () => {
    const a = setup([{ fail: { kind: 'auth', message: '401 invalid key' } }]);
    expect(await a.agent.run('x')).toMatchObject({ terminalReason: 'auth_refused', exitCode: 3 });
    const n = setup([{ fail: { kind: 'network', message: 'ECONNREFUSED' } }]);
    expect(await n.agent.run('x')).toMatchObject({ terminalReason: 'network_unreachable', exitCode: 4 });
    const s = setup([{ fail: { kind: 'server', message: '500' } }]);
    expect(await s.agent.run('x')).toMatchObject({ terminalReason: 'model_error', exitCode: 1 });
  });

  it('cancel during a tool run sends an aborted output on the next turn', async () => {
    const { agent, session, events } = setup(
      [{ output: [call('c1', 'slow', { ms: 10_000 })] }, { output: [msg('after')] }],
      { interactive: true },
    );
    agent.subscribe((e) => {
      if (e.type === 'tool_started') setTimeout(() => agent.cancel(), 5);
    });
    const out = await agent.run('slow');
    expect(out).toMatchObject({ status: 'cancelled', terminalReason: 'cancelled', exitCode: 130 });
    const out2 = await agent.run('next');
    expect(out2.status).toBe('success');
    const next = session.inputs[1]!;
    expect(next[0]).toEqual({ type: 'function_call_output', call_id: 'c1', output: 'aborted' });
    expect(next[1]).toMatchObject({ type: 'message', role: 'user' });
    expect(
      events
        .filter((e) => e.type === 'tool_finished')
        .map((e) => (e as { result: { status: string } }).result.status),
    ).toEqual(['aborted']);
  });

  it('never runs a call_id twice (ledger), reusing its output', async () => {
    const { agent, session, tools } = setup([
      { output: [call('dup', 'echo', { text: 'once' })] },
      { output: [call('dup', 'echo', { text: 'once' })] },
      { output: [msg('fin')] },
    ]);
    await agent.run('x');
    expect(tools.runs).toEqual(['dup']);
    expect(outputsOf(session.inputs[2]!)[0]?.output).toBe('once');
  });

  it('writes the ledger entry as running before the tool runs', async () => {
    const log: string[] = [];
    const persistence: AgentPersistence = {
      onItems: (_items, dir) => log.push(`items:${dir}`),
      onLedger: (e: LedgerEntry) => log.push(`ledger:${e.callId}:${e.state}`),
      onEvent: (e) => {
        if (e.type === 'tool_started') log.push(`started:${e.callId}`);
      },
      flush: async () => {
        log.push('flush');
      },
    };
    const { agent } = setup([{ output: [call('c1', 'echo', { text: 'a' })] }, { output: [msg('done')] }], {
      persistence,
    });
    await agent.run('x');
    expect(log.indexOf('ledger:c1:running')).toBeLessThan(log.indexOf('started:c1'));
    expect(log).toContain('ledger:c1:done');
    expect(log.filter((l) => l === 'flush').length).toBeGreaterThanOrEqual(2);
  });

  it('resume: a call still running at load gets a synthetic output and is not re-run', async () => {
    const transcript: Item[] = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'earlier' }] },
      call('old', 'echo', { text: 'side effect' }),
    ];
    const session = new FakeSession([{ output: [msg('resumed')] }], transcript);
    const { agent, tools } = setup([], {
      session,
      ledger: [{ callId: 'old', name: 'echo', state: 'running' }],
      resumed: true,
    });
    await agent.run('continue');
    expect(tools.runs).toEqual([]);
    expect(session.inputs[0]![0]).toEqual({
      type: 'function_call_output',
      call_id: 'old',
      output: INTERRUPTED_OUTPUT,
    });
  });

  it('runs reads in parallel and shell commands one at a time, outputs in model order', async () => {
    const { agent, session, tools } = setup([
      {
        output: [
          call('r1', 'read', { path: 'a' }),
          call('r2', 'read', { path: 'b' }),
          call('e1', 'echo', { text: 'x' }),
          call('e2', 'echo', { text: 'y' }),
        ],
      },
      { output: [msg('ok')] },
    ]);
    await agent.run('x');
    expect(tools.maxActive).toBe(2);
    expect(outputsOf(session.inputs[1]!).map((o) => o.call_id)).toEqual(['r1', 'r2', 'e1', 'e2']);
  });

  it('queues input submitted while running and sends it after the tool outputs', async () => {
    const { agent, session } = setup(
      [{ output: [call('c1', 'slow', { ms: 30 })] }, { output: [msg('first')] }],
      { interactive: true },
    );
    let sent = false;
    agent.subscribe((e) => {
      if (e.type === 'tool_started' && !sent) {
        sent = true;
        agent.submit({ text: 'also this' });
      }
    });
    const out = await agent.run('start');
    expect(out.status).toBe('success');
    const second = session.inputs[1]!;
    expect(second.map((i) => i.type)).toEqual(['function_call_output', 'message']);
    expect(agent.getSnapshot().queued).toEqual([]);
  });

  it('gives an invalid call a model-readable error output without running it', async () => {
    const { agent, session, tools } = setup([
      { output: [{ type: 'function_call', id: 'fc', call_id: 'bad', name: 'nope', arguments: '{}' }] },
      { output: [msg('sorry')] },
    ]);
    await agent.run('x');
    expect(tools.runs).toEqual([]);
    expect(outputsOf(session.inputs[1]!)[0]?.output).toBe('unknown tool nope');
  });

  it('forwards transport status events and snapshot state', async () => {
    const { agent, events } = setup([{ output: [msg('a')] }]);
    await agent.run('x');
    expect(events.some((e) => e.type === 'transport' && e.event.type === 'connected')).toBe(true);
    expect(agent.getSnapshot()).toMatchObject({ running: false, turns: 1, usage: { totalTokens: 100 } });
  });

  it('interactive: "always" persists a rule through the policy port; a deny tells the model', async () => {
    const allowed: string[] = [];
    const policy: PolicyPort = { ...askShellPolicy, allowAlways: (c) => allowed.push(c.callId) };
    const { agent, session, tools } = setup(
      [
        { output: [call('c1', 'echo', { text: 'a' }), call('c2', 'echo', { text: 'b' })] },
        { output: [msg('ok')] },
      ],
      { policy, interactive: true, approval: 'suggest' },
    );
    agent.subscribe((e) => {
      if (e.type !== 'approval_requested') return;
      const d =
        e.callId === 'c1' ? { kind: 'always' as const } : { kind: 'deny' as const, reason: 'not now' };
      setTimeout(() => agent.resolveApproval(e.callId, d), 1);
    });
    const out = await agent.run('go');
    expect(allowed).toEqual(['c1']);
    expect(tools.runs).toEqual(['c1']);
    const [o1, o2] = outputsOf(session.inputs[1]!);
    expect(o1?.output).toBe('a');
    expect(o2?.output).toMatch(/denied this tool call \(not now\)/);
    expect(out.permissionDenials).toEqual([expect.objectContaining({ callId: 'c2', reason: 'not now' })]);
  });

  it('cancel while an approval is pending answers the call with "aborted"', async () => {
    const { agent, session, tools } = setup(
      [{ output: [call('c1', 'echo', { text: 'a' })] }, { output: [msg('later')] }],
      { policy: askShellPolicy, interactive: true, approval: 'suggest' },
    );
    agent.subscribe((e) => {
      if (e.type === 'approval_requested') {
        expect(agent.getSnapshot().pendingApprovals).toEqual(['c1']);
        setTimeout(() => agent.cancel(), 1);
      }
    });
    const out = await agent.run('go');
    expect(out.status).toBe('cancelled');
    expect(tools.runs).toEqual([]);
    expect(agent.getSnapshot().pendingApprovals).toEqual([]);
    await agent.run('next');
    expect(outputsOf(session.inputs[1]!)).toEqual([
      { type: 'function_call_output', call_id: 'c1', output: 'aborted' },
    ]);
  });

  it('newSession: fresh id, empty transcript and ledger, one session_started each time', async () => {
    let n = 0;
    const { agent, session, events } = setup(
      [{ output: [call('c1', 'echo', { text: 'a' })] }, { output: [msg('one')] }, { output: [msg('two')] }],
      {
        newSession: async () => ({ sessionId: `s-new-${++n}` }),
      },
    );
    await agent.run('first');
    await agent.newSession();
    expect(session.items).toEqual([]);
    expect(session.fields.prompt_cache_key).toBe('s-new-1');
    expect(agent.getSnapshot()).toMatchObject({ sessionId: 's-new-1', turns: 0, usage: { totalTokens: 0 } });
    await agent.run('second');
    const started = events
      .filter((e) => e.type === 'session_started')
      .map((e) => (e as { sessionId: string }).sessionId);
    expect(started).toEqual(['s1', 's-new-1']);
  });
});

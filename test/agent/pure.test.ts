import { describe, expect, it } from 'vitest';
import { ABORTED_OUTPUT, danglingCallOutputs, INTERRUPTED_OUTPUT, Ledger } from '../../src/agent/ledger.js';
import { checkLimits } from '../../src/agent/limits.js';
import { exitCodeFor, reasonForTurnError, statusFor } from '../../src/agent/outcome.js';
import { planBatches } from '../../src/agent/scheduler.js';
import { classifyStartError } from '../../src/agent/start-error.js';
import { answerText, initialTurnState, reduceTurnEvent } from '../../src/agent/turn-reducer.js';
import { composePrompt } from '../../src/output/compose-prompt.js';
import { TetherError } from '../../src/util/errors.js';

describe('scheduler', () => {
  const r = (p: string) => ({ kind: 'read' as const, touches: [p], id: `r:${p}` });
  const w = (p: string) => ({ kind: 'edit' as const, touches: [p], id: `w:${p}` });
  const x = (id: string) => ({ kind: 'execute' as const, touches: [], id: `x:${id}` });
  const ids = (b: Array<Array<{ id: string }>>) => b.map((g) => g.map((c) => c.id));

  it('batches reads and disjoint edits, serialises conflicts and shell commands', () => {
    expect(ids(planBatches([r('/a'), r('/b'), w('/c'), w('/d')]))).toEqual([
      ['r:/a', 'r:/b', 'w:/c', 'w:/d'],
    ]);
    expect(ids(planBatches([w('/a'), r('/a')]))).toEqual([['w:/a'], ['r:/a']]);
    expect(ids(planBatches([w('/dir'), w('/dir/file')]))).toEqual([['w:/dir'], ['w:/dir/file']]);
    expect(ids(planBatches([w('/dir'), w('/dirt')]))).toEqual([['w:/dir', 'w:/dirt']]);
    expect(ids(planBatches([r('/a'), x('1'), x('2'), r('/b')]))).toEqual([
      ['r:/a'],
      ['x:1'],
      ['x:2'],
      ['r:/b'],
    ]);
    expect(planBatches([])).toEqual([]);
  });
});

describe('limits', () => {
  const L = { maxTurns: 3, timeoutMs: 1000, maxTokens: 500 };
  it('each limit has its own reason; 0 disables', () => {
    expect(checkLimits(L, { turns: 2, elapsedMs: 999, totalTokens: 499 })).toBeNull();
    expect(checkLimits(L, { turns: 3, elapsedMs: 0, totalTokens: 0 })?.reason).toBe('max_turns');
    expect(checkLimits(L, { turns: 0, elapsedMs: 1000, totalTokens: 0 })?.reason).toBe('timeout');
    expect(checkLimits(L, { turns: 0, elapsedMs: 0, totalTokens: 500 })?.reason).toBe('max_tokens');
    expect(
      checkLimits(
        { maxTurns: 0, timeoutMs: 0, maxTokens: 0 },
        { turns: 1e6, elapsedMs: 1e9, totalTokens: 1e9 },
      ),
    ).toBeNull();
  });
});

describe('outcome', () => {
  it('maps reasons to the README exit codes', () => {
    expect(exitCodeFor('completed')).toBe(0);
    expect(exitCodeFor('model_error')).toBe(1);
    expect(exitCodeFor('auth_refused')).toBe(3);
    expect(exitCodeFor('network_unreachable')).toBe(4);
    expect(['max_turns', 'timeout', 'max_tokens'].map((r) => exitCodeFor(r as 'timeout'))).toEqual([5, 5, 5]);
    expect(exitCodeFor('cancelled')).toBe(130);
    expect(statusFor('completed')).toBe('success');
    expect(statusFor('cancelled')).toBe('cancelled');
    expect(statusFor('timeout')).toBe('failed');
    expect(reasonForTurnError('auth')).toBe('auth_refused');
    expect(reasonForTurnError('network')).toBe('network_unreachable');
    expect(reasonForTurnError('server')).toBe('model_error');
  });
  it('classifies warm-up failures', () => {
    expect(classifyStartError(new TetherError('401', 3, 'auth_refused'), 'm')?.reason).toBe('auth_refused');
    expect(classifyStartError(Object.assign(new Error('x'), { kind: 'network' }), 'm')?.reason).toBe(
      'network_unreachable',
    );
    expect(classifyStartError(new Error('transient'), 'm')).toBeNull();
  });
});

describe('turn reducer', () => {
  it('discards partial text on attempt_reset and replaces deltas with the done item', () => {
    const st = initialTurnState('t1');
    const ev = (event: Record<string, unknown>) =>
      reduceTurnEvent(st, { type: 'event', event: event as { type: string } });
    expect(ev({ type: 'response.output_text.delta', item_id: 'a', delta: 'Hel' })).toEqual([
      { type: 'assistant_delta', turnId: 't1', itemId: 'a', text: 'Hel' },
    ]);
    expect(reduceTurnEvent(st, { type: 'attempt_reset', attempt: 2, max: 5, reason: 'drop' })[0]?.type).toBe(
      'turn_retrying',
    );
    expect(st.items.size).toBe(0);
    ev({ type: 'response.output_text.delta', item_id: 'b', delta: 'Hi' });
    const done = ev({
      type: 'response.output_item.done',
      output_index: 0,
      item: {
        type: 'message',
        id: 'b',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hi there' }],
      },
    });
    expect(done).toEqual([{ type: 'assistant_item_done', turnId: 't1', itemId: 'b', text: 'Hi there' }]);
    // Late deltas for a done item are ignored; a duplicate done is not re-emitted.
    expect(ev({ type: 'response.output_text.delta', item_id: 'b', delta: 'x' })).toEqual([]);
    expect(
      ev({
        type: 'response.output_item.done',
        output_index: 0,
        item: { type: 'message', id: 'b', role: 'assistant', content: [] },
      }),
    ).toEqual([]);
    const rs = ev({
      type: 'response.output_item.done',
      output_index: 1,
      item: { type: 'reasoning', id: 'r', summary: [{ type: 'summary_text', text: 'plan' }] },
    });
    expect(rs).toEqual([{ type: 'reasoning_done', turnId: 't1', itemId: 'r', text: 'plan' }]);
  });
  it('answerText joins assistant messages only', () => {
    expect(
      answerText([
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'a' }] },
        { type: 'function_call', call_id: 'c', name: 'x', arguments: '{}' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'b' }] },
      ]),
    ).toBe('a\n\nb');
  });
});

describe('ledger', () => {
  it('answers dangling calls: recorded output, interrupted, or aborted', () => {
    const ledger = new Ledger([
      { callId: 'done', name: 'shell', state: 'done', output: 'ok' },
      { callId: 'run', name: 'shell', state: 'running' },
    ]);
    const fc = (id: string) => ({ type: 'function_call', call_id: id, name: 'shell', arguments: '{}' });
    const r = danglingCallOutputs(
      [
        fc('done'),
        fc('run'),
        fc('never'),
        fc('answered'),
        { type: 'function_call_output', call_id: 'answered', output: 'x' },
      ],
      ledger,
    );
    expect(r.outputs).toEqual([
      { callId: 'done', kind: 'function', output: 'ok' },
      { callId: 'run', kind: 'function', output: INTERRUPTED_OUTPUT },
      { callId: 'never', kind: 'function', output: ABORTED_OUTPUT },
    ]);
    expect(ledger.get('run')?.state).toBe('failed');
    expect(r.updates.map((u) => u.callId)).toEqual(['run', 'never']);
  });

  it('answers a dangling custom tool call with a custom_tool_call_output kind', () => {
    const r = danglingCallOutputs(
      [
        { type: 'custom_tool_call', call_id: 'p1', name: 'apply_patch', input: '*** Begin Patch' },
        { type: 'custom_tool_call', call_id: 'p2', name: 'apply_patch', input: 'x' },
        { type: 'custom_tool_call_output', call_id: 'p2', output: 'done' },
      ],
      new Ledger([{ callId: 'p1', name: 'apply_patch', state: 'running' }]),
    );
    expect(r.outputs).toEqual([{ callId: 'p1', kind: 'custom', output: INTERRUPTED_OUTPUT }]);
  });
});

describe('print prompt', () => {
  it('attaches piped stdin as context', () => {
    expect(composePrompt('summarise', 'line1\nline2\n')).toBe('summarise\n\n<stdin>\nline1\nline2\n</stdin>');
    expect(composePrompt('x', '  \n')).toBe('x');
    expect(composePrompt('x', undefined)).toBe('x');
  });
});

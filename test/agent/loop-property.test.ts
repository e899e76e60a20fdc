/**
 * Property: over random scripted conversations (calls, duplicate call ids, invalid tools, text,
 * failures, resets), every run terminates, no call_id runs twice, and every call the model made
 * is answered (by an output sent after it) whenever the run completed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../../src/agent/loop.js';
import type { Item } from '../../src/protocol/items.js';
import { call, FakeSession, FakeTools, msg, type ScriptedTurn } from './fakes.js';

const callArb = fc.record({
  id: fc.integer({ min: 1, max: 12 }).map((n) => `c${n}`),
  name: fc.constantFrom('echo', 'read', 'write', 'nope'),
});
const turnArb: fc.Arbitrary<ScriptedTurn> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ calls: fc.array(callArb, { minLength: 1, maxLength: 3 }), reset: fc.boolean() })
      .map(({ calls, reset }) => ({
        output: calls.map((c) => call(c.id, c.name, { text: c.id, path: c.id })),
        resetFirst: reset,
      })),
  },
  { weight: 1, arbitrary: fc.constant({ fail: { kind: 'server' as const, message: 'boom' } }) },
);

describe('agent loop (property)', () => {
  it('terminates, never runs a call twice, answers every call once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(turnArb, { minLength: 0, maxLength: 6 }),
        fc.integer({ min: 0, max: 5 }),
        async (script, maxTurns) => {
          const session = new FakeSession([...script, { output: [msg('end')] }]);
          const tools = new FakeTools();
          const agent = createAgent({
            session,
            tools,
            policy: { decide: () => ({ action: 'auto', sandboxed: false, reason: 'p' }) },
            interactive: false,
            approval: 'full-auto',
            limits: { maxTurns, timeoutMs: 0, maxTokens: 0 },
            info: {
              sessionId: 's',
              model: 'm',
              cwd: '/ws',
              transport: 'auto',
              sandbox: 'none',
              version: '0',
              instructionFiles: [],
            },
          });
          const out = await agent.run('go');
          expect(['completed', 'model_error', 'max_turns']).toContain(out.terminalReason);
          expect(new Set(tools.runs).size).toBe(tools.runs.length);
          // Every output answers a call made earlier, and no call is answered twice.
          const called = new Set<string>();
          const answered = new Set<string>();
          for (const item of session.items as Item[]) {
            if (item.type === 'function_call') called.add((item as { call_id: string }).call_id);
            if (item.type === 'function_call_output') {
              const id = (item as { call_id: string }).call_id;
              expect(called.has(id)).toBe(true);
              answered.add(id);
            }
          }
          if (out.terminalReason === 'completed')
            for (const id of called) expect(answered.has(id)).toBe(true);
          await agent.close();
        },
      ),
      { numRuns: 150, seed: 77 },
    );
  });
});

/** Every event the simulator emits passes tether's own wire validator as a known event type. */
import { afterEach, describe, expect, it } from 'vitest';
import { parseServerEvent } from '../../src/protocol/server-events.js';
import { listScenarios, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { createOnce, doneItems, RawWs, responseId, SHELL_TOOL, user } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator events vs src/protocol', () => {
  it.each(listScenarios().filter((n) => n !== 'long-markdown-200k'))(
    '%s: every event parses as known',
    async (name) => {
      sim = await startSimulator({ scenario: name, seed: 91 });
      const c = await RawWs.open(sim.url);
      let ev = await createOnce(c, {
        input: [user('go')],
        tools: [SHELL_TOOL],
        include: ['reasoning.encrypted_content'],
        context_management: [{ type: 'compaction', compact_threshold: 1000 }],
        instructions: 'i'.repeat(5000),
      });
      const all = [...ev];
      for (let i = 0; i < 60; i++) {
        const calls = doneItems(ev).filter((it) => it['type'] === 'function_call');
        if (calls.length === 0) break;
        ev = await createOnce(c, {
          previous_response_id: responseId(ev),
          input: calls.map((call) => ({
            type: 'function_call_output',
            call_id: call['call_id'],
            output: 'fail 0',
          })),
          tools: [SHELL_TOOL],
        });
        all.push(...ev);
      }
      expect(all.at(-1)!.type).toBe('response.completed');
      for (const e of all) {
        const parsed = parseServerEvent(JSON.stringify(e));
        expect(parsed.ok, JSON.stringify(e).slice(0, 200)).toBe(true);
        if (parsed.ok) expect(parsed.known, e.type).toBe(true);
      }
      c.close();
    },
  );
});

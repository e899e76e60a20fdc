/** R7: kill the socket at a random event in 100 seeded runs; text delivered once, nothing partial left. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMessage, userMessage } from '../../src/protocol/items.js';
import { createSessionController } from '../../src/session/controller.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { seededRandom } from '../../src/util/random.js';
import { API_KEY, answerText, FAST, FIELDS, Screen } from './helpers/harness.js';

const ANSWER = 'The quick brown fox jumps over the lazy dog, then naps in the warm afternoon sun.';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    apiKey: API_KEY,
    seed: 3,
    scenario: { name: 'long-answer', chunkChars: 3, turns: [{ steps: [{ say: ANSWER }] }] },
  });
});
afterAll(async () => {
  await sim.close();
});

describe('kill the socket mid-stream (100 seeded runs)', () => {
  it('every turn completes, the answer is shown exactly once, no partial text remains', async () => {
    const rand = seededRandom(2026);
    let resets = 0;
    for (let run = 0; run < 100; run++) {
      const session = createSessionController({
        baseUrl: sim.url,
        apiKey: API_KEY,
        request: FIELDS,
        settings: FAST,
        random: seededRandom(run),
      });
      // the first create of this session is the next request number on the simulator
      const n = sim.recorder.creates().length + 1;
      const event = 1 + Math.floor(rand() * 30); // the answer streams ~35 events
      const mode = rand() < 0.5 ? 'terminate' : 'close';
      sim.setFaults({ drop: { request: n, event, mode, code: 1011 } });
      const screen = new Screen();
      let created = 0;
      const res = await session.runTurn([userMessage(`run ${run}`)], {
        onEvent: (e) => {
          if (e.type === 'event' && e.event.type === 'response.created') created++;
          screen.onEvent(e);
        },
      });
      expect(res.status, `run ${run}: ${res.error?.message}`).toBe('completed');
      expect(answerText(res)).toBe(ANSWER);
      expect(screen.text, `run ${run} (drop after event ${event}, ${mode})`).toBe(ANSWER);
      expect(res.metrics.attempts).toBe(2);
      const messages = session.transcript().filter((i) => isMessage(i) && i.role === 'assistant');
      expect(messages).toHaveLength(1);
      // exactly the failed attempts that showed something were followed by a reset
      expect(screen.resets).toBe(created - 1);
      resets += screen.resets;
      await session.close();
    }
    // (a terminate() can discard frames the server had queued, so not every run shows partial text)
    expect(resets).toBeGreaterThan(20);
  });
});

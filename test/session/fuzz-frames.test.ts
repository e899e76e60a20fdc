/** R13: malformed/binary/unknown frames and drops interleaved with valid events never crash the session. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userMessage } from '../../src/protocol/items.js';
import { createSessionController } from '../../src/session/controller.js';
import { type MalformedFault, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { seededRandom } from '../../src/util/random.js';
import { API_KEY, answerText, FAST, FIELDS, Screen } from './helpers/harness.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    apiKey: API_KEY,
    seed: 5,
    scenario: {
      name: 'fuzz',
      chunkChars: 5,
      turns: [{ steps: [{ say: 'A steady answer for the fuzzer to break.' }] }],
    },
  });
});
afterAll(async () => {
  await sim.close();
});

describe('frame fuzzing (seeded)', () => {
  it('every turn ends completed or failed, never throws, and completed text is intact', async () => {
    const errors: unknown[] = [];
    const onErr = (e: unknown) => errors.push(e);
    process.on('unhandledRejection', onErr);
    process.on('uncaughtException', onErr);
    let completed = 0;
    try {
      for (let seed = 0; seed < 40; seed++) {
        const rand = seededRandom(1000 + seed);
        const base = sim.recorder.creates().length;
        const malformed: MalformedFault[] = [];
        const kinds = ['json', 'binary', 'unknown-event'] as const;
        for (let i = 0; i < 1 + Math.floor(rand() * 6); i++) {
          malformed.push({
            request: base + 1 + Math.floor(rand() * 4),
            event: Math.floor(rand() * 12),
            kind: kinds[Math.floor(rand() * 3)] ?? 'json',
          });
        }
        const drop =
          rand() < 0.5
            ? {
                request: base + 1 + Math.floor(rand() * 4),
                event: Math.floor(rand() * 12),
                mode: 'terminate' as const,
              }
            : undefined;
        sim.setFaults(drop ? { malformed, drop } : { malformed });
        const session = createSessionController({
          baseUrl: sim.url,
          apiKey: API_KEY,
          request: FIELDS,
          settings: { ...FAST, transport: 'websocket' },
          random: seededRandom(seed),
        });
        for (let t = 0; t < 3; t++) {
          const screen = new Screen();
          const res = await session.runTurn([userMessage(`seed ${seed} turn ${t}`)], {
            onEvent: screen.onEvent,
          });
          expect(['completed', 'failed']).toContain(res.status);
          if (res.status === 'completed') {
            completed++;
            expect(screen.text).toBe(answerText(res));
          }
        }
        await session.close();
      }
    } finally {
      process.off('unhandledRejection', onErr);
      process.off('uncaughtException', onErr);
    }
    expect(errors).toEqual([]);
    expect(completed).toBeGreaterThan(100); // malformed frames are tolerated or retried; the turn succeeds
  });
});

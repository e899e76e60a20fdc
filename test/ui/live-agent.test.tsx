/**
 * R7 through the real stack: the real agent and session controller against the simulator, whose
 * socket is killed (TCP terminate) at a seeded random delta of the answer; after every retry the
 * rendered transcript (ink-testing-library, ANSI-stripped) holds the answer exactly once more.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AgentRuntime, createAgentRuntime } from '../../src/agent/create.js';
import { defaultSettings } from '../../src/config/schema.js';
import { type Scenario, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { App } from '../../src/ui/app.js';
import { UiController } from '../../src/ui/controller.js';
import { nullServices } from '../../src/ui/services/types.js';
import { UiStore } from '../../src/ui/store.js';
import { realClock } from '../../src/util/clock.js';
import { printedScreen } from '../helpers/printed-screen.js';

const WORDS = Array.from({ length: 40 }, (_, i) => `w${i}x`);
const ANSWER = `Answer begins. ${WORDS.slice(0, 20).join(' ')}\n\nSecond block ${WORDS.slice(20).join(' ')} END-MARK`;
const SCENARIO: Scenario = {
  name: 'ui-r7',
  chunkChars: 6,
  turns: [{ steps: [{ say: ANSWER }] }],
  fallback: ANSWER,
};
const ITERATIONS = 12;

let sim: Simulator;
let runtime: AgentRuntime;

beforeAll(async () => {
  sim = await startSimulator({ scenario: SCENARIO, seed: 11 });
  const home = mkdtempSync(join(tmpdir(), 'tether-ui-r7-'));
  runtime = await createAgentRuntime({
    settings: {
      ...defaultSettings(),
      baseUrl: sim.url,
      sandbox: 'off',
      transport: 'websocket',
      backoffBaseMs: 5,
      backoffMaxMs: 20,
      reasoningEffort: 'none',
    },
    cwd: home,
    apiKey: 'sk-test-ui-r7-0123456789abcdef',
    interactive: true,
    env: { TETHER_HOME: home, HOME: home, PATH: process.env['PATH'] ?? '' },
  });
});

afterAll(async () => {
  await runtime?.close();
  await sim?.close();
});

const count = (hay: string, needle: string) => hay.split(needle).length - 1;

it(`a socket killed mid-answer ${ITERATIONS} times: the answer appears exactly once each time`, async () => {
  const store = new UiStore({
    clock: realClock,
    model: 'm',
    approval: 'suggest',
    contextWindow: 100_000,
    coalesceMs: 0,
  });
  const controller = new UiController({
    store,
    agent: runtime.agent,
    services: nullServices(),
    clock: realClock,
    onExit: () => {},
  });
  controller.start();
  const out = printedScreen();
  const printed = out.chunks;
  const r = render(<App store={store} controller={controller} print={out.print} />);
  let seed = 99;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  let retries = 0;
  const unsub = runtime.agent.subscribe((e) => {
    if (e.type === 'turn_retrying') retries++;
  });
  for (let i = 0; i < ITERATIONS; i++) {
    // Events 1–4 are created/in_progress/item added/part added; the deltas follow.
    const k = 5 + Math.floor(rnd() * 30);
    sim.setFaults({ drop: { event: k, mode: 'terminate', times: 1 } });
    const done = new Promise<void>((resolve) => {
      const off = runtime.agent.subscribe((e) => {
        if (e.type === 'run_finished') {
          off();
          resolve();
        }
      });
    });
    controller.submit(`question ${i}`);
    await done;
    await new Promise((res) => setTimeout(res, 20));
    const screen = stripAnsi(printed.join('') + (r.lastFrame() ?? ''));
    expect(count(screen, 'END-MARK'), `iteration ${i}, drop after event ${k}`).toBe(i + 1);
    // Every word once per answer: no replayed prefix, no lost piece.
    for (const w of WORDS) expect(screen.match(new RegExp(`\\b${w}\\b`, 'g'))?.length ?? 0, w).toBe(i + 1);
  }
  unsub();
  // The fault path really ran (the first drop may land on the warm-up, which has no deltas).
  expect(retries).toBeGreaterThanOrEqual(ITERATIONS - 2);
  r.unmount();
  controller.stop();
  store.close();
}, 60_000);

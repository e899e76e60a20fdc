/** Shared setup for session integration tests against the in-process simulator. */

import type { FunctionToolSpec, RequestFields } from '../../../src/protocol/client-events.js';
import {
  functionCallOutput,
  type Item,
  isFunctionCall,
  isMessage,
  messageText,
  userMessage,
} from '../../../src/protocol/items.js';
import { createSessionController } from '../../../src/session/controller.js';
import type {
  SessionController,
  SessionSettings,
  SessionStatusEvent,
  TurnOptions,
  TurnResult,
  TurnStreamEvent,
} from '../../../src/session/types.js';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../../src/simulator/index.js';
import type { Clock, FakeClock } from '../../../src/util/clock.js';
import { seededRandom } from '../../../src/util/random.js';

export const API_KEY = 'sk-test-tether-0123456789abcdefghijklmnop';

export const SHELL_TOOL: FunctionToolSpec = {
  type: 'function',
  name: 'shell',
  description: 'Run a shell command in the workspace and return its output.',
  parameters: {
    type: 'object',
    properties: { command: { type: 'string', description: 'The command line to run.' } },
    required: ['command'],
    additionalProperties: false,
  },
  strict: true,
};

export const FIELDS: RequestFields = {
  model: 'gpt-5.5',
  instructions:
    'You are tether, a careful coding agent. Use the shell tool to inspect and change the workspace. '.repeat(
      8,
    ),
  tools: [SHELL_TOOL],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  reasoning: { effort: 'medium', summary: 'auto' },
  store: false,
  prompt_cache_key: 'test-thread',
};

/** Fast settings for tests: small backoff, generous heartbeat (ms). */
export const FAST: SessionSettings = {
  transport: 'auto',
  wsDeflate: true,
  connectTimeoutMs: 2000,
  rotationAgeMs: 55 * 60_000,
  heartbeatIntervalMs: 30_000,
  heartbeatTimeoutMs: 30_000,
  streamIdleTimeoutMs: 10_000,
  maxRetries: 5,
  backoffBaseMs: 5,
  backoffMaxMs: 20,
  fallbackReprobeTurns: 10,
};

export interface Rig {
  sim: Simulator;
  session: SessionController;
  status: SessionStatusEvent[];
  close(): Promise<void>;
}

export async function rig(
  simOpts: SimulatorOptions,
  over: {
    settings?: Partial<SessionSettings>;
    fields?: Partial<RequestFields>;
    clock?: Clock;
    seed?: number;
    transcript?: Item[];
    apiKey?: string;
    onWarmupRefused?: (code: string, message: string) => void;
  } = {},
): Promise<Rig> {
  const sim = await startSimulator({ apiKey: API_KEY, seed: 1, ...simOpts });
  const session = createSessionController({
    baseUrl: sim.url,
    apiKey: over.apiKey ?? API_KEY,
    request: { ...FIELDS, ...over.fields },
    settings: { ...FAST, ...over.settings },
    random: seededRandom(over.seed ?? 42),
    ...(over.clock ? { clock: over.clock } : {}),
    ...(over.transcript ? { transcript: over.transcript } : {}),
    ...(over.onWarmupRefused ? { onWarmupRefused: over.onWarmupRefused } : {}),
  });
  const status: SessionStatusEvent[] = [];
  session.subscribe((e) => status.push(e));
  return {
    sim,
    session,
    status,
    async close() {
      await session.close();
      await sim.close();
    },
  };
}

/**
 * Awaits `p` while a fake clock is shared with real I/O: if `p` has not settled after
 * `graceMs` of real time (a healthy turn takes a few ms), fake time is advanced in 10 ms steps
 * so backoff sleeps and timeouts on the fake clock cannot deadlock the test.
 */
export async function pump<T>(clock: FakeClock, p: Promise<T>, graceMs = 200): Promise<T> {
  let done = false;
  void p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  const start = Date.now();
  while (!done) {
    await new Promise((res) => setTimeout(res, 2));
    if (!done && Date.now() - start > graceMs) await clock.advance(10);
  }
  return p;
}

/** What a UI would show: deltas appended, cleared on `attempt_reset`. */
export class Screen {
  text = '';
  resets = 0;
  onEvent = (e: TurnStreamEvent): void => {
    if (e.type === 'attempt_reset') {
      this.text = '';
      this.resets++;
      return;
    }
    if (e.event.type === 'response.output_text.delta') this.text += String(e.event['delta']);
  };
}

/** Final assistant text of a result. */
export function answerText(r: TurnResult): string {
  return r.output.filter(isMessage).map(messageText).join('');
}

/** Runs a user message and then answers every function call with a fake output until a message. */
export async function toolLoop(
  session: SessionController,
  prompt: string,
  opts: TurnOptions = {},
  maxCalls = 100,
): Promise<TurnResult[]> {
  const results: TurnResult[] = [];
  let next: Item[] = [userMessage(prompt)];
  for (let i = 0; i <= maxCalls; i++) {
    const r = await session.runTurn(next, opts);
    results.push(r);
    if (r.status !== 'completed') return results;
    const calls = r.output.filter(isFunctionCall);
    if (calls.length === 0) return results;
    next = calls.map((c) => functionCallOutput(c.call_id, `ran: ${c.arguments}`));
  }
  return results;
}

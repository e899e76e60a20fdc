/** Drives tether's own agent runtime (src/agent/create.ts) in-process against a simulator. */
import type { AgentRuntime, AgentRuntimeOptions } from '../../src/agent/create.js';
import type { AgentEvent } from '../../src/agent/events.js';
import type { Agent } from '../../src/agent/loop.js';
import type { AgentOptions, RunOutcome } from '../../src/agent/types.js';
import { defaultSettings, type Settings } from '../../src/config/schema.js';
import type { FunctionToolSpec } from '../../src/protocol/client-events.js';
import type { SessionController, SessionControllerOptions } from '../../src/session/types.js';
import { ALLOW_ALL, EchoTools } from './bench-tools.js';
import { BENCH_API_KEY, makeHome, makeWorkspace } from './cli-run.js';
import { type HarnessPaths, loadExport } from './load-src.js';

type CreateAgentRuntime = (o: AgentRuntimeOptions) => Promise<AgentRuntime>;
type CreateAgent = (o: AgentOptions) => Agent;
type CreateSessionController = (o: SessionControllerOptions) => SessionController;

/** A timestamped agent event (`at` = performance.now(), ms). */
export interface TimedEvent {
  at: number;
  event: AgentEvent;
}

/** Result of {@link runAgentInProcess}. */
export interface InProcessRun {
  /** `runtime`: createAgentRuntime (real tools); `composed`: real session + agent loop + echo tools. */
  via: 'runtime' | 'composed';
  /** Why the composed fallback was used. */
  fallbackReason?: string;
  wallMs: number;
  outcome: RunOutcome;
  events: TimedEvent[];
}

/** Settings for benchmark runs: full-auto, no sandbox, given transport and base URL. */
export function benchSettings(
  baseUrl: string,
  transport: 'websocket' | 'http',
  extra: Partial<Settings> = {},
): Settings {
  return { ...defaultSettings(), baseUrl, transport, approval: 'full-auto', sandbox: 'off', ...extra };
}

/** Builds an agent: createAgentRuntime when it loads, else the composed fallback. */
async function buildAgent(
  paths: HarnessPaths,
  settings: Settings,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ agent: Agent; close(): Promise<void>; via: InProcessRun['via']; fallbackReason?: string }> {
  try {
    const create = await loadExport<CreateAgentRuntime>(paths, 'src/agent', 'createAgentRuntime');
    const rt = await create({ settings, cwd, apiKey: BENCH_API_KEY, interactive: false, env });
    return { agent: rt.agent, close: () => rt.close(), via: 'runtime' };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n').slice(0, 3).join(' ') : String(err);
    const createAgent = await loadExport<CreateAgent>(paths, 'src/agent', 'createAgent');
    const tools = new EchoTools();
    const session = await createBenchSession(paths, settings.baseUrl, settings, tools.specs());
    const agent = createAgent({
      session,
      tools,
      policy: ALLOW_ALL,
      interactive: false,
      approval: 'full-auto',
      limits: { maxTurns: 0, timeoutMs: 0, maxTokens: 0 },
      info: {
        sessionId: 'bench',
        model: settings.model,
        cwd,
        transport: settings.transport as 'websocket' | 'http',
        sandbox: 'off',
        version: 'bench',
        instructionFiles: [],
      },
    });
    return { agent, close: () => agent.close(), via: 'composed', fallbackReason: reason };
  }
}

/** Runs one prompt to completion in-process (real session; real tools when src/tools has landed). */
export async function runAgentInProcess(
  paths: HarnessPaths,
  opts: { baseUrl: string; transport: 'websocket' | 'http'; prompt: string; settings?: Partial<Settings> },
): Promise<InProcessRun> {
  const home = makeHome();
  const cwd = makeWorkspace(paths, `inproc-${opts.transport}`);
  const env: NodeJS.ProcessEnv = { ...process.env, TETHER_HOME: home, HOME: home, NO_COLOR: '1' };
  const t0 = performance.now();
  const built = await buildAgent(paths, benchSettings(opts.baseUrl, opts.transport, opts.settings), cwd, env);
  const events: TimedEvent[] = [];
  const unsubscribe = built.agent.subscribe((event) => events.push({ at: performance.now(), event }));
  try {
    const outcome = await built.agent.run(opts.prompt);
    return {
      via: built.via,
      ...(built.fallbackReason ? { fallbackReason: built.fallbackReason } : {}),
      wallMs: performance.now() - t0,
      outcome,
      events,
    };
  } finally {
    unsubscribe();
    await built.close();
  }
}

/** A bare session controller (no agent, no tools) for session-level benchmarks. */
export async function createBenchSession(
  paths: HarnessPaths,
  baseUrl: string,
  settings: Partial<Settings> = {},
  tools: FunctionToolSpec[] = [],
): Promise<SessionController> {
  const create = await loadExport<CreateSessionController>(paths, 'src/session', 'createSessionController');
  const s = benchSettings(baseUrl, 'websocket', settings);
  return create({
    baseUrl,
    apiKey: BENCH_API_KEY,
    request: { model: s.model, instructions: 'You are a benchmark.', tools, store: false },
    // Settings is a superset of SessionSettings: the session reads only its own keys.
    settings: s,
  });
}

/**
 * The factory every CLI mode shares: detects the sandbox, builds the tools, the instructions,
 * the session controller (request fields) and the agent. Everything here is wiring; behaviour
 * lives in the modules it connects.
 */
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Settings } from '../config/schema.js';
import type { McpServerConfig } from '../mcp/config.js';
import type { McpManager } from '../mcp/manager.js';
import {
  type AllowRules,
  addAllowRule,
  decide,
  detectSandbox,
  formatRule,
  legacyRulesWarning,
  loadAllowRules,
  type SandboxInfo,
} from '../policy/index.js';
import type { RequestFields } from '../protocol/client-events.js';
import type { Item } from '../protocol/items.js';
import { createSessionController } from '../session/controller.js';
import type { SessionController, SessionSettings } from '../session/types.js';
import {
  createShellLauncher,
  createToolRuntime,
  pruneSpillRoot,
  resolveToolProfile,
  sanitizeEnv,
} from '../tools/index.js';
import type { ReadyCall, ToolRuntime } from '../tools/types.js';
import { type Clock, realClock } from '../util/clock.js';
import { newSessionId } from '../util/ids.js';
import { dataDir } from '../util/paths.js';
import { VERSION } from '../util/version.js';
import type { AgentPersistence, ApprovalMode, LedgerEntry } from './events.js';
import { buildInstructions, type LoadedInstructions } from './instructions.js';
import { type Agent, createAgent } from './loop.js';
import type { CallDecision, PolicyPort } from './tool-exec.js';

/** Options of {@link createAgentRuntime}. */
export interface AgentRuntimeOptions {
  settings: Settings;
  /** Workspace directory. */
  cwd: string;
  apiKey: string;
  /** False for --prompt runs (approvals are denied instead of awaited). */
  interactive: boolean;
  /** Defaults to a new id (also the `prompt_cache_key`). */
  sessionId?: string;
  /** A resumed session: its context window and ledger. */
  resume?: { items: Item[]; ledger: LedgerEntry[] };
  persistence?: AgentPersistence;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  /** Shown once at session start besides the instruction warnings (e.g. untrusted project keys). */
  warnings?: string[];
  /** For `/new` in the TUI: fresh persistence for a new session id. */
  newPersistence?: (sessionId: string) => AgentPersistence | undefined;
  /** MCP servers to start in the background (their tools join the request when ready). */
  mcpServers?: McpServerConfig[];
  /** One-line notices about the MCP configuration (e.g. an untrusted `.mcp.json` ignored). */
  mcpWarnings?: string[];
}

/** What {@link createAgentRuntime} built. */
export interface AgentRuntime {
  agent: Agent;
  session: SessionController;
  tools: ToolRuntime;
  sandbox: SandboxInfo;
  instructions: LoadedInstructions;
  sessionId: string;
  /** The non-input request fields sent with every create. */
  requestFields: RequestFields;
  /** The MCP servers of this runtime, or null when none is configured. */
  mcp: McpManager | null;
  /** Resolves when every MCP server has started or failed (at once when there are none). */
  mcpSettled(): Promise<void>;
  /** Closes the agent and its socket. */
  close(): Promise<void>;
}

/** Compaction threshold in tokens: the setting, or 80% of the context window. */
export function compactThreshold(settings: Pick<Settings, 'compactThreshold' | 'contextWindow'>): number {
  return settings.compactThreshold > 0 ? settings.compactThreshold : Math.floor(settings.contextWindow * 0.8);
}

/** The `tools` of a request: tether's own, plus the service's hosted web search when enabled. */
export function requestTools(
  settings: Pick<Settings, 'webSearch'>,
  tools: ToolRuntime,
): NonNullable<RequestFields['tools']> {
  const specs: NonNullable<RequestFields['tools']> = [...tools.specs()];
  if (settings.webSearch) specs.push({ type: 'web_search' });
  return specs;
}

/** The non-input fields of every `response.create` (PROTOCOL §2.1, §5.5: they never carry over). */
export function buildRequestFields(
  settings: Settings,
  instructions: string,
  tools: ToolRuntime,
  sessionId: string,
): RequestFields {
  const fields: RequestFields = {
    model: settings.model,
    instructions,
    tools: requestTools(settings, tools),
    tool_choice: 'auto',
    parallel_tool_calls: true,
    store: settings.store,
    prompt_cache_key: sessionId,
    // The server requires compact_threshold ≥ 1000 (§6.1).
    context_management: [
      { type: 'compaction', compact_threshold: Math.max(1000, compactThreshold(settings)) },
    ],
  };
  if (settings.reasoningEffort !== 'none') {
    fields.reasoning = { effort: settings.reasoningEffort, summary: 'auto' };
    // Reasoning items must be replayable in full-context (stateless) requests (§5.3).
    fields.include = ['reasoning.encrypted_content'];
  }
  return fields;
}

function sessionSettings(s: Settings): SessionSettings {
  return {
    transport: s.transport,
    wsDeflate: s.wsDeflate,
    connectTimeoutMs: s.connectTimeoutMs,
    rotationAgeMs: s.rotationAgeMs,
    heartbeatIntervalMs: s.heartbeatIntervalMs,
    heartbeatTimeoutMs: s.heartbeatTimeoutMs,
    streamIdleTimeoutMs: s.streamIdleTimeoutMs,
    maxRetries: s.maxRetries,
    backoffBaseMs: s.backoffBaseMs,
    backoffMaxMs: s.backoffMaxMs,
    fallbackReprobeTurns: s.fallbackReprobeTurns,
  };
}

/**
 * Binds src/policy to the agent's PolicyPort. "Always allow" saves exactly the rule the approval
 * prompt showed for that call (in the user's config, keyed by the project's real path).
 */
export function policyPort(
  workspace: string,
  sandbox: SandboxInfo,
  opts: { allowDotenv?: boolean; env?: NodeJS.ProcessEnv } = {},
): PolicyPort {
  const env = opts.env ?? process.env;
  let rules: AllowRules = loadAllowRules(workspace, env);
  const offered = new Map<string, string[]>();
  const root = realpathOr(workspace);
  const allowDotenv = opts.allowDotenv === true;
  return {
    async decide(call: ReadyCall, mode: ApprovalMode): Promise<CallDecision> {
      const { allowRule, ...d } = await decide(call, {
        mode,
        sandbox,
        rules,
        workspace: root,
        allowDotenv,
        mcpAllowed: (name) => rules.prefixes.some((p) => p.length === 1 && p[0] === name),
      });
      if (!allowRule) return d;
      offered.set(call.callId, allowRule);
      return { ...d, allowRule: formatRule(allowRule) };
    },
    allowAlways(call: ReadyCall) {
      if (call.kind === 'mcp') {
        // An MCP tool is allowed by its qualified name (`mcp__server__tool`), nothing wider.
        rules = addAllowRule(workspace, [call.name], env);
        return;
      }
      const rule = offered.get(call.callId);
      offered.delete(call.callId);
      // Nothing was offered (compound command, launcher…): approved once, no rule written.
      if (rule) rules = addAllowRule(workspace, rule, env);
    },
  };
}

function realpathOr(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

/** Builds the sandbox, tools, instructions, session controller and agent for one conversation. */
export async function createAgentRuntime(opts: AgentRuntimeOptions): Promise<AgentRuntime> {
  const { settings, cwd } = opts;
  const env = opts.env ?? process.env;
  const clock = opts.clock ?? realClock;
  const sessionId = opts.sessionId ?? newSessionId(new Date(clock.wallNow()));
  const sandbox = await detectSandbox(settings.sandbox as SandboxInfo['requested']);
  // Notices from the shell snapshot reach the agent once it exists (it buffers until started).
  let notify: (message: string) => void = () => undefined;
  const early: string[] = [];
  const shellLauncher = createShellLauncher({
    env: sanitizeEnv(env),
    dir: join(dataDir(env), 'shell-snapshots'),
    sessionId,
    enabled: settings.shellSnapshot,
    timeoutMs: settings.shellSnapshotTimeoutMs,
    onNotice: (message) => (agentRef ? notify(message) : early.push(message)),
  });
  // Off the critical path: the login profile runs while the socket opens and warms.
  shellLauncher.start();
  let agentRef: Agent | null = null;
  const spillRoot = join(dataDir(env), 'spill');
  const spillDir = join(spillRoot, sessionId);
  const builtinTools = createToolRuntime({
    workspace: cwd,
    spillDir,
    spillBytesInUse: pruneSpillRoot(spillRoot, spillDir, settings.toolSpillTotalMaxBytes),
    env,
    settings: {
      toolTimeoutMs: settings.toolTimeoutMs,
      toolMaxTimeoutMs: settings.toolMaxTimeoutMs,
      toolInactivityTimeoutMs: settings.toolInactivityTimeoutMs,
      toolOutputMaxChars: settings.toolOutputMaxChars,
      toolSpillMaxBytes: settings.toolSpillMaxBytes,
      toolSpillTotalMaxBytes: settings.toolSpillTotalMaxBytes,
      imageMaxBytes: settings.imageMaxBytes,
    },
    sandbox,
    clock,
    shellLauncher,
    exec: {
      maxSessions: settings.execMaxSessions,
      bufferChars: settings.execBufferChars,
      onNotice: (message) => (agentRef ? notify(message) : early.push(message)),
    },
    profile: resolveToolProfile(settings.toolProfile, settings.model),
  });
  const mcpServers = (opts.mcpServers ?? []).filter((s) => s.enabled);
  let mcp: McpManager | null = null;
  let tools: ToolRuntime = builtinTools;
  const mcpNotices: string[] = [];
  let onMcpNotice = (message: string): void => {
    mcpNotices.push(message);
  };
  let onMcpTools = () => {};
  if (mcpServers.length > 0) {
    const [{ McpManager }, { withMcpTools }] = await Promise.all([
      import('../mcp/manager.js'),
      import('../mcp/tool-runtime.js'),
    ]);
    mcp = new McpManager({
      servers: opts.mcpServers ?? [],
      cwd,
      env,
      startupTimeoutMs: settings.mcpStartupTimeoutMs,
      callTimeoutMs: settings.mcpCallTimeoutMs,
      clientVersion: VERSION,
      onEvent: (e) => {
        if (e.type === 'warning' && e.message) onMcpNotice(e.message);
        if (e.type === 'tools_changed') onMcpTools();
      },
    });
    tools = withMcpTools(builtinTools, mcp, {
      spillDir,
      outputMaxChars: settings.toolOutputMaxChars,
      now: () => clock.now(),
    });
  }
  const approval = settings.approval as ApprovalMode;
  const instructions = buildInstructions({
    cwd,
    approval,
    sandbox: sandbox.message,
    tools: tools.specs().map((s) => s.name),
    interactive: opts.interactive,
    maxBytes: settings.instructionsMaxBytes,
    env,
  });
  const requestFields = buildRequestFields(settings, instructions.text, tools, sessionId);
  const session = createSessionController({
    baseUrl: settings.baseUrl,
    apiKey: opts.apiKey,
    request: requestFields,
    settings: sessionSettings(settings),
    ...(opts.resume ? { transcript: [...opts.resume.items] } : {}),
    clock,
  });
  const agent = createAgent({
    session,
    tools,
    policy: policyPort(cwd, sandbox, { allowDotenv: settings.allowDotenv, env }),
    interactive: opts.interactive,
    approval,
    limits: {
      maxTurns: settings.maxTurns,
      timeoutMs: settings.timeout * 1000,
      maxTokens: settings.maxTokens,
    },
    info: {
      sessionId,
      model: settings.model,
      cwd,
      transport: settings.transport as 'auto' | 'websocket' | 'http',
      sandbox: sandbox.message,
      version: VERSION,
      instructionFiles: instructions.files,
    },
    ...(opts.persistence ? { persistence: opts.persistence } : {}),
    clock,
    ...(opts.resume ? { ledger: opts.resume.ledger, resumed: true } : {}),
    warnings: [
      ...(opts.warnings ?? []),
      ...instructions.warnings,
      ...(opts.mcpWarnings ?? []),
      ...[legacyRulesWarning(cwd)].filter((w): w is string => w !== null),
    ],
    newSession: async () => {
      const id = newSessionId(new Date(clock.wallNow()));
      const persistence = opts.newPersistence?.(id);
      return { sessionId: id, ...(persistence ? { persistence } : {}) };
    },
  });
  agentRef = agent;
  notify = (message) => agent.notice(message);
  for (const message of early.splice(0)) agent.notice(message);
  let mcpStarted: Promise<void> = Promise.resolve();
  if (mcp) {
    const manager = mcp;
    onMcpNotice = (message) => agent.notice(message);
    for (const message of mcpNotices) agent.notice(message);
    // New or changed MCP tools join the next request (never a turn already on the wire).
    onMcpTools = () => {
      session.setRequestFields({ tools: requestTools(settings, tools) });
    };
    mcpStarted = manager.start().catch(() => undefined);
  }
  return {
    agent,
    session,
    tools,
    sandbox,
    instructions,
    sessionId,
    requestFields,
    mcp,
    mcpSettled: () => mcpStarted,
    close: async () => {
      await agent.close();
      shellLauncher.dispose();
      await mcp?.close();
    },
  };
}

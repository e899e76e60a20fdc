/**
 * The factory every CLI mode shares: detects the sandbox, builds the tools, the instructions,
 * the session controller (request fields) and the agent. Everything here is wiring; behaviour
 * lives in the modules it connects.
 */
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SettingSource } from '../config/load.js';
import type { Settings } from '../config/schema.js';
import { openUserState, type UserState } from '../config/user-state.js';
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
  mcpRule,
  mcpToolAllowed,
  type SandboxInfo,
} from '../policy/index.js';
import type { ProcessNamespaceSetting } from '../policy/sandbox.js';
import type { RequestFields } from '../protocol/client-events.js';
import type { Item } from '../protocol/items.js';
import { createSessionController } from '../session/controller.js';
import type { SessionController } from '../session/types.js';
import {
  createShellLauncher,
  createToolRuntime,
  pickShell,
  pruneSpillRoot,
  resolveToolProfile,
  type ShellLauncher,
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
import { setupMcp } from './mcp-setup.js';
import { applyRemembered } from './refusals.js';
import {
  buildRequestFields,
  reasoningFields,
  refusalHook,
  requestHeaders,
  requestTools,
  sessionSettings,
  WARMUP_PARAM,
  warmupRemembered,
} from './request-fields.js';
import type { CallDecision, PolicyPort } from './tool-exec.js';

/** Options of {@link createAgentRuntime}. */
export interface AgentRuntimeOptions {
  settings: Settings;
  /** Where each setting came from: a field the user set explicitly is never dropped on refusal. */
  sources?: Record<string, SettingSource>;
  /** Remembered refusals (default: the state file under the config dir). */
  userState?: UserState;
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
  newPersistence?: (
    sessionId: string,
  ) => AgentPersistence | undefined | Promise<AgentPersistence | undefined>;
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
  /** The session's shell engine (snapshot launcher): the TUI's `!cmd` runs through it too. */
  shell: ShellLauncher;
  /** Resolves when every MCP server has started or failed (at once when there are none). */
  mcpSettled(): Promise<void>;
  /** Closes the agent and its socket. */
  close(): Promise<void>;
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
  // Commands run in `$SHELL` when it is zsh (pickShell): the classifier must know.
  const defaultShell = pickShell(env).kind;
  return {
    async decide(call: ReadyCall, mode: ApprovalMode): Promise<CallDecision> {
      const { allowRule, ...d } = await decide(call, {
        mode,
        sandbox,
        rules,
        workspace: root,
        allowDotenv,
        defaultShell,
        mcpAllowed: (server, tool) => mcpToolAllowed(rules, server, tool),
      });
      if (!allowRule) return d;
      offered.set(call.callId, allowRule);
      return { ...d, allowRule: formatRule(allowRule) };
    },
    allowAlways(call: ReadyCall) {
      if (call.kind === 'mcp') {
        // Exactly this server's tool (`@mcp server tool`), never the model-facing name that two
        // servers' tools may share.
        const { server, tool } = call.subject;
        if (server !== undefined && tool !== undefined)
          rules = addAllowRule(workspace, mcpRule(server, tool), env);
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
  const sandbox = await detectSandbox(
    settings.sandbox as SandboxInfo['requested'],
    settings.processNamespace as ProcessNamespaceSetting,
  );
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
  const {
    mcp,
    tools,
    start: startMcp,
  } = await setupMcp({
    servers: opts.mcpServers ?? [],
    builtin: builtinTools,
    settings,
    cwd,
    env,
    spillDir,
    clock,
  });
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
  const userState = opts.userState ?? (await openUserState(env));
  const explicit = (key: string) => (opts.sources?.[key] ?? 'default') !== 'default';
  const fieldsFor = ({ reasoning: _r, include: _i, ...base }: RequestFields, model: string): RequestFields =>
    applyRemembered(
      { ...base, model, ...reasoningFields(settings, model) },
      userState.refusals(settings.baseUrl, model).map((r) => r.param),
      explicit,
    );
  const requestFields = fieldsFor(
    buildRequestFields(settings, instructions.text, tools, sessionId),
    settings.model,
  );
  const session = createSessionController({
    baseUrl: settings.baseUrl,
    apiKey: opts.apiKey,
    headers: requestHeaders(settings),
    onRefusedField: refusalHook(settings, opts.sources, userState, clock),
    request: requestFields,
    // A service that refused the warm-up for this base URL + model is not asked again for a while
    // (unless `warmup` was set explicitly).
    settings: {
      ...sessionSettings(settings),
      warmup:
        settings.warmup &&
        (explicit('warmup') || !warmupRemembered(userState, settings.baseUrl, settings.model)),
    },
    // Remembered for the model in use when it was refused (`/model` may have changed it).
    onWarmupRefused: (code) =>
      userState.rememberRefusal(settings.baseUrl, session.requestFields().model, {
        param: WARMUP_PARAM,
        code,
        at: clock.wallNow(),
      }),
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
      // The transport the session starts on (auto starts on the WebSocket; a later fallback to
      // HTTP is its own transport event), not the setting.
      transport: settings.transport === 'http' ? 'http' : 'websocket',
      sandbox: sandbox.message,
      sandboxMode:
        sandbox.tier === 'bwrap' ? 'bubblewrap' : sandbox.requested === 'off' ? 'off' : 'unavailable',
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
    fieldsForModel: (model) => {
      const { reasoning, include } = fieldsFor(session.requestFields(), model);
      return { reasoning: reasoning ?? null, include: include ?? [] };
    },
    newSession: async (resumeId) => {
      const id = resumeId ?? newSessionId(new Date(clock.wallNow()));
      // The snapshot is per session: the old file goes, the new capture runs in the background.
      shellLauncher.renew(id);
      const persistence = await opts.newPersistence?.(id);
      return { sessionId: id, ...(persistence ? { persistence } : {}) };
    },
  });
  agentRef = agent;
  notify = (message) => agent.notice(message);
  for (const message of early.splice(0)) agent.notice(message);
  // New or changed MCP tools join the next request (never a turn already on the wire).
  const mcpStarted = startMcp({
    notice: (message) => agent.notice(message),
    toolsChanged: () => session.setRequestFields({ tools: requestTools(settings, tools) }),
  });
  return {
    agent,
    session,
    tools,
    sandbox,
    instructions,
    sessionId,
    requestFields,
    mcp,
    shell: shellLauncher,
    mcpSettled: () => mcpStarted,
    close: async () => {
      await agent.close();
      shellLauncher.dispose();
      await mcp?.close();
    },
  };
}

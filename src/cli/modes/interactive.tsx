/**
 * `tether` with no `--prompt`: the interactive session. Builds the agent (with session
 * persistence, resume and `/new` support) and hands it to the Ink screen in src/ui/.
 */
import { type AgentRuntime, createAgentRuntime } from '../../agent/create.js';
import type { ApprovalMode } from '../../agent/events.js';
import {
  createSessionWriter,
  findLatestSession,
  listSessions,
  loadForResume,
  type ResumeData,
  resumeTarget,
  type SessionWriter,
} from '../../store/index.js';
import { killAllToolProcesses } from '../../tools/index.js';
import { createNodeServices } from '../../ui/services/node-services.js';
import { exitCodeOf, formatError } from '../../util/errors.js';
import { EXIT } from '../../util/exit-codes.js';
import { sessionsDir } from '../../util/paths.js';
import type { CliContext } from '../context.js';
import { customCommandsFor } from '../custom-commands.js';

/** Max wait for the agent, socket and session files to close on exit (ms). */
const CLOSE_GRACE_MS = 3_000;

/** Resolves after `p` settles or `ms` passes, whichever is first. */
export function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((done) => {
    const t = setTimeout(done, ms);
    t.unref();
    const settle = () => {
      clearTimeout(t);
      done();
    };
    p.then(settle, settle);
  });
}

/**
 * Imports a UI module the way the interactive screen needs it:
 * - React's production build: React picks its build from NODE_ENV when first loaded, and the
 *   development build costs several times the CPU per render;
 * - live rendering even when CI / CONTINUOUS_INTEGRATION is set: Ink reads them once, when it
 *   is loaded, and then draws only the last frame at exit, which leaves a real terminal blank.
 *   They are hidden only while the module loads, so tool commands still see them.
 */
async function importUi<T>(load: () => Promise<T>): Promise<T> {
  process.env['NODE_ENV'] ??= 'production';
  const saved = { CI: process.env['CI'], CONTINUOUS_INTEGRATION: process.env['CONTINUOUS_INTEGRATION'] };
  for (const key of Object.keys(saved)) if (process.env[key] !== undefined) process.env[key] = 'false';
  try {
    return await load();
  } finally {
    for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
  }
}

/** Loads the Ink screen (see {@link importUi}). */
export function loadScreen(): Promise<typeof import('../../ui/run-screen.js')> {
  return importUi(() => import('../../ui/run-screen.js'));
}

/** Loads the session picker (Ink), like {@link loadScreen}. */
export function loadPicker(): Promise<typeof import('../../ui/session-picker.js')> {
  return importUi(() => import('../../ui/session-picker.js'));
}

/** Loads the project trust prompt (Ink), like {@link loadScreen}. */
export function loadTrustPrompt(): Promise<typeof import('../../ui/trust-prompt.js')> {
  return importUi(() => import('../../ui/trust-prompt.js'));
}

/** True when both ends are a terminal. */
export function hasTerminal(
  ctx: Pick<CliContext, 'stdout'>,
  stdin: NodeJS.ReadStream = process.stdin,
): boolean {
  return ctx.stdout.isTTY === true && stdin.isTTY === true;
}

/** Runs the interactive session; resolves with the exit code. */
export async function runInteractive(ctx: CliContext): Promise<number> {
  if (!hasTerminal(ctx)) {
    ctx.stderr.write('tether: interactive mode needs a terminal; use --prompt\n');
    return EXIT.usage;
  }
  if (!ctx.apiKey) {
    ctx.stderr.write('tether: OPENAI_API_KEY is not set (try `tether --demo` for an offline tour)\n');
    return EXIT.usage;
  }
  // Load the screen (React, Ink, markdown) while the runtime probes the sandbox and git.
  const screenModule = loadScreen();
  screenModule.catch(() => undefined);
  const dir = sessionsDir(ctx.env);
  const writers: SessionWriter[] = [];
  let savedBefore = false;
  const notices: string[] = [];
  let runtime: AgentRuntime;
  let resumed: ResumeData | undefined;
  try {
    let target = resumeTarget(
      { resume: ctx.resume, continueLast: ctx.continueLast, cwd: ctx.cwd, interactive: true },
      dir,
    );
    if (target === 'pick') {
      const listed = listSessions({ cwd: ctx.cwd, all: false, dir }).sessions;
      if (listed.length === 0)
        target = findLatestSession(ctx.cwd, dir); // throws the one-line "no session" error
      else {
        const { pickSession } = await loadPicker();
        const chosen = await pickSession(
          listed.map((x) => ({
            id: x.session_id,
            title: x.title,
            updatedAt: Date.parse(x.updated_at) || 0,
            turns: x.turns,
          })),
          { stdout: ctx.stdout, stdin: process.stdin },
        );
        if (!chosen) {
          ctx.stdout.write('No session resumed.\n');
          return EXIT.success;
        }
        target = chosen;
      }
    }
    resumed = target ? loadForResume(target, dir) : undefined;
    const newWriter = (sessionId?: string) => {
      const w = createSessionWriter({
        cwd: ctx.cwd,
        model: ctx.settings.model,
        dir,
        ...(sessionId ? { sessionId } : {}),
      });
      writers.push(w);
      return w;
    };
    const persistence = newWriter(resumed?.sessionId);
    runtime = await createAgentRuntime({
      settings: ctx.settings,
      sources: ctx.sources,
      cwd: ctx.cwd,
      apiKey: ctx.apiKey,
      interactive: true,
      sessionId: persistence.sessionId,
      ...(resumed ? { resume: { items: resumed.items, ledger: resumed.ledger } } : {}),
      persistence,
      env: ctx.env,
      warnings: ctx.warnings ?? [],
      newPersistence: async (id) => {
        // Resuming a session this process wrote earlier (/resume back to it): its idle writer
        // is closed first, so its summary is never written over the newer one.
        for (const w of writers.filter((x) => x.sessionId === id)) {
          writers.splice(writers.indexOf(w), 1);
          savedBefore ||= w.saved;
          await w.close().catch(() => undefined);
        }
        return newWriter(id);
      },
      mcpServers: ctx.mcpServers,
      mcpWarnings: ctx.mcpWarnings,
    });
  } catch (err) {
    ctx.stderr.write(`${formatError(err)}\n`);
    await Promise.all(writers.map((w) => w.close().catch(() => undefined)));
    return exitCodeOf(err);
  }

  const { runScreen } = await screenModule;
  const custom = customCommandsFor(ctx);
  notices.push(...custom.warnings);
  const services = createNodeServices({
    cwd: ctx.cwd,
    env: ctx.env,
    stdout: ctx.stdout,
    imageMaxBytes: ctx.settings.imageMaxBytes,
    pidNamespace: runtime.sandbox.pidNamespace,
    ...(ctx.trust ? { trust: ctx.trust } : {}),
    shell: runtime.shell,
  });
  const mcp = runtime.mcp;
  services.mcpStatus = () =>
    (mcp?.status() ?? []).map((s) => ({
      name: s.name,
      transport: s.transport,
      target: s.target,
      state: s.state,
      ...(s.error ? { error: s.error } : {}),
      tools: s.tools.map((t) => t.tool),
    }));
  const execSessions = runtime.tools.execSessions;
  if (execSessions) {
    services.processes = () =>
      execSessions.list().map((p) => ({
        id: p.id,
        command: p.command,
        pid: p.pid,
        tty: p.tty,
        startedAt: p.startedAt,
      }));
    services.endProcess = (id) => execSessions.end(id, 'ended with /ps');
    services.watchProcesses = (listener) => execSessions.subscribe(listener);
  }
  // In-session /resume: this directory's saved sessions, and one loaded to switch to.
  services.listSessions = () =>
    listSessions({ cwd: ctx.cwd, all: false, dir }).sessions.map((x) => ({
      id: x.session_id,
      title: x.title,
      updatedAt: Date.parse(x.updated_at) || 0,
      turns: x.turns,
    }));
  services.loadSession = (id) => {
    const data = loadForResume(id, dir);
    return { sessionId: data.sessionId, items: data.items, ledger: data.ledger, allItems: data.allItems };
  };
  let result: { code: number; sessionId: string };
  try {
    result = await runScreen({
      agent: runtime.agent,
      services,
      stdout: ctx.stdout,
      stdin: process.stdin,
      model: ctx.settings.model,
      approval: ctx.settings.approval as ApprovalMode,
      contextWindow: ctx.settings.contextWindow,
      resizeRepaint: ctx.settings.resizeRepaint as 'screen' | 'all',
      ...(ctx.prompt ? { initialPrompt: ctx.prompt } : {}),
      ...(ctx.images?.length ? { initialImages: ctx.images } : {}),
      ...(resumed ? { history: resumed.allItems } : {}),
      notices,
      customCommands: custom.commands,
      banner: {
        sessionId: runtime.sessionId,
        model: ctx.settings.model,
        cwd: ctx.cwd,
        sandbox: runtime.sandbox.message,
        approval: ctx.settings.approval,
        resumed: resumed !== undefined,
        instructionFiles: runtime.instructions.files,
      },
    });
  } finally {
    killAllToolProcesses('SIGKILL');
    services.dispose();
    await settleWithin(
      (async () => {
        await runtime.close();
        await Promise.all(writers.map((w) => w.close()));
      })(),
      CLOSE_GRACE_MS,
    );
  }
  const id = result.sessionId || runtime.sessionId;
  if (savedBefore || writers.some((w) => w.saved))
    ctx.stdout.write(`Session ${id} saved. Resume it with: tether --resume ${id}\n`);
  return result.code;
}

/**
 * `tether --demo`: the interactive screen against the in-process simulator's `demo` scenario, on
 * a scratch copy of the demo project. No API key, no network beyond loopback; the screen says the
 * model is simulated. Tools run for real (inside the scratch copy).
 */
import { createAgentRuntime } from '../../agent/create.js';
import type { ApprovalMode } from '../../agent/events.js';
import { prepareDemoWorkspace, startSimulator } from '../../simulator/index.js';
import { killAllToolProcesses } from '../../tools/index.js';
import { createNodeServices } from '../../ui/services/node-services.js';
import { exitCodeOf, formatError } from '../../util/errors.js';
import { EXIT } from '../../util/exit-codes.js';
import type { CliContext } from '../context.js';
import { hasTerminal, loadScreen, settleWithin } from './interactive.js';

/** Delay between simulated events, so the tour visibly streams (ms). */
const DEMO_EVENT_DELAY_MS = 8;

/** The bearer sent to the local simulator (it accepts any non-empty one; this is not a secret). */
const DEMO_TOKEN = 'demo-no-api-key';

/** Runs the demo tour; resolves with the exit code. */
export async function runDemo(ctx: CliContext): Promise<number> {
  if (!hasTerminal(ctx)) {
    ctx.stderr.write('tether: interactive mode needs a terminal; use --prompt\n');
    return EXIT.usage;
  }
  let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
  try {
    sim = await startSimulator({
      scenario: 'demo',
      eventDelayMs: DEMO_EVENT_DELAY_MS,
    });
    const workspace = await prepareDemoWorkspace();
    const settings = { ...ctx.settings, baseUrl: sim.url };
    const runtime = await createAgentRuntime({
      settings,
      cwd: workspace,
      apiKey: DEMO_TOKEN,
      interactive: true,
      env: ctx.env,
    });
    const { runScreen } = await loadScreen();
    const services = createNodeServices({ cwd: workspace, env: ctx.env, stdout: ctx.stdout });
    try {
      const r = await runScreen({
        agent: runtime.agent,
        services,
        stdout: ctx.stdout,
        stdin: process.stdin,
        model: settings.model,
        approval: settings.approval as ApprovalMode,
        contextWindow: settings.contextWindow,
        resizeRepaint: settings.resizeRepaint as 'screen' | 'all',
        initialPrompt: ctx.prompt ?? 'Run the tests of this project and fix what fails.',
        notices: [`Demo workspace (a scratch copy): ${workspace}`],
        simulated: true,
        banner: {
          sessionId: runtime.sessionId,
          model: settings.model,
          cwd: workspace,
          sandbox: runtime.sandbox.message,
          approval: settings.approval,
          resumed: false,
          instructionFiles: runtime.instructions.files,
        },
      });
      ctx.stdout.write(`Demo finished. The scratch project is still at ${workspace}\n`);
      return r.code;
    } finally {
      killAllToolProcesses('SIGKILL');
      services.dispose();
      await settleWithin(runtime.close(), 3_000);
    }
  } catch (err) {
    ctx.stderr.write(`${formatError(err)}\n`);
    return exitCodeOf(err);
  } finally {
    if (sim) await settleWithin(sim.close(), 3_000);
  }
}

/**
 * `tether --prompt`: one unattended run, no TTY, no prompts. stdout carries only the result
 * (the final answer, one JSON object, or the JSONL stream); progress goes to stderr. Approvals
 * that need a human are denied (never a hang). SIGINT/SIGTERM kill running tools, write the
 * terminal event and exit 130/143.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import chalk from 'chalk';
import { type AgentRuntime, createAgentRuntime } from '../../agent/create.js';
import { sourcesText } from '../../output/citations.js';
import { composePrompt } from '../../output/compose-prompt.js';
import { formatJsonResult } from '../../output/json-result.js';
import { JsonlWriter } from '../../output/jsonl-writer.js';
import { terminalSafe } from '../../output/terminal-safe.js';
import { TextProgress } from '../../output/text-progress.js';
import { createSessionWriter, loadForResume, resumeTarget, type SessionWriter } from '../../store/index.js';
import { killAllToolProcesses } from '../../tools/index.js';
import { exitCodeOf, formatError } from '../../util/errors.js';
import { EXIT } from '../../util/exit-codes.js';
import { sessionsDir } from '../../util/paths.js';
import { redact } from '../../util/redact.js';
import type { CliContext } from '../context.js';
import { customCommandsFor, expandPromptCommand } from '../custom-commands.js';

/** Max wait for the socket and session file to close after the run (ms). */
const CLOSE_GRACE_MS = 3_000;

function withTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((done) => {
    const t = setTimeout(done, ms);
    t.unref();
    p.then(
      () => {
        clearTimeout(t);
        done();
      },
      () => {
        clearTimeout(t);
        done();
      },
    );
  });
}

/** Runs a --prompt session to completion and returns the exit code. */
export async function runPrint(ctx: CliContext): Promise<number> {
  const { settings, stdout, stderr } = ctx;
  const output = settings.output as 'text' | 'json' | 'jsonl';
  if (!ctx.prompt) {
    stderr.write('tether: --prompt: no prompt given\n');
    return EXIT.usage;
  }
  if (!ctx.apiKey) {
    stderr.write('tether: OPENAI_API_KEY is not set\n');
    return EXIT.usage;
  }

  let runtime: AgentRuntime;
  let persistence: SessionWriter | undefined;
  try {
    const dir = sessionsDir(ctx.env);
    const target = resumeTarget(
      { resume: ctx.resume, continueLast: ctx.continueLast, cwd: ctx.cwd, interactive: false },
      dir,
    );
    const resumed = target && target !== 'pick' ? loadForResume(target, dir) : undefined;
    persistence = createSessionWriter({
      cwd: ctx.cwd,
      model: settings.model,
      dir,
      ...(resumed ? { sessionId: resumed.sessionId } : {}),
    });
    runtime = await createAgentRuntime({
      settings,
      sources: ctx.sources,
      cwd: ctx.cwd,
      apiKey: ctx.apiKey,
      interactive: false,
      sessionId: persistence.sessionId,
      ...(resumed ? { resume: { items: resumed.items, ledger: resumed.ledger } } : {}),
      persistence,
      env: ctx.env,
      mcpServers: ctx.mcpServers,
      mcpWarnings: ctx.mcpWarnings,
      warnings: ctx.warnings ?? [],
    });
  } catch (err) {
    stderr.write(`${formatError(err)}\n`);
    await persistence?.close().catch(() => undefined);
    return exitCodeOf(err);
  }
  const { agent } = runtime;

  // The reader went away (`| head`, a closed pipe): stop the run instead of crashing on EPIPE;
  // nothing more can be delivered, and tools must not keep running unobserved.
  let stdoutBroken = false;
  const onStdoutError = () => {
    if (stdoutBroken) return;
    stdoutBroken = true;
    killAllToolProcesses('SIGTERM');
    agent.cancel({ exitCode: EXIT.failed });
  };
  stdout.on('error', onStdoutError);
  const out = (s: string) => {
    if (!stdoutBroken) stdout.write(s);
  };

  const progressOn = stderr.isTTY === true || settings.verbose;
  const color = stderr.isTTY === true;
  if (output === 'jsonl') {
    const writer = new JsonlWriter(out);
    agent.subscribe((e) => writer.handle(e));
  } else {
    // On a terminal, commands and messages lose their escape sequences (no title, clipboard or
    // cursor games); piped stderr gets the raw text.
    const progress = new TextProgress(
      (s) => stderr.write(s),
      progressOn,
      {
        dim: (s) => (color ? chalk.dim(s) : s),
        warn: (s) => (color ? chalk.yellow(s) : s),
        error: (s) => (color ? chalk.red(s) : s),
      },
      stderr.isTTY === true ? terminalSafe : undefined,
    );
    agent.subscribe((e) => progress.handle(e));
  }

  // URL citations of the last answer (web search), printed as numbered sources in text mode.
  let lastCitations: Array<{ url: string; title?: string }> = [];
  agent.subscribe((e) => {
    if (e.type === 'assistant_item_done') lastCitations = e.citations ?? [];
  });

  let signalled: NodeJS.Signals | null = null;
  // `when-exit` (loaded through conf/atomically) listens once per signal and re-raises it with
  // process.kill(process.pid, sig), so one Ctrl-C arrives twice. Each listener present before
  // ours may echo the signal once; only a signal beyond those echoes is a deliberate second one.
  const echoes: Record<string, number> = {
    SIGINT: process.listenerCount('SIGINT'),
    SIGTERM: process.listenerCount('SIGTERM'),
  };
  const onSignal = (sig: NodeJS.Signals) => {
    const code = sig === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
    if (signalled) {
      if ((echoes[sig] ?? 0) > 0) {
        echoes[sig] = (echoes[sig] ?? 0) - 1;
        return;
      }
      // A deliberate second signal: stop waiting for the graceful end.
      killAllToolProcesses('SIGKILL');
      process.exit(code);
    }
    signalled = sig;
    killAllToolProcesses('SIGTERM');
    agent.cancel({ exitCode: code });
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  try {
    if (runtime.mcp) {
      // Scripts rely on their MCP tools: wait for the servers (bounded by mcpStartupTimeoutMs)
      // while the socket warms up, so the first request already offers them.
      void agent.start().catch(() => undefined);
      await runtime.mcpSettled();
    }
    const custom = customCommandsFor(ctx);
    const prompt = expandPromptCommand(ctx.prompt, custom.commands);
    const outcome = await agent.run(composePrompt(prompt, ctx.stdinContext), ctx.images);
    let code = outcome.exitCode;
    if (signalled && outcome.status === 'cancelled')
      code = signalled === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
    if (output === 'text' && outcome.status === 'success' && outcome.result) {
      const sources = lastCitations.length > 0 ? `\n\n${sourcesText(lastCitations)}` : '';
      const answer = `${redact(outcome.result).replace(/\n*$/, '')}${redact(sources)}\n`;
      // The answer is the model's text: on a terminal it may not drive it; piped, it is raw.
      out(stdout.isTTY === true ? terminalSafe(answer) : answer);
    } else if (output === 'json') {
      out(formatJsonResult({ ...outcome, exitCode: code }, runtime.sessionId));
    }
    if (ctx.outputLastMessage && (outcome.status === 'success' || outcome.result)) {
      try {
        writeFileSync(resolve(ctx.outputLastMessage), redact(outcome.result), { mode: 0o644 });
      } catch (err) {
        stderr.write(`tether: cannot write --output-last-message: ${redact((err as Error).message)}\n`);
        if (code === EXIT.success) code = EXIT.failed;
      }
    }
    return code;
  } finally {
    killAllToolProcesses('SIGKILL');
    await withTimeout(
      (async () => {
        await runtime.close();
        await persistence?.close();
      })(),
      CLOSE_GRACE_MS,
    );
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

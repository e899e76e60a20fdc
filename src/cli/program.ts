/**
 * The command-line surface (commander): flags, subcommands, settings resolution and mode
 * dispatch. Modes are imported lazily so each pays only for what it uses.
 */

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { UserImage } from '../agent/events.js';
import { readProjectConfig, resolveSettings } from '../config/load.js';
import { SETTINGS } from '../config/schema.js';
import {
  filterProjectConfig,
  type ProjectTrust,
  resolveProjectTrust,
  trustGatedFiles,
  untrustedWarning,
} from '../config/trust.js';
import type { UserConfigStore } from '../config/user-config.js';
import { exitCodeOf, formatError, TetherError, usageError } from '../util/errors.js';
import { EXIT } from '../util/exit-codes.js';
import { loadImageFile } from '../util/image.js';
import { configDir } from '../util/paths.js';
import { addSecret, addSecretsFromEnv } from '../util/redact.js';
import { VERSION } from '../util/version.js';
import type { CliContext } from './context.js';
import { readPipedContext, readPromptFromStdin } from './stdin.js';

/** The argv being parsed (commander cannot tell a typed `--no-store` from its default). */
let currentArgv: string[] = [];

/** Parsed root options (commander camel-cases the long flag names). */
interface RootOptions {
  prompt?: string;
  model?: string;
  baseUrl?: string;
  transport?: string;
  approval?: string;
  sandbox?: string;
  trust?: boolean;
  cwd?: string;
  output?: string;
  json?: boolean;
  outputLastMessage?: string;
  maxTurns?: string;
  timeout?: string;
  maxTokens?: string;
  store?: boolean;
  continue?: boolean;
  resume?: string | true;
  demo?: boolean;
  verbose?: boolean;
  mcpConfig?: string[];
  search?: boolean;
  image?: string[];
}

const HELP_FOOTER = `
Modes:
  tether                      interactive session (needs a terminal)
  tether "fix the tests"      interactive session, prompt submitted first
  tether -p "fix the tests"   non-interactive run to completion (scripts, CI)
  echo "…" | tether -p -      prompt read from stdin
  tether --demo               offline guided tour on a simulated model (no API key)

Environment:
  OPENAI_API_KEY   API key (never printed or stored)
  OPENAI_BASE_URL  API base URL (also TETHER_BASE_URL)
  TETHER_HOME      one folder for config, sessions and history (default: platform dirs)
  TETHER_DEBUG=1   print stack traces with errors
  Every setting also has a TETHER_* variable: see \`tether config list\` and README.

Exit codes:
  0 success  1 run failed  2 usage/config error  3 authentication refused
  4 network unreachable  5 limit hit (--max-turns, --timeout, --max-tokens)  130 interrupted
`;

function buildProgram(run: (opts: RootOptions, prompt: string | undefined) => Promise<number>): Command {
  const program = new Command('tether')
    .description('A terminal coding agent on one persistent OpenAI Responses WebSocket.')
    .argument('[prompt]', 'prompt to submit first in an interactive session')
    .option('-p, --prompt <text>', 'run non-interactively to completion ("-" reads the prompt from stdin)')
    .option('-m, --model <id>', 'model id')
    .option('--base-url <url>', 'API base URL (default https://api.openai.com/v1, env OPENAI_BASE_URL)')
    .addOption(new Option('--transport <mode>', 'transport: auto | websocket | http (default auto)'))
    .addOption(
      new Option('-a, --approval <mode>', 'approval mode: suggest | auto-edit | full-auto (default suggest)'),
    )
    .addOption(new Option('--sandbox <mode>', 'sandbox for shell commands: auto | on | off (default auto)'))
    .option('--trust', 'trust this project for this run: its .tether/config.json may set every key')
    .option('-C, --cwd <dir>', 'workspace directory (default: current directory)')
    .addOption(
      new Option('-o, --output <format>', 'output of --prompt runs: text | json | jsonl (default text)'),
    )
    .option('--json', 'same as --output jsonl')
    .option('--output-last-message <file>', 'also write the final answer to this file')
    .option('--max-turns <n>', 'maximum model calls in this run (0 = no limit)')
    .option('--timeout <seconds>', 'wall-clock limit of the run in seconds (0 = none)')
    .option('--max-tokens <n>', 'total token budget of the run (0 = none)')
    .option('--store', 'send store:true (responses persisted server-side)')
    .option('--no-store', 'send store:false (default)')
    .option('-c, --continue', 'resume the most recent session of this directory')
    .option('-r, --resume [id]', 'resume a session by id (or pick one)')
    .option('--demo', 'offline guided tour on the built-in simulator (no API key needed)')
    .option('--verbose', 'progress on stderr in --prompt text mode even when not a terminal')
    .option('--search', "let the model use the service's hosted web search (setting webSearch)")
    .option('--mcp-config <file>', 'load MCP servers from this JSON file (repeatable)', collect, [])
    .option(
      '-i, --image <file>',
      'attach a PNG, JPEG, WebP or GIF image to the first prompt (repeatable)',
      collect,
      [],
    )
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', HELP_FOOTER)
    .showSuggestionAfterError(true)
    // Options after a subcommand are the subcommand's (`tether sessions --json`), not the root's.
    .enablePositionalOptions()
    .helpCommand('help [command]', 'show help for tether or one of its commands')
    .action(async (prompt: string | undefined, opts: RootOptions) => {
      process.exitCode = await run(opts, prompt);
    });

  program
    .command('sessions')
    .description('list saved sessions (newest first)')
    .option('--all', 'include sessions from every directory')
    .option('--search <text>', 'full-text search over prompts and answers')
    .option('--json', 'machine-readable output')
    .option('-C, --cwd <dir>', 'list the sessions of this directory (default: current directory)')
    .action(async (opts: { all?: boolean; search?: string; json?: boolean; cwd?: string }) => {
      // `tether -C dir sessions` and `tether sessions -C dir` both name the directory.
      const dir = opts.cwd ?? program.opts<RootOptions>().cwd;
      const cwd = resolve(dir ?? process.cwd());
      if (!existsSync(cwd) || !statSync(cwd).isDirectory())
        throw usageError(`--cwd: not a directory: ${cwd}`);
      const { runSessionsCommand } = await import('./commands/sessions.js');
      process.exitCode = await runSessionsCommand({
        all: opts.all === true,
        ...(opts.search !== undefined ? { search: opts.search } : {}),
        json: opts.json === true,
        cwd,
        stdout: process.stdout,
      });
    });

  const config = program.command('config').description('read and change settings (user config file)');
  config.action(() => config.help()); // `tether config` alone: its subcommands
  const runConfig = async (action: string, key?: string, value?: string) => {
    const { runConfigCommand } = await import('./commands/config.js');
    process.exitCode = await runConfigCommand(action, key, value);
  };
  config
    .command('get <key>')
    .description('print the effective value of a setting')
    .action((k: string) => runConfig('get', k));
  config
    .command('set <key> <value>')
    .description('store a setting in the user config')
    .action((k: string, v: string) => runConfig('set', k, v));
  config
    .command('unset <key>')
    .description('remove a setting from the user config')
    .action((k: string) => runConfig('unset', k));
  config
    .command('list')
    .description('every setting with its effective value and source')
    .action(() => runConfig('list'));
  config
    .command('trust [dir]')
    .description('trust a project (default: current directory): its files may set every key')
    .action((d?: string) => runConfig('trust', d));
  config
    .command('untrust [dir]')
    .description('stop trusting a project (default: current directory)')
    .action((d?: string) => runConfig('untrust', d));
  config
    .command('path')
    .description('print the user config file path')
    .action(() => runConfig('path'));
  config
    .command('rules [action] [words...]')
    .description('"always allow" rules of this project (`rules remove <rule>`; --all: every project)')
    .option('--all', 'every project')
    // `rules remove node --test`: a rule's own flags are words of the rule.
    .allowUnknownOption()
    .action(async (action: string | undefined, words: string[], opts: { all?: boolean }) => {
      const { runRulesCommand } = await import('./commands/config-rules.js');
      process.exitCode = runRulesCommand({ action, words, all: opts.all === true, cwd: process.cwd() });
    });

  const mcp = program.command('mcp').description('configure MCP servers (user config)');
  mcp.action(() => mcp.help());
  const runMcp = async (action: string, args: string[], o: Record<string, unknown> = {}) => {
    const { runMcpCommand } = await import('./commands/mcp.js');
    process.exitCode = await runMcpCommand(action, args, o);
  };
  mcp
    .command('list')
    .description('configured servers; --check starts each and lists its tools')
    .option('--json', 'machine-readable output')
    .option('--check', 'start every server and report its state and tools')
    .action((o: Record<string, unknown>) => runMcp('list', [], o));
  mcp
    .command('get <name>')
    .description("one server's configuration")
    .option('--json', 'machine-readable output')
    .action((name: string, o: Record<string, unknown>) => runMcp('get', [name], o));
  mcp
    .command('add <name> [commandOrUrl] [args...]')
    .description('add a stdio server (command and args) or a Streamable HTTP server (--url)')
    .option('--url <url>', 'Streamable HTTP endpoint instead of a command')
    .option('-e, --env <KEY=VALUE>', 'environment variable for a stdio server (repeatable)', collect, [])
    .option('-H, --header <Name: value>', 'HTTP header for a URL server (repeatable)', collect, [])
    .action((name: string, cmd: string | undefined, args: string[], o: Record<string, unknown>) =>
      runMcp('add', [name, ...(cmd !== undefined ? [cmd] : []), ...args], o),
    );
  mcp
    .command('remove <name>')
    .description('remove a server from the user config')
    .action((name: string) => runMcp('remove', [name]));

  program
    .command('simulator')
    .description('serve the built-in Responses API simulator for other clients')
    .option('--port <port>', 'port to listen on', '8787')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--scenario <name>', 'scenario name or path (fixtures/scenarios)', 'plain-answer')
    .option('--fault <spec>', 'inject a fault, e.g. drop:request=2,event=5 (repeatable)', collect, [])
    .option('--api-key <key>', 'require this Bearer key (default: accept any)')
    .option('--latency-ms <ms>', 'simulated round-trip latency per request')
    .option('--age-limit-ms <ms>', 'connection age limit (default 60 minutes)')
    .action(
      async (opts: {
        port: string;
        host: string;
        scenario: string;
        fault: string[];
        apiKey?: string;
        latencyMs?: string;
        ageLimitMs?: string;
      }) => {
        const port = parsePort(opts.port);
        const { runSimulatorCommand } = await import('./commands/simulator.js');
        await runSimulatorCommand({
          port,
          host: opts.host,
          scenario: opts.scenario,
          fault: opts.fault,
          ...(opts.apiKey !== undefined ? { apiKey: opts.apiKey } : {}),
          ...(opts.latencyMs !== undefined
            ? { latencyMs: parseNonNegative(opts.latencyMs, '--latency-ms') }
            : {}),
          ...(opts.ageLimitMs !== undefined
            ? { ageLimitMs: parseNonNegative(opts.ageLimitMs, '--age-limit-ms') }
            : {}),
        });
      },
    );

  return program;
}

/** Reads `-i/--image` files (relative to the workspace): one clear line and exit 2 for a bad one. */
function loadCliImages(paths: string[], cwd: string, maxBytes: number): UserImage[] {
  const out: UserImage[] = [];
  for (const p of paths) {
    const r = loadImageFile(resolve(cwd, p), maxBytes);
    if (!r.ok) throw usageError(`--image ${r.error.replace(resolve(cwd, p), p)}`, 'invalid_image');
    out.push({ ...r.image, path: p });
  }
  return out;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePort(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535)
    throw usageError(`invalid value "${raw}" for --port: expected 0-65535`);
  return n;
}

function parseNonNegative(raw: string, flag: string): number {
  if (!/^\d+$/.test(raw)) throw usageError(`invalid value "${raw}" for ${flag}: expected an integer >= 0`);
  return Number(raw);
}

/** Builds the CliContext: validated settings, workspace, prompt (stdin), API key. */
export async function buildContext(
  opts: RootOptions,
  positional: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<CliContext> {
  if (opts.output !== undefined && opts.json) throw usageError('--json and --output cannot be combined');
  if (opts.continue && opts.resume !== undefined)
    throw usageError('--continue and --resume cannot be combined');
  if (opts.prompt !== undefined && positional !== undefined) {
    throw usageError('give the prompt either with --prompt or as an argument, not both');
  }
  const cwd = resolve(opts.cwd ?? process.cwd());
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) throw usageError(`--cwd: not a directory: ${cwd}`);
  const flags: Record<string, unknown> = {
    model: opts.model,
    baseUrl: opts.baseUrl,
    transport: opts.transport,
    approval: opts.approval,
    sandbox: opts.sandbox,
    trust: opts.trust ? true : undefined,
    output: opts.json ? 'jsonl' : opts.output,
    maxTurns: opts.maxTurns,
    timeout: opts.timeout,
    maxTokens: opts.maxTokens,
    store: opts.store === undefined ? undefined : opts.store,
    verbose: opts.verbose ? true : undefined,
    webSearch: opts.search ? true : undefined,
  };
  // `--no-store` and the default both give store:false; commander reports `store:false` only when
  // the flag was typed, so an untouched default must not shadow env/config.
  if (!currentArgv.some((a) => a === '--store' || a === '--no-store')) flags['store'] = undefined;
  let user: Record<string, unknown> = {};
  let userStore: UserConfigStore | undefined;
  let userUnavailable: string | undefined;
  try {
    const { openUserConfig } = await import('../config/user-config.js');
    userStore = await openUserConfig(env);
    user = userStore.all();
  } catch (err) {
    if (err instanceof TetherError) throw err;
    // An unusable config dir (read-only HOME, a container without one) must not stop a run:
    // go on with defaults and say once that nothing from it applies and nothing is saved there.
    userUnavailable = `cannot use the user config in ${configDir(env)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): running with its defaults; nothing is saved there`;
  }
  const interactive =
    opts.prompt === undefined && !opts.demo && process.stdin.isTTY === true && process.stdout.isTTY === true;
  const { trust, warnings } = await decideTrust({ flags, env, cwd, user, userStore, interactive });
  if (userUnavailable) warnings.unshift(userUnavailable);
  const { settings, sources, ignoredProjectKeys } = resolveSettings({ flags, env, cwd, user, trust });
  const gated = trust.trusted ? [] : trustGatedFiles(cwd);
  if (ignoredProjectKeys.length > 0 || gated.length > 0)
    warnings.push(untrustedWarning(ignoredProjectKeys, gated));
  const { resolveMcpConfig } = await import('../mcp/config.js');
  const mcp = resolveMcpConfig({
    cwd,
    user: user['mcpServers'],
    projectTrusted: trust.trusted,
    files: opts.mcpConfig ?? [],
  });
  // The trust warning above already names an untrusted `.mcp.json`: one warning, not two.
  if (gated.length > 0) mcp.warnings = mcp.warnings.filter((w) => !/the project is not trusted/.test(w));

  let prompt = opts.prompt ?? positional;
  let stdinContext: string | undefined;
  if (opts.prompt === '-') {
    prompt = await readPromptFromStdin();
    if (!prompt.trim()) throw usageError('--prompt -: no prompt on standard input');
  } else if (opts.prompt !== undefined) {
    if (!opts.prompt.trim()) throw usageError('--prompt: the prompt is empty');
    stdinContext = await readPipedContext();
  }
  const images = loadCliImages(opts.image ?? [], cwd, settings.imageMaxBytes);
  const apiKey = env['OPENAI_API_KEY']?.trim() || undefined;
  addSecret(apiKey);
  addSecretsFromEnv(env);
  return {
    settings,
    sources,
    trust,
    warnings,
    cwd,
    apiKey,
    prompt,
    stdinContext,
    images,
    resume: opts.resume,
    continueLast: opts.continue === true,
    demo: opts.demo === true,
    outputLastMessage: opts.outputLastMessage,
    projectTrusted: trust.trusted,
    mcpServers: mcp.servers,
    mcpWarnings: mcp.warnings,
    env,
    stdout: process.stdout,
    stderr: process.stderr,
  };
}

/**
 * The project's trust: from flags, env and user config, or — interactively, when the project's
 * files would change security-relevant settings and the user never answered — from the one-time
 * prompt, whose answer is remembered in the user config (issue 13 §4).
 */
async function decideTrust(input: {
  flags: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  user: Record<string, unknown>;
  userStore: UserConfigStore | undefined;
  interactive: boolean;
}): Promise<{ trust: ProjectTrust; warnings: string[] }> {
  const warnings: string[] = [];
  const trust = resolveProjectTrust(input);
  if (trust.decided || !input.interactive || !input.env['OPENAI_API_KEY']?.trim()) return { trust, warnings };
  const keys = filterProjectConfig(readProjectConfig(input.cwd), false).ignored;
  const files = trustGatedFiles(input.cwd);
  if (keys.length === 0 && files.length === 0) return { trust, warnings };
  const { loadTrustPrompt } = await import('./modes/interactive.js');
  const { askTrust } = await loadTrustPrompt();
  const answer = await askTrust(
    { dir: trust.realPath, keys, files },
    { stdout: process.stdout, stdin: process.stdin },
  );
  if (answer === null) return { trust, warnings };
  try {
    input.userStore?.rememberTrust(trust.realPath, answer === 'trust');
  } catch (err) {
    warnings.push(`could not remember the trust answer: ${(err as Error).message}`);
  }
  return { trust: { ...trust, trusted: answer === 'trust', source: 'prompt', decided: true }, warnings };
}

async function runRoot(opts: RootOptions, positional: string | undefined): Promise<number> {
  const ctx = await buildContext(opts, positional, process.env);
  if (ctx.demo) {
    if (opts.prompt !== undefined)
      throw usageError('--demo is interactive; it cannot be combined with --prompt');
    const { runDemo } = await import('./modes/demo.js');
    return runDemo(ctx);
  }
  if (!ctx.apiKey) {
    throw usageError(
      'OPENAI_API_KEY is not set (try `tether --demo` for an offline tour)',
      'missing_api_key',
    );
  }
  if (opts.prompt !== undefined) {
    const { runPrint } = await import('./modes/print.js');
    return runPrint(ctx);
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw usageError('interactive mode needs a terminal; use --prompt for scripts and CI', 'no_tty');
  }
  const { runInteractive } = await import('./modes/interactive.js');
  return runInteractive(ctx);
}

/** Parses argv and runs; never throws. Resolves with the exit code (also set on process.exitCode). */
export async function run(argv: string[]): Promise<number> {
  currentArgv = argv;
  process.exitCode = undefined;
  let errorText = '';
  const program = buildProgram(runRoot)
    .exitOverride()
    .configureOutput({ writeErr: (s) => (errorText += s), outputError: (s) => (errorText += s) });
  for (const sub of program.commands) {
    sub
      .exitOverride()
      .configureOutput({ writeErr: (s) => (errorText += s), outputError: (s) => (errorText += s) });
    for (const subsub of sub.commands)
      subsub
        .exitOverride()
        .configureOutput({ writeErr: (s) => (errorText += s), outputError: (s) => (errorText += s) });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.success;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        return EXIT.success;
      }
      const line =
        (errorText || err.message)
          .trim()
          .split('\n')[0]
          ?.replace(/^error:\s*/, '') ?? err.message;
      process.stderr.write(`tether: ${line}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`${formatError(err)}\n`);
    return exitCodeOf(err);
  }
}

/** CLI entry: run, then exit once stdout/stderr have drained (lingering handles never hang tether). */
export async function main(argv: string[]): Promise<void> {
  const code = await run(argv);
  const drain = (s: NodeJS.WriteStream) =>
    new Promise<void>((r) => (s.writableLength === 0 ? r() : s.write('', () => r())));
  await Promise.all([drain(process.stdout), drain(process.stderr)]);
  process.exit(code);
}

/** Exposed for README/docs tests: every setting has a documented env var. */
export const SETTING_ENV_VARS = SETTINGS.map((s) => s.env);

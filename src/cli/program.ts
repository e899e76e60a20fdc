/**
 * The command-line surface (commander): flags, subcommands, settings resolution and mode
 * dispatch. Modes are imported lazily so each pays only for what it uses.
 */

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { SETTINGS } from '../config/schema.js';
import { exitCodeOf, formatError, usageError } from '../util/errors.js';
import { EXIT } from '../util/exit-codes.js';
import { VERSION } from '../util/version.js';
import { buildContext, type RootOptions } from './build-context.js';

/** The argv being parsed (commander cannot tell a typed `--no-store` from its default). */
let currentArgv: string[] = [];

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
      const { currentTrust, runRulesCommand } = await import('./commands/config-rules.js');
      const trust = await currentTrust(process.cwd());
      process.exitCode = runRulesCommand({
        action,
        words,
        all: opts.all === true,
        cwd: process.cwd(),
        ...(trust ? { trust } : {}),
      });
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

async function runRoot(opts: RootOptions, positional: string | undefined): Promise<number> {
  const ctx = await buildContext(opts, positional, process.env, currentArgv);
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

/**
 * Builds the CliContext for the root command: validated settings (flags, env, user config, a
 * trusted project's config), the project's trust (with the one-time prompt), MCP servers, the
 * prompt (stdin) and the API key.
 */

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { UserImage } from '../agent/events.js';
import { readProjectConfig, resolveSettings } from '../config/load.js';
import {
  filterProjectConfig,
  type ProjectTrust,
  resolveProjectTrust,
  trustGatedFiles,
  untrustedWarning,
} from '../config/trust.js';
import type { UserConfigStore } from '../config/user-config.js';
import { TetherError, usageError } from '../util/errors.js';
import { loadImageFile } from '../util/image.js';
import { configDir } from '../util/paths.js';
import { addSecret, addSecretsFromEnv } from '../util/redact.js';
import type { CliContext } from './context.js';
import { readPipedContext, readPromptFromStdin } from './stdin.js';

/** Parsed root options (commander camel-cases the long flag names). */
export interface RootOptions {
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

/** Builds the CliContext: validated settings, workspace, prompt (stdin), API key. */
export async function buildContext(
  opts: RootOptions,
  positional: string | undefined,
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
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
  if (!argv.some((a) => a === '--store' || a === '--no-store')) flags['store'] = undefined;
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

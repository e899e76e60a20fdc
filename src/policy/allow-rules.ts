/**
 * "Always allow" rules: argv prefixes the user approved for one project, kept in the user's own
 * config directory (`<config dir>/approvals.json`), keyed by the project's real path. Nothing
 * inside a repository can pre-approve anything: a legacy `<project>/.tether/approvals.json` is
 * ignored (with a warning). A rule is the narrowest useful prefix of one simple command
 * (`npm run test`, `node --test`, `git status`), never a bare interpreter or launcher, and is
 * never offered for compound commands.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { atomicWriteFile } from '../tools/fs/safe-write.js';
import { mkdirs } from '../util/mkdirs.js';
import { configDir } from '../util/paths.js';
import type { PlainArgv } from './shell-analysis.js';

/** Argv prefixes the user allowed for one project. */
export interface AllowRules {
  prefixes: string[][];
}

/** File format version. */
const VERSION = 2;

/** The user's rules file. */
export function allowRulesPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'approvals.json');
}

/** Where an old version kept rules inside the project (ignored now). */
export function legacyApprovalsPath(workspace: string): string {
  return join(workspace, '.tether', 'approvals.json');
}

/** A project's key: its real path (symlinks resolved), so two spellings share their rules. */
export function projectKey(workspace: string): string {
  try {
    return realpathSync(workspace);
  } catch {
    return resolve(workspace);
  }
}

function isPrefixList(v: unknown): v is string[][] {
  return (
    Array.isArray(v) &&
    v.every((p) => Array.isArray(p) && p.length > 0 && p.every((w) => typeof w === 'string' && w !== ''))
  );
}

type RulesFile = Record<string, string[][]>;

/** Every project's rules; a missing or invalid file gives none. */
export function loadAllRules(env: NodeJS.ProcessEnv = process.env): RulesFile {
  try {
    const data: unknown = JSON.parse(readFileSync(allowRulesPath(env), 'utf8'));
    const projects = (data as { projects?: unknown } | null)?.projects;
    if (!projects || typeof projects !== 'object') return {};
    const out: RulesFile = {};
    for (const [key, value] of Object.entries(projects as Record<string, unknown>)) {
      const prefixes = (value as { prefixes?: unknown } | null)?.prefixes;
      if (isPrefixList(prefixes)) out[key] = prefixes;
    }
    return out;
  } catch {
    return {};
  }
}

function saveAllRules(all: RulesFile, env: NodeJS.ProcessEnv): void {
  const path = allowRulesPath(env);
  mkdirs(dirname(path));
  const projects: Record<string, { prefixes: string[][] }> = {};
  for (const key of Object.keys(all).sort()) {
    const prefixes = all[key];
    if (prefixes && prefixes.length > 0) projects[key] = { prefixes };
  }
  atomicWriteFile(path, `${JSON.stringify({ version: VERSION, projects }, null, 2)}\n`);
}

/** The rules of the project at `workspace`. */
export function loadAllowRules(workspace: string, env: NodeJS.ProcessEnv = process.env): AllowRules {
  return { prefixes: loadAllRules(env)[projectKey(workspace)] ?? [] };
}

/** A warning when the project ships a legacy rules file (which is ignored), else null. */
export function legacyRulesWarning(workspace: string): string | null {
  return existsSync(legacyApprovalsPath(workspace))
    ? `ignoring ${join('.tether', 'approvals.json')} in the project: always-allow rules live in your user config now (see \`tether config rules\`); a file inside a repository cannot pre-approve commands`
    : null;
}

/** Adds `prefix` (deduplicated) to the project's rules and saves; returns the project's rules. */
export function addAllowRule(
  workspace: string,
  prefix: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): AllowRules {
  if (prefix.length === 0 || prefix.some((w) => typeof w !== 'string' || w === ''))
    throw new Error('an allow rule needs a non-empty argv prefix');
  if (ruleProblem(prefix)) throw new Error(`not saved: ${ruleProblem(prefix)}`);
  const all = loadAllRules(env);
  const key = projectKey(workspace);
  const prefixes = all[key] ?? [];
  const id = JSON.stringify(prefix);
  if (!prefixes.some((p) => JSON.stringify(p) === id)) prefixes.push([...prefix]);
  all[key] = prefixes;
  saveAllRules(all, env);
  return { prefixes };
}

/** Removes a rule (given as its words); returns whether one was removed. */
export function removeAllowRule(
  workspace: string,
  prefix: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const all = loadAllRules(env);
  const key = projectKey(workspace);
  const id = JSON.stringify(prefix);
  const before = all[key] ?? [];
  const after = before.filter((p) => JSON.stringify(p) !== id);
  if (after.length === before.length) return false;
  all[key] = after;
  saveAllRules(all, env);
  return true;
}

/** Programs that run whatever they are given: never a rule on their own. */
const LAUNCHERS = new Set([
  'env',
  'xargs',
  'sudo',
  'doas',
  'su',
  'timeout',
  'nice',
  'ionice',
  'nohup',
  'exec',
  'command',
  'builtin',
  'eval',
  'source',
  '.',
  'time',
  'setsid',
  'stdbuf',
  'watch',
  'parallel',
  'chroot',
  'unshare',
  'nsenter',
  'flock',
  'script',
  'busybox',
  'strace',
  'ltrace',
  'gdb',
  'valgrind',
  'caffeinate',
]);
/** Interpreters: a rule needs what they run (`node --test`, `python3 -m pytest`, `node build.js`). */
const INTERPRETERS = new Set([
  'node',
  'nodejs',
  'deno',
  'bun',
  'python',
  'python2',
  'python3',
  'pypy',
  'pypy3',
  'ruby',
  'perl',
  'php',
  'lua',
  'luajit',
  'Rscript',
  'julia',
  'java',
  'bash',
  'sh',
  'zsh',
  'dash',
  'ksh',
  'mksh',
  'fish',
  'pwsh',
  'tclsh',
  'osascript',
  'awk',
  'gawk',
  'mawk',
  'npx',
  'pnpx',
  'bunx',
  'uvx',
  'pipx',
  'tsx',
  'ts-node',
  'vite-node',
]);
/** Interpreter flags that run code given on the command line (or load code before the program). */
const CODE_FLAGS =
  /^(-[A-Za-z]*[ecp]|--eval|--print|-r|--require|--import|--loader|--experimental-loader|-I|--input-type|--exec|--call|--package)(=|$)/;
/** Flags of interpreters that take a value which is part of the rule (`python3 -m pytest`). */
const MODULE_FLAGS = new Set(['-m']);
/** Subcommands that name what they run (`npm run test`, `cargo run --bin x`). */
const RUN_SUBCOMMANDS = new Set(['run', 'run-script', 'exec', 'x', 'dlx']);

function baseName(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

/** Why `prefix` may not be saved as a rule ('' when it may). */
export function ruleProblem(prefix: readonly string[]): string {
  const head = prefix[0];
  if (head === undefined) return 'empty rule';
  const name = baseName(head);
  if (LAUNCHERS.has(name)) return `${name} runs any command it is given`;
  if (INTERPRETERS.has(name)) {
    if (prefix.length < 2) return `${name} runs any code it is given`;
    if (prefix.slice(1).some((w) => CODE_FLAGS.test(w))) return `${name} with code on its command line`;
  }
  return '';
}

/**
 * The narrowest useful rule for a command (its plain argv list), or null when none would be saved:
 * not exactly one simple command, a launcher, an interpreter running code from its arguments.
 * - `npm test --watch` → `npm test`; `npm run test -- -x` → `npm run test`; `git status -s` → `git status`
 * - `node --test test/a.js` → `node --test`; `python3 -m pytest -x` → `python3 -m pytest`
 * - `make -j4` → `make -j4`; `cargo build --release` → `cargo build`
 */
export function suggestAllowRule(plain: readonly PlainArgv[] | null): string[] | null {
  const argv = plain?.length === 1 ? plain[0] : undefined;
  if (!argv) return null;
  const head = argv[0];
  if (!head) return null;
  const name = baseName(head);
  if (LAUNCHERS.has(name)) return null;
  const rule = [head];
  if (INTERPRETERS.has(name)) {
    // Flags up to what runs: a module (`-m pytest`), the test runner (`--test`) or the script.
    for (let i = 1; i < argv.length; i++) {
      const w = argv[i] as string;
      if (CODE_FLAGS.test(w) || w === '-') return null;
      rule.push(w);
      if (MODULE_FLAGS.has(w)) {
        const mod = argv[i + 1];
        if (mod === undefined) return null;
        rule.push(mod);
        return ruleProblem(rule) ? null : rule;
      }
      if (w === '--test') return rule;
      if (!w.startsWith('-')) {
        const target = argv[i + 1];
        if (RUN_SUBCOMMANDS.has(w) && target !== undefined && !target.startsWith('-')) rule.push(target);
        return ruleProblem(rule) ? null : rule;
      }
    }
    return null;
  }
  // Leading flags stay in the rule (`make -j4 test`, `git --no-pager log`), up to the subcommand.
  let i = 1;
  while (i < argv.length && (argv[i] as string).startsWith('-')) rule.push(argv[i++] as string);
  const sub = argv[i];
  if (sub !== undefined) {
    rule.push(sub);
    const target = argv[i + 1];
    if (RUN_SUBCOMMANDS.has(sub) && target !== undefined && !target.startsWith('-')) rule.push(target);
  }
  return ruleProblem(rule) ? null : rule;
}

/**
 * Flags that, added after a rule, make a tool run or write something other than what the user
 * approved: another project's scripts (`npm test --prefix /elsewhere`), another makefile or inline
 * make code, git config/paths/output files.
 */
const REDIRECTING_FLAGS: Record<string, RegExp> = {
  npm: /^(--prefix|-C|--dir|--userconfig|--globalconfig|--script-shell|--node-options)(=|$)/,
  pnpm: /^(--prefix|-C|--dir|--config\.|--script-shell)(=|$)?/,
  yarn: /^(--cwd|--prefix)(=|$)/,
  make: /^(-f|--file|--makefile|-C|--directory|--eval|-E|-I|--include-dir)(=|$)|^-[A-Za-z]*[fCEI]/,
  git: /^(-c|--config-env|--exec-path|-C|--git-dir|--work-tree|--output|-o|--upload-pack|--receive-pack|--exec|--ext-diff|--textconv|--template|--config)(=|$)/,
  cargo: /^(--manifest-path|--config|-Z|--target-dir)(=|$)/,
  go: /^(-C|-exec|-toolexec|-modfile|-overlay|-o)(=|$)/,
};

/**
 * The first word of an MCP tool's rule, `@mcp <server> <tool>`: the exact server and tool names,
 * never the model-facing `mcp__…` name (sanitizing maps server `a.b` and server `a_b` to the same
 * one). Such a rule never matches a shell command, and a rule saved by an older version under the
 * model-facing name (`mcp__a_b__c`) matches nothing: that tool asks again.
 */
export const MCP_RULE_WORD = '@mcp';

/** The rule that always allows `tool` of `server`. */
export function mcpRule(server: string, tool: string): string[] {
  return [MCP_RULE_WORD, server, tool];
}

/** Whether the rules always allow `tool` of `server` (exactly that server and tool). */
export function mcpToolAllowed(rules: AllowRules, server: string, tool: string): boolean {
  return rules.prefixes.some(
    (p) => p.length === 3 && p[0] === MCP_RULE_WORD && p[1] === server && p[2] === tool,
  );
}

function isMcpRule(prefix: readonly string[]): boolean {
  return prefix[0] === MCP_RULE_WORD || (prefix[0] ?? '').startsWith('mcp__');
}

/** Whether `argv` starts with `prefix` (and, for an interpreter, adds no code-running flag). */
export function argvMatchesRule(argv: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length === 0 || prefix.length > argv.length || !prefix.every((w, i) => argv[i] === w))
    return false;
  if (isMcpRule(prefix)) return false;
  if (ruleProblem(prefix)) return false;
  const name = baseName(prefix[0] as string);
  const extra = argv.slice(prefix.length);
  if (INTERPRETERS.has(name) && extra.some((w) => CODE_FLAGS.test(w))) return false;
  const redirecting = REDIRECTING_FLAGS[name];
  if (redirecting && extra.some((w) => redirecting.test(w))) return false;
  return true;
}

/**
 * Whether every command of a plain script matches a rule (or `isSafe`). Non-plain scripts
 * (substitution, redirection to a file, control characters…) never match.
 */
export function matchesAllowRules(
  plain: readonly PlainArgv[] | null,
  rules: AllowRules,
  isSafe: (argv: string[]) => boolean,
): boolean {
  if (rules.prefixes.length === 0 || !plain || plain.length === 0) return false;
  return plain.every((argv) => isSafe(argv) || rules.prefixes.some((p) => argvMatchesRule(argv, p)));
}

/** A rule as the user reads it (shell-quoted where needed). */
export function formatRule(prefix: readonly string[]): string {
  return prefix
    .map((w) => (/^[A-Za-z0-9_\-.,:/=+@%^]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/**
 * "Always allow this command prefix" rules, persisted per project in
 * `<workspace>/.tether/approvals.json` (reviewable JSON; tools cannot write under `.tether/`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteFile } from '../tools/fs/safe-write.js';
import { parsePlainCommands } from './command-safety.js';

/** Argv prefixes the user allowed. */
export interface AllowRules {
  prefixes: string[][];
}

/** File format version. */
const VERSION = 1;

/** Where a workspace's rules live. */
export function approvalsPath(workspace: string): string {
  return join(workspace, '.tether', 'approvals.json');
}

function isPrefixList(v: unknown): v is string[][] {
  return (
    Array.isArray(v) &&
    v.every((p) => Array.isArray(p) && p.length > 0 && p.every((w) => typeof w === 'string'))
  );
}

/** Loads the rules; a missing or unreadable file gives no rules. */
export function loadAllowRules(workspace: string): AllowRules {
  try {
    const data: unknown = JSON.parse(readFileSync(approvalsPath(workspace), 'utf8'));
    if (data && typeof data === 'object' && 'prefixes' in data) {
      const prefixes = (data as { prefixes: unknown }).prefixes;
      if (isPrefixList(prefixes)) return { prefixes };
    }
  } catch {
    /* missing or invalid */
  }
  return { prefixes: [] };
}

/** Adds `prefix` (deduplicated) and persists; returns the new rules. */
export function addAllowRule(workspace: string, prefix: string[]): AllowRules {
  if (prefix.length === 0 || prefix.some((w) => typeof w !== 'string' || w === ''))
    throw new Error('an allow rule needs a non-empty argv prefix');
  const rules = loadAllowRules(workspace);
  const key = JSON.stringify(prefix);
  if (!rules.prefixes.some((p) => JSON.stringify(p) === key)) rules.prefixes.push([...prefix]);
  mkdirSync(join(workspace, '.tether'), { recursive: true });
  atomicWriteFile(
    approvalsPath(workspace),
    `${JSON.stringify({ version: VERSION, prefixes: rules.prefixes }, null, 2)}\n`,
  );
  return rules;
}

/** Whether `argv` starts with `prefix`. */
export function argvHasPrefix(argv: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length > 0 && prefix.length <= argv.length && prefix.every((w, i) => argv[i] === w);
}

/**
 * Whether every sub-command of `command` matches an allow prefix (or `isSafe`). Scripts with
 * substitution, redirection or other non-plain syntax never match.
 */
export function matchesAllowRules(
  command: string,
  rules: AllowRules,
  isSafe: (argv: string[]) => boolean,
): boolean {
  if (rules.prefixes.length === 0) return false;
  const commands = parsePlainCommands(command);
  if (!commands || commands.length === 0) return false;
  return commands.every((argv) => isSafe(argv) || rules.prefixes.some((p) => argvHasPrefix(argv, p)));
}

/**
 * The prefix to offer in "always allow": the first sub-command's executable plus its first
 * non-flag word (`npm test --watch` → `npm test`), or null when the command is not plain.
 */
export function suggestAllowPrefix(command: string): string[] | null {
  const commands = parsePlainCommands(command);
  const first = commands?.[0];
  if (!first || first.length === 0) return null;
  const second = first[1];
  return second !== undefined && !second.startsWith('-')
    ? [first[0] as string, second]
    : [first[0] as string];
}

/**
 * Project trust (issue 13 §4). A project — the workspace directory, keyed by its real path — is
 * untrusted until the user trusts it. Files shipped inside it (`.tether/config.json`, and
 * `.mcp.json` for MCP support) may then set only harmless keys; every other key is ignored with
 * one warning naming them. The user trusts a project with `--trust` / `TETHER_TRUST=1` / the
 * `trust` user setting (this run or everywhere), with the `trustedProjects` list in the user
 * config (a listed directory trusts everything below it), or by answering the interactive
 * prompt (remembered in `trustedProjects` / `untrustedProjects`). Nothing in a project file can
 * trust the project.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { SETTINGS_BY_KEY } from './schema.js';
import { coerceSetting } from './validate.js';

/**
 * Keys an untrusted project file may set: the model and its effort, limits, output and
 * connection timing. Everything else (baseUrl, approval, sandbox, store, allowDotenv, and any
 * key added later — headers, env, MCP servers, allow rules) is security-relevant by default.
 */
export const PROJECT_SAFE_KEYS: ReadonlySet<string> = new Set([
  'model',
  'reasoningEffort',
  'output',
  'verbose',
  'transport',
  'wsDeflate',
  'maxTurns',
  'timeout',
  'maxTokens',
  'connectTimeoutMs',
  'rotationAgeMs',
  'heartbeatIntervalMs',
  'heartbeatTimeoutMs',
  'streamIdleTimeoutMs',
  'maxRetries',
  'backoffBaseMs',
  'backoffMaxMs',
  'fallbackReprobeTurns',
  'toolTimeoutMs',
  'toolMaxTimeoutMs',
  'toolInactivityTimeoutMs',
  'toolOutputMaxChars',
  'contextWindow',
  'compactThreshold',
  'instructionsMaxBytes',
]);

/** Keys read only from flags, the environment and the user config — never from a project. */
export const USER_ONLY_KEYS: ReadonlySet<string> = new Set(['trust']);

/** User-config keys holding the remembered answers (lists of real paths). */
export const TRUSTED_PROJECTS_KEY = 'trustedProjects';
export const UNTRUSTED_PROJECTS_KEY = 'untrustedProjects';

/** How a project's trust was decided. */
export type TrustSource =
  | 'flag'
  | 'env'
  | 'user-config'
  | 'trusted-projects'
  | 'untrusted-projects'
  | 'prompt'
  | 'none';

/** The resolved trust of one project, for config loading and (later) MCP's `.mcp.json`. */
export interface ProjectTrust {
  /** The project's real path (the workspace directory, symlinks resolved). */
  realPath: string;
  trusted: boolean;
  source: TrustSource;
  /** The user already answered for this project (no prompt needed). */
  decided: boolean;
}

/** The workspace's real path (the key trust is remembered under). */
export function projectRealPath(cwd: string): string {
  const abs = resolve(cwd);
  try {
    return realpathSync.native(abs);
  } catch {
    return abs;
  }
}

/** The list stored under `key` in the user config, as absolute paths (bad entries dropped). */
export function projectList(user: Record<string, unknown>, key: string): string[] {
  const raw = user[key];
  if (!Array.isArray(raw)) return [];
  return raw.filter((p): p is string => typeof p === 'string' && isAbsolute(p)).map((p) => resolve(p));
}

/** A list's entries as real paths (an entry typed by hand may go through a symlink, e.g. /tmp on macOS). */
function realList(user: Record<string, unknown>, key: string): string[] {
  return projectList(user, key).map(projectRealPath);
}

/** Whether `dir` equals `list`'s entry or lies below it. */
function coveredBy(list: readonly string[], dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (list.includes(d)) return true;
    if (dirname(d) === d) return false;
  }
}

/**
 * Whether the user config trusts the project at `realPath` (a `trustedProjects` entry equal to it
 * or to an ancestor). For code that reads project files on its own, such as `.mcp.json`.
 */
export function isProjectTrusted(realPath: string, user: Record<string, unknown>): boolean {
  if (user['trust'] === true) return true;
  return coveredBy(realList(user, TRUSTED_PROJECTS_KEY), realPath);
}

function boolFrom(raw: unknown, label: string): boolean | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const def = SETTINGS_BY_KEY.get('trust');
  if (!def) return undefined;
  return coerceSetting(def, raw, label) as boolean;
}

const SOURCE_TEXT: Record<TrustSource, string> = {
  flag: 'the --trust flag',
  env: 'TETHER_TRUST',
  'user-config': 'the `trust` setting in the user config',
  'trusted-projects': 'the trustedProjects list in the user config',
  'untrusted-projects': 'the untrustedProjects list in the user config',
  prompt: 'your answer at the trust prompt',
  none: 'not decided yet: untrusted until you trust it',
};

/** `trusted (the trustedProjects list in the user config)`: what `/status` and `tether config` show. */
export function describeTrust(t: Pick<ProjectTrust, 'trusted' | 'source'>): string {
  return `${t.trusted ? 'trusted' : 'not trusted'} (${SOURCE_TEXT[t.source]})`;
}

/** Resolves a project's trust from flags > env > user config (never from the project). */
export function resolveProjectTrust(input: {
  cwd: string;
  flags?: Partial<Record<string, unknown>>;
  env?: NodeJS.ProcessEnv;
  user?: Record<string, unknown>;
}): ProjectTrust {
  const realPath = projectRealPath(input.cwd);
  const user = input.user ?? {};
  const flag = boolFrom(input.flags?.['trust'], '--trust');
  if (flag !== undefined) return { realPath, trusted: flag, source: 'flag', decided: true };
  const env = boolFrom(input.env?.['TETHER_TRUST'], 'TETHER_TRUST');
  if (env !== undefined) return { realPath, trusted: env, source: 'env', decided: true };
  const all = boolFrom(user['trust'], 'config key trust (user config)');
  if (all === true) return { realPath, trusted: true, source: 'user-config', decided: true };
  if (coveredBy(realList(user, TRUSTED_PROJECTS_KEY), realPath))
    return { realPath, trusted: true, source: 'trusted-projects', decided: true };
  if (realList(user, UNTRUSTED_PROJECTS_KEY).includes(realPath))
    return { realPath, trusted: false, source: 'untrusted-projects', decided: true };
  return { realPath, trusted: false, source: 'none', decided: false };
}

/** Splits a project file's keys into those that apply and those ignored for lack of trust. */
export function filterProjectConfig(
  project: Record<string, unknown>,
  trusted: boolean,
): { applied: Record<string, unknown>; ignored: string[] } {
  const applied: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(project)) {
    // A trusted project's `trust` is moot; an untrusted one's is named in the warning.
    if (USER_ONLY_KEYS.has(key) && trusted) continue;
    if (USER_ONLY_KEYS.has(key) || (!trusted && !PROJECT_SAFE_KEYS.has(key))) ignored.push(key);
    else applied[key] = value;
  }
  return { applied, ignored };
}

/** The project files besides `.tether/config.json` whose contents need trust (e.g. `.mcp.json`). */
export function trustGatedFiles(cwd: string): string[] {
  return ['.mcp.json', '.tether/commands'].filter((f) => existsSync(resolve(cwd, f)));
}

/** The one warning for what an untrusted project tried to set. */
export function untrustedWarning(ignoredKeys: readonly string[], gatedFiles: readonly string[] = []): string {
  const parts: string[] = [];
  if (ignoredKeys.length > 0) parts.push(`.tether/config.json keys ${ignoredKeys.join(', ')}`);
  if (gatedFiles.length > 0) parts.push(gatedFiles.join(', '));
  return (
    `this project is not trusted, so ${parts.join(' and ')} ${ignoredKeys.length + gatedFiles.length === 1 ? 'is' : 'are'} ignored; ` +
    'trust it with --trust, TETHER_TRUST=1 or `tether config trust`'
  );
}

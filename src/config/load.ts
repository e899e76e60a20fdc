/**
 * Resolves settings with precedence: flags > environment > project `.tether/config.json` >
 * user config (conf) > defaults. Every value is validated with a message naming its source.
 * A project file applies only its harmless keys unless the project is trusted (see trust.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../util/errors.js';
import { defaultSettings, SETTINGS, type Settings } from './schema.js';
import { filterProjectConfig, type ProjectTrust, resolveProjectTrust } from './trust.js';
import { coerceSetting } from './validate.js';

export type SettingSource = 'flag' | 'env' | 'project' | 'user' | 'default';

export interface ResolvedSettings {
  settings: Settings;
  /** Where each value came from (for `tether config list` and `/status`). */
  sources: Record<string, SettingSource>;
  /** The project's trust (undefined without a cwd). */
  trust?: ProjectTrust;
  /** Keys of `.tether/config.json` ignored because the project is not trusted. */
  ignoredProjectKeys: string[];
}

export interface ResolveInput {
  /** Values from command-line flags, keyed by setting key (already strings or typed). */
  flags?: Partial<Record<string, unknown>>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** User config values (from conf); injected so tests need no files. */
  user?: Record<string, unknown>;
  /** The project's trust when already decided (e.g. answered at the prompt); else resolved here. */
  trust?: ProjectTrust;
}

/** Largest project config file read (a repository could ship a huge one). */
const MAX_PROJECT_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads `<cwd>/.tether/config.json` if present. A malformed file is a usage error, and so is one
 * that is not a regular file (a FIFO or `/dev/zero` behind a symlink would hang or exhaust memory).
 */
export function readProjectConfig(cwd: string): Record<string, unknown> {
  const file = join(cwd, '.tether', 'config.json');
  if (!existsSync(file)) return {};
  const st = statSync(file);
  if (!st.isFile()) throw usageError(`cannot read ${file}: not a regular file`, 'invalid_config');
  if (st.size > MAX_PROJECT_CONFIG_BYTES)
    throw usageError(`cannot read ${file}: larger than ${MAX_PROJECT_CONFIG_BYTES} bytes`, 'invalid_config');
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw usageError(`cannot read ${file}: ${(err as Error).message}`, 'invalid_config');
  }
}

/** Extra env aliases accepted besides the canonical one in the schema. */
const ENV_ALIASES: Record<string, string[]> = { baseUrl: ['TETHER_BASE_URL'] };

export function resolveSettings(input: ResolveInput): ResolvedSettings {
  const env = input.env ?? process.env;
  const user = input.user ?? {};
  const rawProject = input.cwd ? readProjectConfig(input.cwd) : {};
  for (const key of Object.keys(rawProject)) {
    if (!SETTINGS.some((d) => d.key === key))
      throw usageError(`unknown config key "${key}" in .tether/config.json`, 'invalid_config');
  }
  const trust =
    input.trust ??
    (input.cwd ? resolveProjectTrust({ cwd: input.cwd, flags: input.flags, env, user }) : undefined);
  const { applied: project, ignored } = filterProjectConfig(rawProject, trust?.trusted === true);
  const settings = defaultSettings() as Record<string, unknown>;
  const sources: Record<string, SettingSource> = {};
  for (const def of SETTINGS) {
    sources[def.key] = 'default';
    const layers: Array<[SettingSource, unknown, string]> = [
      ['user', user[def.key], `config key ${def.key} (user config)`],
      ['project', project[def.key], `config key ${def.key} (.tether/config.json)`],
    ];
    for (const name of [...(ENV_ALIASES[def.key] ?? []), def.env]) layers.push(['env', env[name], name]);
    layers.push(['flag', input.flags?.[def.key], flagName(def.key)]);
    for (const [source, raw, label] of layers) {
      // An empty variable or config value means unset; an empty flag (`-m ""`) is a mistake.
      if (raw === undefined || raw === null || (raw === '' && source !== 'flag')) continue;
      settings[def.key] = coerceSetting(def, raw, label);
      sources[def.key] = source;
    }
  }
  if (trust?.trusted) {
    // The effective trust (also when it came from trustedProjects or the prompt).
    (settings as Record<string, unknown>)['trust'] = true;
    if (sources['trust'] === 'default') sources['trust'] = 'user';
  }
  return {
    settings: settings as Settings,
    sources,
    ...(trust ? { trust } : {}),
    ignoredProjectKeys: ignored,
  };
}

/** `maxTurns` → `--max-turns`. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * The user config file, kept with `conf` under the platform config dir (or `$TETHER_HOME`).
 * Imported lazily: only commands that need settings pay for loading conf.
 */
import { usageError } from '../util/errors.js';
import { mkdirs } from '../util/mkdirs.js';
import { configDir } from '../util/paths.js';
import { SETTINGS_BY_KEY } from './schema.js';
import { projectList, TRUSTED_PROJECTS_KEY, UNTRUSTED_PROJECTS_KEY } from './trust.js';
import { coerceSetting } from './validate.js';

export interface UserConfigStore {
  path: string;
  all(): Record<string, unknown>;
  get(key: string): unknown;
  set(key: string, raw: string): unknown;
  unset(key: string): void;
  /** Structured entries that are not settings (e.g. `mcpServers`). */
  getRaw(key: string): unknown;
  setRaw(key: string, value: unknown): void;
  /**
   * Remembers the user's trust answer for a project (its real path): adds it to
   * `trustedProjects` or `untrustedProjects` and removes it from the other list.
   */
  rememberTrust(realPath: string, trusted: boolean): void;
}

export async function openUserConfig(env: NodeJS.ProcessEnv = process.env): Promise<UserConfigStore> {
  mkdirs(configDir(env));
  const { default: Conf } = await import('conf');
  const conf = new Conf<Record<string, unknown>>({
    projectName: 'tether',
    projectSuffix: '',
    cwd: configDir(env),
    configName: 'config',
  });
  const known = (key: string) => {
    const def = SETTINGS_BY_KEY.get(key);
    if (!def) throw usageError(`unknown config key "${key}" (see \`tether config list\`)`, 'invalid_config');
    return def;
  };
  return {
    path: conf.path,
    all: () => ({ ...conf.store }),
    get(key) {
      known(key);
      return conf.get(key);
    },
    set(key, raw) {
      const value = coerceSetting(known(key), raw, `config key ${key}`);
      conf.set(key, value);
      return value;
    },
    unset(key) {
      known(key);
      conf.delete(key);
    },
    getRaw: (key) => conf.get(key),
    setRaw(key, value) {
      if (value === undefined) conf.delete(key);
      else conf.set(key, value);
    },
    rememberTrust(realPath, trusted) {
      const store = conf.store;
      const add = trusted ? TRUSTED_PROJECTS_KEY : UNTRUSTED_PROJECTS_KEY;
      const drop = trusted ? UNTRUSTED_PROJECTS_KEY : TRUSTED_PROJECTS_KEY;
      const keep = projectList(store, add).filter((p) => p !== realPath);
      conf.set(add, [...keep, realPath]);
      const rest = projectList(store, drop).filter((p) => p !== realPath);
      if (rest.length > 0) conf.set(drop, rest);
      else conf.delete(drop);
    },
  };
}

/**
 * The user config file, kept with `conf` under the platform config dir (or `$TETHER_HOME`).
 * Imported lazily: only commands that need settings pay for loading conf.
 */
import { usageError } from '../util/errors.js';
import { configDir } from '../util/paths.js';
import { SETTINGS_BY_KEY } from './schema.js';
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
}

export async function openUserConfig(env: NodeJS.ProcessEnv = process.env): Promise<UserConfigStore> {
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
  };
}

/** `tether config get|set|unset|list|path|trust|untrust` over the user config file. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveSettings, type SettingSource } from '../../config/load.js';
import { SETTINGS, SETTINGS_BY_KEY } from '../../config/schema.js';
import {
  describeTrust,
  isProjectTrusted,
  projectList,
  projectRealPath,
  resolveProjectTrust,
  TRUSTED_PROJECTS_KEY,
} from '../../config/trust.js';
import { openUserConfig } from '../../config/user-config.js';
import { usageError } from '../../util/errors.js';
import { EXIT } from '../../util/exit-codes.js';

function effective(user: Record<string, unknown>): {
  settings: Record<string, unknown>;
  sources: Record<string, SettingSource>;
} {
  const { settings, sources } = resolveSettings({ env: process.env, cwd: process.cwd(), user });
  return { settings: settings as unknown as Record<string, unknown>, sources };
}

/** A setting's value for display: gateway header values may be credentials, so only names show. */
function shown(key: string, value: unknown): string {
  if (SETTINGS_BY_KEY.get(key)?.type !== 'headers') return String(value);
  try {
    const names = Object.keys(JSON.parse(String(value)) as Record<string, unknown>);
    return JSON.stringify(Object.fromEntries(names.map((n) => [n, '[REDACTED]'])));
  } catch {
    return '[REDACTED]';
  }
}

/** Runs one config action; returns the exit code. */
export async function runConfigCommand(
  action: string,
  key?: string,
  value?: string,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const store = await openUserConfig();
  switch (action) {
    case 'path':
      out.write(`${store.path}\n`);
      return EXIT.success;
    case 'get': {
      if (!key) throw usageError('config get: missing key');
      store.get(key); // validates the key name
      const { settings } = effective(store.all());
      out.write(`${shown(key, settings[key])}\n`);
      return EXIT.success;
    }
    case 'set': {
      if (!key || value === undefined) throw usageError('config set: expected <key> <value>');
      const stored = store.set(key, value);
      out.write(`${key} = ${shown(key, stored)}\n`);
      return EXIT.success;
    }
    case 'trust':
    case 'untrust': {
      const dir = resolve(key ?? process.cwd());
      if (!existsSync(dir) || !statSync(dir).isDirectory())
        throw usageError(`config ${action}: not a directory: ${dir}`);
      const realPath = projectRealPath(dir);
      store.rememberTrust(realPath, action === 'trust');
      out.write(`${action === 'trust' ? 'trusted' : 'not trusted'}: ${realPath}\n`);
      if (action === 'untrust' && isProjectTrusted(realPath, store.all()))
        out.write('note: still trusted through the `trust` setting or a trusted parent directory\n');
      return EXIT.success;
    }
    case 'unset':
      if (!key) throw usageError('config unset: missing key');
      store.unset(key);
      return EXIT.success;
    case 'list': {
      const { settings, sources } = effective(store.all());
      const width = Math.max(...SETTINGS.map((s) => s.key.length));
      for (const def of SETTINGS) {
        out.write(
          `${def.key.padEnd(width)}  ${shown(def.key, settings[def.key])}  (${sources[def.key]}; ${def.env})\n`,
        );
      }
      for (const p of projectList(store.all(), TRUSTED_PROJECTS_KEY)) out.write(`trusted project  ${p}\n`);
      const here = resolveProjectTrust({ cwd: process.cwd(), env: process.env, user: store.all() });
      out.write(`this project  ${here.realPath}  ${describeTrust(here)}\n`);
      return EXIT.success;
    }
    default:
      throw usageError(`config: unknown action "${action}"`);
  }
}

/**
 * What tether learnt about an endpoint, kept next to the user config (`state.json` in
 * `tether config path`'s folder, or `$TETHER_HOME`): request fields a base URL + model refused,
 * so later sessions do not pay the refusal again. Entries expire after {@link REFUSAL_TTL_MS}
 * (an organization may get verified). Unreadable state is ignored, never fatal.
 */

import { mkdirs } from '../util/mkdirs.js';
import { configDir } from '../util/paths.js';

/** How long a remembered refusal is applied (ms). */
export const REFUSAL_TTL_MS = 7 * 24 * 60 * 60_000;

export interface RefusalRecord {
  param: string;
  code: string;
  /** Wall-clock ms. */
  at: number;
}

export interface UserState {
  /** Params refused for `baseUrl` + `model`, newest first, expired ones left out. */
  refusals(baseUrl: string, model: string): RefusalRecord[];
  rememberRefusal(baseUrl: string, model: string, r: RefusalRecord): void;
}

type Stored = Record<string, RefusalRecord[]>;

function keyOf(baseUrl: string, model: string): string {
  return `${baseUrl.replace(/\/+$/, '')} ${model}`;
}

/** In-memory state (tests, the demo); `initial` maps `keyOf` keys to records. */
export function memoryUserState(now: () => number = Date.now, initial: Stored = {}): UserState {
  const data: Stored = { ...initial };
  return {
    refusals: (baseUrl, model) =>
      (data[keyOf(baseUrl, model)] ?? []).filter((r) => now() - r.at < REFUSAL_TTL_MS),
    rememberRefusal(baseUrl, model, r) {
      const k = keyOf(baseUrl, model);
      data[k] = [r, ...(data[k] ?? []).filter((x) => x.param !== r.param)];
    },
  };
}

/** The state file under the config dir (conf, loaded lazily); falls back to memory on any error. */
export async function openUserState(env: NodeJS.ProcessEnv = process.env): Promise<UserState> {
  try {
    // conf's own recursive mkdir can spin forever on odd paths; make the directory first.
    mkdirs(configDir(env));
    const { default: Conf } = await import('conf');
    const conf = new Conf<{ refusals: Stored }>({
      projectName: 'tether',
      projectSuffix: '',
      cwd: configDir(env),
      configName: 'state',
      clearInvalidConfig: true,
    });
    const read = (): Stored => {
      const v = conf.get('refusals');
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
    };
    const mem = memoryUserState(Date.now, read());
    return {
      refusals: (baseUrl, model) => {
        const list = read()[keyOf(baseUrl, model)];
        return Array.isArray(list)
          ? list.filter(
              (r) =>
                typeof r?.param === 'string' &&
                typeof r.at === 'number' &&
                Date.now() - r.at < REFUSAL_TTL_MS,
            )
          : [];
      },
      rememberRefusal(baseUrl, model, r) {
        mem.rememberRefusal(baseUrl, model, r);
        try {
          const all = read();
          const k = keyOf(baseUrl, model);
          all[k] = [r, ...(all[k] ?? []).filter((x) => x.param !== r.param)];
          conf.set('refusals', all);
        } catch {
          // a read-only config dir: remembered for this process only
        }
      },
    };
  } catch {
    return memoryUserState();
  }
}

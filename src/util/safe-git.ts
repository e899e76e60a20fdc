/**
 * tether's own git calls (`/diff`, the `@` file list, branch detection, the demo repository) never
 * run a program a repository configured (issue 13 §6): no filters (clean/smudge/process), no
 * fsmonitor, pager, external diff, textconv, merge driver, hooks, credential helper, ssh command
 * or signature program. A repository controls its `.git/config` (plus anything it includes) and
 * `.gitattributes`, which select filter and diff drivers by name; git has no switch to ignore a
 * repository's config, so:
 *
 * - fixed `-c` overrides switch off every single-valued program key (command-line config wins over
 *   every config file, and git passes it on to the git processes it starts);
 * - for driver sections (`filter.<name>`, `diff.<name>`, `merge.<name>`) the names are read first
 *   with `git config -z --list` (includes expanded, no program runs) and each driver's program
 *   keys are overridden with empty values, which git treats as "no filter"/"no driver". These go
 *   through `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>` (git >= 2.31), never
 *   `-c`: `-c` splits at the first `=`, and a driver may be named `x=y`;
 * - submodules are ignored (a submodule's own config is not ours to override), the environment's
 *   `GIT_*` variables are dropped (no inherited GIT_DIR, GIT_EXTERNAL_DIFF, GIT_CONFIG_*), system
 *   config is skipped and git may not prompt.
 */

import { execFile } from 'node:child_process';

/** `-c` overrides applied to every call. */
export const GIT_FIXED_OVERRIDES: readonly string[] = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'core.editor=false',
  'core.askPass=',
  'core.sshCommand=false',
  'core.gitProxy=',
  'credential.helper=',
  'diff.external=',
  'diff.ignoreSubmodules=all',
  'submodule.recurse=false',
  'status.submoduleSummary=false',
  'log.showSignature=false',
  'gpg.program=false',
  'sequence.editor=false',
  'protocol.allow=never',
];

/** Program-valued keys of driver sections, and the value that switches each off. */
const DRIVER_KEYS: Record<string, Array<[string, string]>> = {
  filter: [
    ['clean', ''],
    ['smudge', ''],
    ['process', ''],
    ['required', 'false'],
  ],
  diff: [
    ['textconv', ''],
    ['command', ''],
  ],
  merge: [['driver', '']],
};

/**
 * `[key, value]` overrides that disable every filter, diff and merge driver named in `configList`
 * (the output of `git config -z --list`: NUL-separated `key\nvalue` entries). Pure.
 */
export function driverOverrides(configList: string): Array<[string, string]> {
  const names = new Map<string, Set<string>>();
  for (const entry of configList.split('\0')) {
    const key = entry.split('\n', 1)[0] ?? '';
    const first = key.indexOf('.');
    const last = key.lastIndexOf('.');
    if (first <= 0 || last <= first) continue; // no subsection
    const section = key.slice(0, first).toLowerCase();
    if (!(section in DRIVER_KEYS)) continue;
    const sub = key.slice(first + 1, last);
    const set = names.get(section) ?? new Set<string>();
    set.add(sub);
    names.set(section, set);
  }
  const out: Array<[string, string]> = [];
  for (const [section, subs] of names) {
    for (const sub of subs)
      for (const [k, v] of DRIVER_KEYS[section] ?? []) out.push([`${section}.${sub}.${k}`, v]);
  }
  return out;
}

/** The environment for tether's git calls: `env` without any `GIT_*` variable, plus safe ones. */
export function safeGitEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith('GIT_')) out[k] = v;
  return {
    ...out,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_ASKPASS: 'false',
    SSH_ASKPASS: 'false',
    GIT_EDITOR: 'false',
  };
}

/** The argv for `git <args>` with the fixed overrides. */
export function safeGitArgs(args: readonly string[]): string[] {
  const out = ['--no-pager', '--no-optional-locks'];
  for (const c of GIT_FIXED_OVERRIDES) out.push('-c', c);
  return [...out, ...args];
}

/** The argv that lists config for {@link driverOverrides} (itself runs no configured program). */
export const GIT_CONFIG_LIST_ARGS: readonly string[] = safeGitArgs(['config', '-z', '--list']);

/**
 * Argv and environment for one hardened git call. `configList` is the output of
 * {@link GIT_CONFIG_LIST_ARGS} in the same directory (needed for commands that may run drivers:
 * `diff`, `status`, `ls-files`, `commit`, …; plumbing such as `rev-parse` runs none).
 */
export function safeGit(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  configList = '',
): { args: string[]; env: Record<string, string> } {
  const out = safeGitEnv(env);
  const drivers = driverOverrides(configList);
  drivers.forEach(([k, v], i) => {
    out[`GIT_CONFIG_KEY_${i}`] = k;
    out[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  out['GIT_CONFIG_COUNT'] = String(drivers.length);
  return { args: safeGitArgs(args), env: out };
}

/** Largest config listing read (bytes); a larger one fails closed rather than being cut. */
const CONFIG_LIST_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Reads `git config -z --list` in `cwd` (hardened). Resolves '' outside a repository with no
 * config; rejects when the listing cannot be read whole, so no driver can hide past a cut.
 */
export function readGitConfigList(cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...GIT_CONFIG_LIST_ARGS],
      { cwd, env: safeGitEnv(env), timeout: timeoutMs, maxBuffer: CONFIG_LIST_MAX_BYTES, encoding: 'utf8' },
      (err, stdout) => {
        // Exit 1 with no output: no config at all.
        if (err && !((err as { code?: unknown }).code === 1 && stdout === '')) reject(err);
        else resolve(stdout);
      },
    );
  });
}

/** Runs one hardened git command (drivers of `cwd`'s config disabled); never uses a shell. */
export async function runSafeGit(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  opts: { timeoutMs?: number; maxBuffer?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  const config = await readGitConfigList(cwd, env);
  const g = safeGit(args, env, config);
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      g.args,
      {
        cwd,
        env: g.env,
        timeout: opts.timeoutMs ?? 10_000,
        maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) =>
        err ? reject(Object.assign(err, { stdout, stderr })) : resolve({ stdout, stderr }),
    );
  });
}

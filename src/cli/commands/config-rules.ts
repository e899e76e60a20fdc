/**
 * `tether config rules [--all]` lists the "always allow" rules (this project's, or every
 * project's); `tether config rules remove <rule>` deletes one. Rules live in the user config dir,
 * keyed by the project's real path; nothing inside a repository can add any.
 */

import { describeTrust, type ProjectTrust, resolveProjectTrust } from '../../config/trust.js';
import { openUserConfig } from '../../config/user-config.js';
import {
  allowRulesPath,
  formatRule,
  legacyRulesWarning,
  loadAllowRules,
  loadAllRules,
  projectKey,
  removeAllowRule,
} from '../../policy/allow-rules.js';
import { usageError } from '../../util/errors.js';
import { EXIT } from '../../util/exit-codes.js';
import { visibleText } from '../../util/visible-text.js';

/** Options of {@link runRulesCommand}. */
export interface RulesCommandOptions {
  action?: string | undefined;
  words: string[];
  all: boolean;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** The project's trust (shown above its rules). */
  trust?: Pick<ProjectTrust, 'trusted' | 'source'>;
}

/** The trust of the project at `cwd` as a session there would start with it (no prompt). */
export async function currentTrust(
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Pick<ProjectTrust, 'trusted' | 'source'> | undefined> {
  try {
    const user = (await openUserConfig()).all();
    return resolveProjectTrust({ cwd, env, user });
  } catch {
    return undefined; // a broken user config is reported by the commands that need it
  }
}

/** Runs `config rules …`; returns the exit code. */
export function runRulesCommand(o: RulesCommandOptions): number {
  const env = o.env ?? process.env;
  const out = o.out ?? process.stdout;
  const err = o.err ?? process.stderr;
  const show = (prefixes: string[][]) => {
    if (prefixes.length === 0) out.write('  (none)\n');
    for (const p of prefixes) out.write(`  ${visibleText(formatRule(p))}\n`);
  };
  if (o.action === undefined || o.action === 'list') {
    out.write(`# ${allowRulesPath(env)}\n`);
    if (o.all) {
      const all = loadAllRules(env);
      const keys = Object.keys(all).sort();
      if (keys.length === 0) out.write('(no rules)\n');
      for (const key of keys) {
        out.write(`${visibleText(key)}\n`);
        show(all[key] ?? []);
      }
    } else {
      out.write(`${visibleText(projectKey(o.cwd))}\n`);
      if (o.trust) out.write(`  trust: ${describeTrust(o.trust)}\n`);
      show(loadAllowRules(o.cwd, env).prefixes);
    }
    const legacy = legacyRulesWarning(o.cwd);
    if (legacy) err.write(`tether: warning: ${legacy}\n`);
    return EXIT.success;
  }
  if (o.action === 'remove') {
    const wanted = o.words.join(' ');
    if (!wanted)
      throw usageError('config rules remove: expected the rule, as `tether config rules` prints it');
    const rule = loadAllowRules(o.cwd, env).prefixes.find(
      (p) => formatRule(p) === wanted || p.join(' ') === wanted,
    );
    if (!rule || !removeAllowRule(o.cwd, rule, env))
      throw usageError(`config rules remove: no rule "${wanted}" for ${projectKey(o.cwd)}`);
    out.write(`removed: ${visibleText(formatRule(rule))}\n`);
    return EXIT.success;
  }
  throw usageError(`config rules: unknown action "${o.action}" (list, remove)`);
}

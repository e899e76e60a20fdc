/** The custom commands of a CLI run: the user's, plus a trusted project's own. */
import { join } from 'node:path';
import { type CustomCommand, expandCommand, loadCustomCommands } from '../config/custom-commands.js';
import { SLASH_COMMANDS } from '../ui/slash.js';
import { configDir } from '../util/paths.js';
import type { CliContext } from './context.js';

export function customCommandsFor(ctx: Pick<CliContext, 'cwd' | 'env' | 'projectTrusted'>): {
  commands: CustomCommand[];
  warnings: string[];
} {
  const projectDir = join(ctx.cwd, '.tether', 'commands');
  const loaded = loadCustomCommands({
    userDir: join(configDir(ctx.env), 'commands'),
    projectDir: ctx.projectTrusted ? projectDir : null,
    reserved: SLASH_COMMANDS.map((c) => c.name),
  });
  // An untrusted project's commands are named in the one untrusted-project warning (cli/program).
  return loaded;
}

/** `/name args` naming a custom command becomes its expanded prompt; anything else is unchanged. */
export function expandPromptCommand(prompt: string, commands: readonly CustomCommand[]): string {
  const m = /^\/([a-z0-9_:-]+)(?:\s+([\s\S]*))?$/i.exec(prompt.trim());
  if (!m) return prompt;
  const cmd = commands.find((c) => c.name === (m[1] ?? '').toLowerCase());
  return cmd ? expandCommand(cmd.body, (m[2] ?? '').trim()) : prompt;
}

/**
 * Red-team round 2 (issue 13): reproductions of what got past the changes of this session
 * (destructive family, planted symlinks, visible approval text, resume picker). Each case states
 * what must hold; on the main of 09:10 UTC every case here FAILS (that is the finding).
 */
import { describe, expect, it } from 'vitest';
import { classifyCommand, decide } from '../../src/policy/index.js';
import type { ReadyCall } from '../../src/tools/types.js';
import { NO_SANDBOX, shellCall } from '../helpers/policy-calls.js';

/** Destructive in bash (verified by running them), auto-approved in full-auto today. */
const EVASIONS: string[] = [
  "rm $'-rf' x", // ANSI-C quoting: wordValue() gives null, destructiveAt sees ''
  "git $'clean' -fdx",
  "git reset $'--hard'",
  "find . -exec $'rm' -rf {} +",
  'rm -{r,f} x', // brace expansion -> rm -r -f x
  'rm {-rf,x}',
  '{rm,-rf,x}', // syntax error to tree-sitter; the text scan misses `,-rf`
  // biome-ignore lint/suspicious/noTemplateCurlyInString: bash text, not a template
  'rm -${x}f y', // computed flag not at the word start
  'R=rm; F=-rf; $R $F x', // computed name and computed flags
  // biome-ignore lint/suspicious/noTemplateCurlyInString: bash text, not a template
  'a=(rm -rf x); "${a[@]}"', // array assignment words are never looked at
  // biome-ignore lint/suspicious/noTemplateCurlyInString: bash text, not a template
  'rm${IFS}-rf${IFS}x', // the whole command in one word
  'X=rm\\ -rf\\ x; $X', // a literal assignment split at run time
  'o=f; rm -r$o x',
  'rm -r --f x', // GNU: --f is --force (longIs needs 2 letters)
  'git clean -n --no-dry-run -fdx', // the last of -n/--no-dry-run wins: deletes
  "trap 'rm -rf x' EXIT", // trap is a launcher
  "git config alias.n '!rm -rf x'; git n", // persistent alias (only -c alias.* is modelled)
  "git -calias.x='reset --hard' x", // attached -c value
  "git -c core.fsmonitor='rm -rf x' status", // git runs program-valued config (-c, GIT_CONFIG_*)
  "GIT_EXTERNAL_DIFF='rm -rf x' git diff", // program-valued environment assignments
  'echo -rf x | xargs rm', // flags arrive on stdin
  'find . -type f -exec env rm {} +', // a launcher inside -exec
  'python3 -c \'import shutil; shutil.rmtree("x")\'',
];

describe('destructive family: encodings that must ask in full-auto', () => {
  for (const command of EVASIONS) {
    it(command, async () => {
      const cls = await classifyCommand(command);
      const d = await decide(shellCall(command), {
        mode: 'full-auto',
        sandbox: NO_SANDBOX,
        rules: { prefixes: [] },
      });
      expect({ dangerous: cls.dangerous, action: d.action }).toEqual({ dangerous: true, action: 'ask' });
    });
  }
});

describe('zsh: a script bash does not parse the same way', () => {
  // zsh expands `=rm` to /usr/bin/rm. The shell is zsh for an explicit exec_command `shell`, and
  // for every command when the user's $SHELL is zsh (pickShell; the macOS default).
  it('=rm -rf x for zsh asks in full-auto', async () => {
    const command = '=rm -rf x';
    const call: ReadyCall = {
      ...shellCall(command),
      name: 'exec_command',
      args: { cmd: command, shell: 'zsh' },
    };
    const d = await decide(call, { mode: 'full-auto', sandbox: NO_SANDBOX, rules: { prefixes: [] } });
    expect(d.action).toBe('ask');
  });
});

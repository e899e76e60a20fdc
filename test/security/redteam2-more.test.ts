/**
 * Red-team round 2 (issue 13 §1, F3/F4/F8): further vectors beyond the red team's reproductions
 * (redteam2-classifier.test.ts), and the everyday commands that must stay automatic in full-auto.
 */
import { describe, expect, it } from 'vitest';
import { classifyCommand, decide } from '../../src/policy/index.js';
import type { ReadyCall } from '../../src/tools/types.js';

const NO_SANDBOX = { tier: 'none' as const, requested: 'off' as const, network: true, message: 'off' };
const RULES = { prefixes: [] };

function call(command: string, shell?: string): ReadyCall {
  return {
    ok: true,
    callId: 'c',
    name: shell ? 'exec_command' : 'shell',
    kind: 'execute',
    args: shell ? { cmd: command, shell } : { command, workdir: null, timeout_ms: null },
    subject: { kind: 'command', summary: command, command, paths: [] },
    touches: [],
  };
}

/* biome-ignore-start lint/suspicious/noTemplateCurlyInString: bash text, not templates */
const MORE_EVASIONS: string[] = [
  // ANSI-C quoting, decoded as bash does.
  "rm $'\\x2d\\x72\\x66' x",
  "rm $'\\055rf' x",
  "$'\\x72\\x6d' -rf x",
  'bash -c "rm $\'-rf\' x"',
  // Brace expansion, anywhere in a word.
  'rm -{f,} x',
  'r{m,} -rf x',
  'git {reset,--hard}',
  "eval 'rm -{r,f} x'",
  // Names and flags known only at run time.
  'x=-rf; rm $x y',
  'rm -r$(echo f) x',
  '$(echo rm) -rf x',
  '/bin/r? -rf x',
  'r[m] -rf x', // not parsed by tree-sitter: bash runs rm
  '~/rm -rf x',
  'dd $A',
  'git $SUB -fdx',
  'git reset "$MODE"',
  'find . $ACT',
  // GNU/git option prefixes and precedence.
  'rm -r --fo x',
  'rm --rec --for x',
  'git clean --dry-run --no-dry-run -fdx',
  // Programs named by configuration or the environment.
  'git -c core.pager="rm -rf x" log',
  'git -c filter.a.smudge="rm -rf x" checkout main',
  'git --config-env=core.pager=P log',
  'git -c alias.x="!echo hi" x',
  'git config core.fsmonitor "rm -rf x"; git status',
  'git config --global alias.y "clean -fdx"',
  'git config set core.hooksPath .hooks',
  'export GIT_SSH_COMMAND="rm -rf x"; git fetch',
  'env GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.pager GIT_CONFIG_VALUE_0="rm -rf x" git log',
  'EDITOR="rm -rf x" git commit',
  'LD_PRELOAD=./x.so ls',
  'BASH_ENV=./x bash -c true',
  'PATH=.:$PATH ls',
  // Wrappers.
  "trap 'git reset --hard' ERR",
  'find . -exec nice rm {} +',
  'ls | xargs -0 rm',
  'ls | parallel rm',
  'ls | xargs git rm',
  // Interpreters.
  "perl -e 'unlink glob q{*}'",
  'node -e \'require("fs").rmSync("x",{recursive:true})\'',
  'ruby -e \'require "fileutils"; FileUtils.rm_rf("x")\'',
  'php -r \'unlink("x");\'',
  'echo \'import shutil; shutil.rmtree("x")\' | python3',
  'python3 - <<EOF\nimport os\nos.remove("x")\nEOF',
  // A script written and run by the same command.
  "echo 'rm -rf x' > s.sh; ./s.sh",
  "echo 'rm -rf x' > s.sh && bash s.sh",
  "printf 'rm -rf x' | tee s.sh >/dev/null; sh ./s.sh",
  'cp /tmp/evil ./go; ./go',
  'f=s.sh; echo x > $f; ./s.sh',
  "sed -i 's/echo/rm -rf/' run.sh; ./run.sh",
  // git runs hooks and programs named in its config on the next git command.
  "echo 'rm -rf ~' > .git/hooks/pre-commit; git commit -m x",
  "printf '[core]\\nfsmonitor=rm -rf x\\n' >> .git/config",
];

/** Everyday commands: not destructive, so full-auto runs them unasked. */
const STAY_AUTO: string[] = [
  'git reset HEAD~1',
  'git log --oneline HEAD~3..',
  'mkdir -p src/{a,b}',
  'cp a.txt{,.bak}',
  'git commit -m "$(cat msg)"',
  'git add "$f"',
  'for f in src/*.ts; do wc -l "$f"; done',
  'find . -name "*.ts" | xargs grep foo',
  'find . -name "$p"',
  'rm -- "$f"',
  "python3 -c 'print(1)'",
  'node -e \'console.log(require("fs").readdirSync("."))\'',
  'git config user.email a@b',
  'git -c color.ui=always log',
  'make > build.log; ./build/app',
  'cat ~/.bashrc',
  'NODE_ENV=production npm run build',
  'export PATH=/opt/x/bin:$PATH; make',
  'eval "export PATH=$HOME/bin:$PATH"',
  'npm test -- --grep "foo bar"',
  '[[ $x =~ ^a+$ ]] && echo y',
  'case $x in a) echo a;; *) echo b;; esac',
  'chmod -R u+w ./src',
  "sed -i 's/a/b/' src/x.ts && npm test",
  'echo hi > out.txt && ./run.sh',
  'echo ${x:-default}',
];
/* biome-ignore-end lint/suspicious/noTemplateCurlyInString: bash text, not templates */

async function fullAuto(command: string, shell?: string, workspace?: string) {
  return decide(call(command, shell), {
    mode: 'full-auto',
    sandbox: NO_SANDBOX,
    rules: RULES,
    ...(workspace ? { workspace } : {}),
  });
}

describe('destructive family: more encodings that ask in full-auto', () => {
  for (const command of MORE_EVASIONS)
    it(command, async () => {
      expect((await classifyCommand(command)).dangerous).toBe(true);
      expect((await fullAuto(command)).action).toBe('ask');
    });
});

describe('destructive family: everyday commands stay automatic in full-auto', () => {
  for (const command of STAY_AUTO)
    it(command, async () => {
      const cls = await classifyCommand(command);
      expect(cls.danger).toBe('');
      expect((await fullAuto(command)).action).toBe('auto');
    });
});

describe('zsh: the shell that runs a command decides how it is judged', () => {
  const zshCtx = (mode: 'suggest' | 'full-auto') => ({
    mode,
    sandbox: NO_SANDBOX,
    rules: RULES,
    defaultShell: 'zsh',
  });
  it('=rm -rf x asks in full-auto when $SHELL is zsh (the default shell)', async () => {
    expect((await decide(call('=rm -rf x'), zshCtx('full-auto'))).action).toBe('ask');
  });
  it('=rm after a launcher asks too (sudo =rm -rf x)', async () => {
    expect((await decide(call('sudo =rm -rf x'), zshCtx('full-auto'))).action).toBe('ask');
    expect((await decide(call('sudo =rm -r x | cat'), zshCtx('full-auto'))).action).toBe('auto');
  });
  it('a glob qualifier that runs code asks in full-auto for zsh', async () => {
    const command = "ls *(e:'rm -rf x':)";
    expect((await decide(call(command), zshCtx('full-auto'))).action).toBe('ask');
    expect(
      (await decide(call(command, 'zsh'), { ...zshCtx('full-auto'), defaultShell: 'bash' })).action,
    ).toBe('ask');
  });
  it('for zsh in suggest mode, only scripts zsh reads as bash does are known-safe', async () => {
    expect((await decide(call('ls -la'), zshCtx('suggest'))).action).toBe('auto');
    for (const command of ['=ls', 'ls ^.env', 'cat x#', 'ls --color==ls'])
      expect((await decide(call(command), zshCtx('suggest'))).action, command).toBe('ask');
    expect((await decide(call('=ls'), { ...zshCtx('suggest'), defaultShell: 'bash' })).action).toBe('ask');
  });
  it('an ordinary command still runs unasked in full-auto for zsh', async () => {
    expect((await decide(call('npm test'), zshCtx('full-auto'))).action).toBe('auto');
  });
  it('an explicit bash shell overrides a zsh default', async () => {
    const d = await decide(call('ls', 'bash'), zshCtx('suggest'));
    expect(d.action).toBe('auto');
  });
});

describe('chmod -R on the workspace itself is broad (F8)', () => {
  for (const command of [
    'chmod -R 000 ./',
    'chmod -R 000 .//',
    'chmod -R 000 "$PWD"',
    'chmod -R 000 /home/u/proj',
    'chmod -R 000 /home/u/proj/',
    'chmod -R 000 /home/u/proj/src/..',
    'chmod -R 000 /home/u',
    'chown -R nobody /home/u/proj//',
  ])
    it(`${command} asks in full-auto`, async () => {
      expect((await fullAuto(command, undefined, '/home/u/proj')).action).toBe('ask');
    });
  it('a directory inside the workspace is not broad', async () => {
    expect((await fullAuto('chmod -R 755 /home/u/proj/src', undefined, '/home/u/proj')).action).toBe('auto');
  });
});

import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AllowRules,
  type ApprovalMode,
  addAllowRule,
  allowRulesPath,
  decide,
  legacyRulesWarning,
  loadAllowRules,
  loadAllRules,
  removeAllowRule,
} from '../../src/policy/index.js';
import type { SandboxInfo } from '../../src/policy/sandbox.js';
import type { ReadyCall } from '../../src/tools/types.js';
import { shellCall } from '../helpers/policy-calls.js';
import { BWRAP_SANDBOX, harness, NO_SANDBOX, tempDir } from '../tools/helpers.js';

const NONE: AllowRules = { prefixes: [] };

const editCall: ReadyCall = {
  ok: true,
  callId: 'e',
  name: 'edit',
  kind: 'edit',
  args: {},
  subject: { kind: 'edit', summary: 'edit a', paths: ['/w/a'] },
  touches: ['/w/a'],
};
const readCall: ReadyCall = {
  ok: true,
  callId: 'r',
  name: 'read_file',
  kind: 'read',
  args: {},
  subject: { kind: 'read', summary: 'read a', paths: ['/w/a'] },
  touches: ['/w/a'],
};

const MODES: ApprovalMode[] = ['suggest', 'auto-edit', 'full-auto'];
const SANDBOXES: Array<[string, SandboxInfo]> = [
  ['bwrap', BWRAP_SANDBOX],
  ['none', NO_SANDBOX],
];

const CALLS: Array<[string, ReadyCall]> = [
  ['read_file', readCall],
  ['edit', editCall],
  ['ls -la', shellCall('ls -la')],
  ['cat a | wc -l', shellCall('cat a | wc -l')],
  ['git status', shellCall('git status')],
  ['npm test', shellCall('npm test')],
  ['ls > out.txt', shellCall('ls > out.txt')],
  ['echo $(id)', shellCall('echo $(id)')],
  ['rm -rf build', shellCall('rm -rf build')],
  ['sudo rm -f /x', shellCall('sudo rm -f /x')],
  ['rm build.log', shellCall('rm build.log')],
];

describe('decide: mode × sandbox matrix', () => {
  it('matches the snapshot', async () => {
    const rows: string[] = [];
    for (const [label, call] of CALLS) {
      const cells: string[] = [];
      for (const mode of MODES)
        for (const [sb, sandbox] of SANDBOXES) {
          const d = await decide(call, { mode, sandbox, rules: NONE });
          cells.push(`${mode}/${sb}=${d.action}${d.sandboxed ? '+sb' : ''}`);
        }
      rows.push(`${label.padEnd(14)} ${cells.join(' ')}`);
    }
    expect(rows.join('\n')).toMatchInlineSnapshot(`
      "read_file      suggest/bwrap=auto suggest/none=auto auto-edit/bwrap=auto auto-edit/none=auto full-auto/bwrap=auto full-auto/none=auto
      edit           suggest/bwrap=ask suggest/none=ask auto-edit/bwrap=auto auto-edit/none=auto full-auto/bwrap=auto full-auto/none=auto
      ls -la         suggest/bwrap=auto+sb suggest/none=auto auto-edit/bwrap=auto+sb auto-edit/none=auto full-auto/bwrap=auto+sb full-auto/none=auto
      cat a | wc -l  suggest/bwrap=auto+sb suggest/none=auto auto-edit/bwrap=auto+sb auto-edit/none=auto full-auto/bwrap=auto+sb full-auto/none=auto
      git status     suggest/bwrap=ask suggest/none=ask auto-edit/bwrap=ask auto-edit/none=ask full-auto/bwrap=auto+sb full-auto/none=auto
      npm test       suggest/bwrap=ask suggest/none=ask auto-edit/bwrap=ask auto-edit/none=ask full-auto/bwrap=auto+sb full-auto/none=auto
      ls > out.txt   suggest/bwrap=ask suggest/none=ask auto-edit/bwrap=ask auto-edit/none=ask full-auto/bwrap=auto+sb full-auto/none=auto
      echo $(id)     suggest/bwrap=ask suggest/none=ask auto-edit/bwrap=ask auto-edit/none=ask full-auto/bwrap=auto+sb full-auto/none=auto
      rm -rf build   suggest/bwrap=ask suggest/none=ask auto-edit/bwrap=ask auto-edit/none=ask full-auto/bwrap=ask full-auto/none=ask
      sudo rm -f /x  suggest/bwrap=ask suggest/none=ask auto-edit/bwrap=ask auto-edit/none=ask full-auto/bwrap=ask full-auto/none=ask
      rm build.log   suggest/bwrap=ask suggest/none=ask auto-edit/bwrap=ask auto-edit/none=ask full-auto/bwrap=auto+sb full-auto/none=auto"
    `);
  });

  it('dangerous commands and hidden characters ask in every mode', async () => {
    for (const mode of MODES)
      for (const [, sandbox] of SANDBOXES) {
        expect((await decide(shellCall('rm -rf /'), { mode, sandbox, rules: NONE })).action).toBe('ask');
        expect(
          (await decide(shellCall('echo hi \r#; rm -rf /'), { mode, sandbox, rules: NONE })).action,
        ).toBe('ask');
        expect((await decide(shellCall('ls \x1b[2K'), { mode, sandbox, rules: NONE })).action).toBe('ask');
      }
  });

  it('offers the narrowest rule with an ask, and none for compound or launcher commands', async () => {
    const ask = async (c: string) =>
      (await decide(shellCall(c), { mode: 'suggest', sandbox: NO_SANDBOX, rules: NONE })).allowRule;
    expect(await ask('npm test --watch')).toEqual(['npm', 'test']);
    expect(await ask('npm run test -- -t x')).toEqual(['npm', 'run', 'test']);
    expect(await ask('node --test test/a.js')).toEqual(['node', '--test']);
    expect(await ask('git status')).toEqual(['git', 'status']);
    for (const c of [
      'npm test && npm run lint',
      'npm test | tee x',
      'node -e "x"',
      'python3',
      'env npm test',
      'sudo make',
      'rm -rf build',
      'echo $(x)',
      'npm test > out',
    ])
      expect(await ask(c), c).toBeUndefined();
  });
});

describe('exec_command with another shell', () => {
  it('for zsh only a script zsh reads as bash does can be known-safe; bash and sh as before', async () => {
    const call = (shell: string | null, cmd = 'ls -la'): ReadyCall => ({
      ...shellCall(cmd),
      name: 'exec_command',
      args: {
        cmd,
        shell,
        workdir: null,
        yield_time_ms: null,
        max_output_tokens: null,
        tty: null,
        login: null,
      },
    });
    const act = async (shell: string | null, cmd?: string) =>
      (await decide(call(shell, cmd), { mode: 'suggest', sandbox: NO_SANDBOX, rules: NONE })).action;
    expect(await act(null)).toBe('auto');
    expect(await act('bash')).toBe('auto');
    expect(await act('/bin/sh')).toBe('auto');
    expect(await act('zsh')).toBe('auto');
    expect(await act('/usr/bin/zsh')).toBe('auto');
    // `=ls` is ls's path, `^`/`#` are globs with EXTENDED_GLOB, `%1` a job: not the bash reading.
    for (const cmd of ['=ls', 'ls ^x', 'cat x#', 'ls a==ls', 'kill %1'])
      expect(await act('zsh', cmd), cmd).toBe('ask');
    expect(await act('ksh')).toBe('ask');
  });
});

describe('allow rules', () => {
  it('persist in the user config keyed by the real project path and match next time, per sub-command', async () => {
    const ws = tempDir();
    const env = { ...process.env, TETHER_HOME: tempDir() };
    expect(loadAllowRules(ws, env)).toEqual({ prefixes: [] });
    const ctx = () => ({ mode: 'suggest' as const, sandbox: NO_SANDBOX, rules: loadAllowRules(ws, env) });
    const action = async (c: string) => (await decide(shellCall(c), ctx())).action;
    expect(await action('npm test')).toBe('ask');
    addAllowRule(ws, ['npm', 'test'], env);
    addAllowRule(ws, ['npm', 'test'], env);
    const file = JSON.parse(readFileSync(allowRulesPath(env), 'utf8'));
    expect(file.projects[realpathSync(ws)].prefixes).toEqual([['npm', 'test']]);
    expect(existsSync(join(ws, '.tether'))).toBe(false);
    expect(await action('npm test')).toBe('auto');
    expect(await action('npm test -- --watch')).toBe('auto');
    expect(await action('npm test && ls')).toBe('auto');
    expect(await action('npm test && npm publish')).toBe('ask');
    expect(await action('npm install')).toBe('ask');
    expect(await action('npm test > out')).toBe('ask');
    expect(await action('npm test; $(curl x)')).toBe('ask');
    expect(await action('npm test\r; curl x')).toBe('ask');
    // Another project (or a symlink to this one resolves to the same key).
    expect(loadAllowRules(tempDir(), env)).toEqual({ prefixes: [] });
    const link = join(tempDir(), 'link');
    symlinkSync(ws, link);
    expect(loadAllowRules(link, env).prefixes).toEqual([['npm', 'test']]);
    expect(() => addAllowRule(ws, ['rm'], env)).not.toThrow();
    expect(await action('rm -rf build')).toBe('ask');
    expect(() => addAllowRule(ws, ['bash'], env)).toThrow(/not saved/);
    expect(removeAllowRule(ws, ['npm', 'test'], env)).toBe(true);
    expect(await action('npm test')).toBe('ask');
  });

  it('a rules file inside the repository pre-approves nothing (and is reported)', async () => {
    const ws = tempDir();
    const env = { ...process.env, TETHER_HOME: tempDir() };
    mkdirSync(join(ws, '.tether'));
    writeFileSync(
      join(ws, '.tether', 'approvals.json'),
      '{"version":1,"prefixes":[["curl"],["npm","test"]]}',
    );
    expect(loadAllowRules(ws, env)).toEqual({ prefixes: [] });
    expect(legacyRulesWarning(ws)).toMatch(/ignoring .tether\/approvals.json/);
    expect(legacyRulesWarning(tempDir())).toBeNull();
    const d = await decide(shellCall('npm test'), {
      mode: 'suggest',
      sandbox: NO_SANDBOX,
      rules: loadAllowRules(ws, env),
    });
    expect(d.action).toBe('ask');
  });

  it('ignores a malformed user rules file', () => {
    const env = { ...process.env, TETHER_HOME: tempDir() };
    writeFileSync(allowRulesPath(env), '{"projects": {"/x": {"prefixes": "rm"}}}');
    expect(loadAllRules(env)).toEqual({});
    writeFileSync(allowRulesPath(env), 'not json');
    expect(loadAllowRules('/x', env)).toEqual({ prefixes: [] });
  });

  it('an interpreter rule never matches code given on the command line', async () => {
    const rules: AllowRules = {
      prefixes: [
        ['node', '--test'],
        ['python3', '-m', 'pytest'],
      ],
    };
    const action = async (c: string) =>
      (await decide(shellCall(c), { mode: 'suggest', sandbox: NO_SANDBOX, rules })).action;
    expect(await action('node --test')).toBe('auto');
    expect(await action('node --test test/a.test.js')).toBe('auto');
    expect(await action('node --test --import=data:text/javascript,x')).toBe('ask');
    expect(await action('node --test -e "require(1)"')).toBe('ask');
    expect(await action('python3 -m pytest -x')).toBe('auto');
    expect(await action('python3 -m pytest -c evil.ini')).toBe('ask');
  });

  it('a rule never matches flags that point the tool at other code, files or config', async () => {
    const rules: AllowRules = {
      prefixes: [
        ['npm', 'test'],
        ['make', 'test'],
        ['git', 'log'],
      ],
    };
    const action = async (c: string) =>
      (await decide(shellCall(c), { mode: 'suggest', sandbox: NO_SANDBOX, rules })).action;
    expect(await action('npm test -- --coverage')).toBe('auto');
    expect(await action('make test V=1')).toBe('auto');
    expect(await action('git log --oneline -5')).toBe('auto');
    for (const c of [
      'npm test --prefix /tmp/evil',
      'npm test --prefix=/tmp/evil',
      'npm test --script-shell=/tmp/sh',
      'make test -f /tmp/evil.mk',
      'make test --eval=x:;touch',
      'make test -C /tmp/evil',
      'make test -sf evil.mk',
      'git log --output=/tmp/x',
      'git log -c core.pager=sh',
    ])
      expect(await action(c), c).toBe('ask');
  });

  it('the model cannot write approvals through its tools', async () => {
    const h = harness();
    const r = await h.call('write_file', {
      path: '.tether/approvals.json',
      content: '{"prefixes":[["curl"]]}',
    });
    expect(r.status).toBe('error');
    expect(existsSync(join(h.ws, '.tether', 'approvals.json'))).toBe(false);
  });
});

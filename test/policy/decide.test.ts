import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AllowRules,
  type ApprovalMode,
  addAllowRule,
  decide,
  loadAllowRules,
  suggestAllowPrefix,
} from '../../src/policy/index.js';
import type { SandboxInfo } from '../../src/policy/sandbox.js';
import type { ReadyCall } from '../../src/tools/types.js';
import { BWRAP_SANDBOX, harness, NO_SANDBOX, tempDir } from '../tools/helpers.js';

const NONE: AllowRules = { prefixes: [] };

function shellCall(command: string): ReadyCall {
  return {
    ok: true,
    callId: 'c',
    name: 'shell',
    kind: 'execute',
    args: { command, workdir: null, timeout_ms: null },
    subject: { kind: 'command', summary: command, command, paths: [] },
    touches: [],
  };
}
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
  it('matches the snapshot', () => {
    const rows: string[] = [];
    for (const [label, call] of CALLS) {
      const cells = MODES.flatMap((mode) =>
        SANDBOXES.map(([sb, sandbox]) => {
          const d = decide(call, { mode, sandbox, rules: NONE });
          return `${mode}/${sb}=${d.action}${d.sandboxed ? '+sb' : ''}`;
        }),
      );
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

  it('dangerous commands ask in every mode', () => {
    for (const mode of MODES)
      for (const [, sandbox] of SANDBOXES)
        expect(decide(shellCall('rm -rf /'), { mode, sandbox, rules: NONE }).action).toBe('ask');
  });
});

describe('allow rules', () => {
  it('persist in .tether/approvals.json and match next time, per sub-command', () => {
    const ws = tempDir();
    expect(loadAllowRules(ws)).toEqual({ prefixes: [] });
    const ctx = () => ({ mode: 'suggest' as const, sandbox: NO_SANDBOX, rules: loadAllowRules(ws) });
    expect(decide(shellCall('npm test'), ctx()).action).toBe('ask');
    addAllowRule(ws, ['npm', 'test']);
    addAllowRule(ws, ['npm', 'test']);
    const file = JSON.parse(readFileSync(join(ws, '.tether', 'approvals.json'), 'utf8'));
    expect(file.prefixes).toEqual([['npm', 'test']]);
    expect(decide(shellCall('npm test'), ctx()).action).toBe('auto');
    expect(decide(shellCall('npm test -- --watch'), ctx()).action).toBe('auto');
    expect(decide(shellCall('npm test && ls'), ctx()).action).toBe('auto');
    expect(decide(shellCall('npm test && npm publish'), ctx()).action).toBe('ask');
    expect(decide(shellCall('npm install'), ctx()).action).toBe('ask');
    expect(decide(shellCall('npm test > out'), ctx()).action).toBe('ask');
    expect(decide(shellCall('npm test; $(curl x)'), ctx()).action).toBe('ask');
    addAllowRule(ws, ['rm']);
    expect(decide(shellCall('rm -rf build'), ctx()).action).toBe('ask');
  });

  it('ignores a malformed file', async () => {
    const ws = tempDir();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(ws, '.tether'));
    writeFileSync(join(ws, '.tether', 'approvals.json'), '{"prefixes": "rm"}');
    expect(loadAllowRules(ws)).toEqual({ prefixes: [] });
  });

  it('suggests a prefix', () => {
    expect(suggestAllowPrefix('npm test --watch')).toEqual(['npm', 'test']);
    expect(suggestAllowPrefix('make -j4')).toEqual(['make']);
    expect(suggestAllowPrefix('echo $(x)')).toBeNull();
  });

  it('the model cannot write approvals through its tools', async () => {
    const h = harness();
    const r = await h.call('write_file', {
      path: '.tether/approvals.json',
      content: '{"prefixes":[["curl"]]}',
    });
    expect(r.status).toBe('error');
    expect(existsSync(join(h.ws, '.tether', 'approvals.json'))).toBe(false);
    expect(loadAllowRules(h.ws)).toEqual({ prefixes: [] });
  });
});

/** Shipped scenarios, the scenario language, and mapping generic calls onto each client's tools. */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  listScenarios,
  loadScenario,
  prepareDemoWorkspace,
  type Simulator,
  startSimulator,
} from '../../src/simulator/index.js';
import { mapCall } from '../../src/simulator/tool-mapping.js';
import { createOnce, doneItems, type Ev, RawWs, responseId, SHELL_TOOL, user } from './helpers.js';

let sim: Simulator | undefined;
let c: RawWs | undefined;
afterEach(async () => {
  c?.close();
  c = undefined;
  await sim?.close();
  sim = undefined;
});

const fnTool = (name: string, props: Record<string, unknown>, required = Object.keys(props)) => ({
  type: 'function',
  name,
  strict: true,
  parameters: { type: 'object', properties: props, required, additionalProperties: false },
});
const S = { type: 'string' };
const OUR_TOOLS = [
  SHELL_TOOL,
  fnTool('read_file', {
    path: S,
    start_line: { type: ['integer', 'null'] },
    end_line: { type: ['integer', 'null'] },
  }),
  fnTool('list_dir', { path: S }),
  fnTool('apply_patch', { patch: S }),
];

describe('shipped scenarios', () => {
  it('include every required scenario and all load', () => {
    const names = listScenarios();
    for (const n of [
      'plain-answer',
      'tool-loop-20',
      'tool-loop-50',
      'parallel-tools',
      'file-edit',
      'reasoning',
      'long-markdown',
      'side-effects',
      'demo',
    ]) {
      expect(names).toContain(n);
    }
    for (const n of names) expect(loadScenario(n).turns.length).toBeGreaterThan(0);
    expect(loadScenario('tool-loop-50').turns[0]!.steps).toHaveLength(51);
  });

  it('explain bad scenarios in one line', () => {
    expect(() => loadScenario('no-such-scenario')).toThrow(
      /unknown scenario "no-such-scenario" \(known: .*plain-answer/,
    );
    expect(() => loadScenario({ name: 'x', turns: [{ steps: [{ call: { args: {} } }] }] } as never)).toThrow(
      /a call needs a "tool" name/,
    );
    expect(() => loadScenario({ name: 'x' } as never)).toThrow(/needs "turns"/);
  });
});

describe('tool mapping', () => {
  const shell = { tool: 'shell', args: { command: 'ls -la' } };
  it('maps a generic shell call onto each client’s shell tool', () => {
    expect(mapCall(shell, [SHELL_TOOL])).toEqual({
      kind: 'function',
      name: 'shell',
      arguments: '{"command":"ls -la","workdir":null,"timeout_ms":null}',
    });
    expect(mapCall(shell, [fnTool('exec_command', { cmd: S, workdir: S }, ['cmd'])])).toEqual({
      kind: 'function',
      name: 'exec_command',
      arguments: '{"cmd":"ls -la"}',
    });
    expect(mapCall(shell, [fnTool('shell_command', { command: S, workdir: S }, ['command'])])).toMatchObject({
      name: 'shell_command',
      arguments: '{"command":"ls -la"}',
    });
    expect(
      mapCall(shell, [fnTool('shell', { command: { type: 'array', items: S } }, ['command'])]),
    ).toMatchObject({ name: 'shell', arguments: '{"command":["bash","-lc","ls -la"]}' });
    expect(mapCall(shell, [])).toMatchObject({
      name: 'shell',
      arguments: '{"command":"ls -la","workdir":null,"timeout_ms":null}',
    });
  });

  it('maps apply_patch onto custom tools, renamed params, or a shell heredoc', () => {
    const patch = { tool: 'apply_patch', args: { patch: '*** Begin Patch\n*** End Patch' } };
    expect(mapCall(patch, [{ type: 'custom', name: 'apply_patch' }])).toEqual({
      kind: 'custom',
      name: 'apply_patch',
      input: '*** Begin Patch\n*** End Patch',
    });
    expect(mapCall(patch, [fnTool('apply_patch', { input: S })])).toMatchObject({
      arguments: JSON.stringify({ input: '*** Begin Patch\n*** End Patch' }),
    });
    const viaShell = mapCall(patch, [fnTool('exec_command', { cmd: S }, ['cmd'])]);
    expect(viaShell.kind === 'function' && JSON.parse(viaShell.arguments).cmd).toContain(
      "apply_patch <<'TETHER_EOF'",
    );
  });

  it("maps a scenario's shell call onto tether's own exec_command (strict schema, codex profile)", async () => {
    const { createExecTools } = await import('../../src/tools/builtin/exec-command.js');
    const specs = createExecTools().map((t) => ({
      type: 'function',
      name: t.name,
      description: t.description,
      parameters: t.parameters,
      strict: true,
    }));
    const call = mapCall({ tool: 'shell', args: { command: 'npm test', timeout_ms: 5000 } }, specs);
    expect(call).toEqual({
      kind: 'function',
      name: 'exec_command',
      arguments: JSON.stringify({
        cmd: 'npm test',
        yield_time_ms: 5000,
        workdir: null,
        max_output_tokens: null,
        tty: null,
        login: null,
        shell: null,
      }),
    });
  });

  it('renames args to declared aliases, fills strict nulls, and falls back to shell for undeclared file tools', () => {
    expect(mapCall({ tool: 'read_file', args: { path: 'a.js' } }, OUR_TOOLS)).toMatchObject({
      arguments: '{"path":"a.js","start_line":null,"end_line":null}',
    });
    expect(
      mapCall({ tool: 'read_file', args: { path: 'a.js' } }, [fnTool('read_file', { file_path: S })]),
    ).toMatchObject({ arguments: '{"file_path":"a.js"}' });
    expect(
      mapCall({ tool: 'list_dir', args: { path: 'src' } }, [
        fnTool('list_dir', { dir_path: S, depth: { type: ['integer', 'null'] } }),
      ]),
    ).toMatchObject({ arguments: '{"dir_path":"src","depth":null}' });
    expect(mapCall({ tool: 'read_file', args: { path: 'a.js' } }, [SHELL_TOOL])).toMatchObject({
      name: 'shell',
      arguments: `{"command":"cat 'a.js'","workdir":null,"timeout_ms":null}`,
    });
  });
});

/** Answers every call of a response with `answer(call)` and chains the next request. */
async function drive(
  conn: RawWs,
  first: Record<string, unknown>,
  tools: unknown[],
  answer: (name: string, args: Record<string, unknown>) => string,
  max = 80,
): Promise<Ev[][]> {
  const all: Ev[][] = [];
  let ev = await createOnce(conn, { ...first, tools });
  all.push(ev);
  for (let i = 0; i < max; i++) {
    const calls = doneItems(ev).filter((it) => it['type'] === 'function_call');
    if (calls.length === 0 || ev.at(-1)!.type !== 'response.completed') break;
    const outputs = calls.map((call) => ({
      type: 'function_call_output',
      call_id: call['call_id'],
      output: answer(String(call['name']), JSON.parse(String(call['arguments']))),
    }));
    ev = await createOnce(conn, { previous_response_id: responseId(ev), input: outputs.reverse(), tools });
    all.push(ev);
  }
  return all;
}
const finalText = (ev: Ev[]) =>
  doneItems(ev)
    .filter((i) => i['type'] === 'message')
    .map((i) => JSON.stringify(i['content']))
    .join('');

describe('scripts end to end', () => {
  it('parallel-tools: several calls in one response with correct output indices', async () => {
    sim = await startSimulator({ scenario: 'parallel-tools', seed: 81 });
    c = await RawWs.open(sim.url);
    const turns = await drive(c, { input: [user('go')] }, OUR_TOOLS, () => 'ok');
    expect(turns).toHaveLength(3);
    const first = turns[0]!.filter((e) => e.type === 'response.output_item.done');
    expect(first.map((e) => [e['output_index'], (e['item'] as { type: string }).type])).toEqual([
      [0, 'message'],
      [1, 'function_call'],
      [2, 'function_call'],
      [3, 'function_call'],
    ]);
    expect(doneItems(turns[1]!).filter((i) => i['type'] === 'function_call')).toHaveLength(2);
    expect(finalText(turns[2]!)).toContain('All five parallel calls returned');
  });

  it('side-effects: five ledger appends, then an answer', async () => {
    sim = await startSimulator({ scenario: 'side-effects', seed: 82 });
    c = await RawWs.open(sim.url);
    const commands: string[] = [];
    const turns = await drive(c, { input: [user('go')] }, [SHELL_TOOL], (_n, a) => {
      commands.push(String(a['command']));
      return 'ok';
    });
    expect(commands.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((i) => `echo side-effect-${i} >> ledger.txt`));
    expect(finalText(turns.at(-1)!)).toContain('five markers');
  });

  it('file-edit: read, apply_patch in Codex grammar, branch on the patch output', async () => {
    sim = await startSimulator({ scenario: 'file-edit', seed: 83 });
    c = await RawWs.open(sim.url);
    const seen: string[] = [];
    const ok = await drive(c, { input: [user('edit')] }, OUR_TOOLS, (name, a) => {
      seen.push(name);
      if (name === 'apply_patch') {
        expect(String(a['patch'])).toMatch(/^\*\*\* Begin Patch\n\*\*\* Update File: src\/greet\.js\n@@\n-/);
        return 'Success. Updated the following files:\nM src/greet.js';
      }
      return 'file contents';
    });
    expect(seen).toEqual(['read_file', 'apply_patch', 'read_file']);
    expect(finalText(ok.at(-1)!)).toContain('template literal');
    const bad = await drive(c, { input: [user('edit')] }, OUR_TOOLS, (name) =>
      name === 'apply_patch' ? 'error: context not found' : 'x',
    );
    expect(finalText(bad.at(-1)!)).toContain('The patch did not apply');
    expect(finalText(bad.at(-1)!)).toContain('error: context not found');
  });

  it('long-markdown-200k streams ~200k chars of markdown with code blocks over SSE', async () => {
    sim = await startSimulator({ scenario: 'long-markdown-200k', seed: 84 });
    const res = await fetch(`${sim.url}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: JSON.stringify({ model: 'm', input: 'go', stream: true }),
    });
    const raw = await res.text();
    const deltas = raw
      .split('\n')
      .filter((l) => l.startsWith('data: {"type":"response.output_text.delta"'))
      .map((l) => JSON.parse(l.slice(6)).delta as string);
    const text = deltas.join('');
    expect(text.length).toBeGreaterThanOrEqual(200_000);
    expect(text).toContain('```ts');
    expect(text).toContain('## Section 10');
    expect(deltas.length).toBeGreaterThan(3000);
  });

  it('turn selection by user text, by position, fail and incomplete steps, fallback', async () => {
    sim = await startSimulator({
      seed: 85,
      scenario: {
        name: 'inline',
        fallback: 'nothing left',
        turns: [
          { steps: [{ say: `first turn ${'and more words '.repeat(20)}` }] },
          { steps: [{ say: 'second turn' }] },
          { when: { user: 'explode' }, steps: [{ fail: { code: 'server_error', message: 'boom' } }] },
          { when: { user: 'cut' }, steps: [{ say: 'partial answer', incomplete: 'max_output_tokens' }] },
        ],
      },
    });
    c = await RawWs.open(sim.url);
    const a = await createOnce(c, { input: [user('hello')] });
    expect(finalText(a)).toContain('first turn');
    const b = await createOnce(c, { previous_response_id: responseId(a), input: [user('hello again')] });
    expect(finalText(b)).toContain('second turn');
    const f = await createOnce(c, { input: [user('please explode')] });
    expect(f.at(-1)).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed', error: { code: 'server_error', message: 'boom' } },
    });
    const i = await createOnce(c, { input: [user('cut it')] });
    expect(i.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { incomplete_details: { reason: 'max_output_tokens' } },
    });
    const m = await createOnce(c, { input: [user('x')], max_output_tokens: 16, store: false });
    expect(m.at(-1)).toMatchObject({ type: 'response.incomplete' });
    expect(finalText(m).length).toBeLessThan(200);
  });
});

/** Applies a Codex-grammar update patch (single hunk, exact lines) — enough for the demo script. */
function applyPatch(root: string, patch: string): string {
  const file = /\*\*\* Update File: (.+)/.exec(patch)?.[1];
  if (!file) return 'error: no file';
  const body = patch.split('\n').filter((l) => /^[ +-]/.test(l) && !l.startsWith('***'));
  const oldText = body
    .filter((l) => !l.startsWith('+'))
    .map((l) => l.slice(1))
    .join('\n');
  const newText = body
    .filter((l) => !l.startsWith('-'))
    .map((l) => l.slice(1))
    .join('\n');
  const path = join(root, file);
  const src = readFileSync(path, 'utf8');
  if (!src.includes(oldText)) return 'error: context not found';
  writeFileSync(path, src.replace(oldText, newText));
  return `Success. Updated the following files:\nM ${file}`;
}

describe('demo tour', () => {
  it('lists, reads, runs failing tests, patches, reruns passing tests, explains; says it is simulated', async () => {
    const dir = await prepareDemoWorkspace();
    try {
      expect(existsSync(join(dir, 'src', 'stats.js'))).toBe(true);
      sim = await startSimulator({ scenario: 'demo', seed: 86 });
      c = await RawWs.open(sim.url);
      const testRuns: string[] = [];
      const turns = await drive(c, { input: [user('show me the demo')] }, OUR_TOOLS, (name, a) => {
        switch (name) {
          case 'list_dir':
            return readdirSync(join(dir, String(a['path']))).join('\n');
          case 'read_file':
            return readFileSync(join(dir, String(a['path'])), 'utf8');
          case 'apply_patch':
            return applyPatch(dir, String(a['patch']));
          case 'shell': {
            let out: string;
            try {
              out = execSync(String(a['command']), { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
            } catch (err) {
              const e = err as { stdout?: string; stderr?: string };
              out = `${e.stdout ?? ''}${e.stderr ?? ''}\nexit code 1`;
            }
            testRuns.push(out);
            return out;
          }
          default:
            return 'unknown tool';
        }
      });
      expect(finalText(turns[0]!)).toMatch(/simulated model/i);
      expect(testRuns).toHaveLength(2);
      expect(testRuns[0]).toMatch(/fail 1/);
      expect(testRuns[1]).toMatch(/fail 0/);
      expect(finalText(turns.at(-1)!)).toContain('## Fixed');
      expect(readFileSync(join(dir, 'src', 'stats.js'), 'utf8')).toContain('for (const value of values)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a denied patch ends the tour coherently (no "Patch applied", no rerun); the workspace is a git repo', async () => {
    const dir = await prepareDemoWorkspace();
    try {
      // /diff works in the demo: the scratch copy is a repository with the project committed.
      const status = execSync('git status --porcelain', { cwd: dir, encoding: 'utf8' });
      expect(status).toBe('');
      sim = await startSimulator({ scenario: 'demo', seed: 87 });
      c = await RawWs.open(sim.url);
      const shells: string[] = [];
      const turns = await drive(c, { input: [user('show me the demo')] }, OUR_TOOLS, (name, a) => {
        if (name === 'list_dir') return readdirSync(join(dir, String(a['path']))).join('\n');
        if (name === 'read_file') return readFileSync(join(dir, String(a['path'])), 'utf8');
        if (name === 'apply_patch')
          return 'The user denied this tool call (denied by the user); it was NOT run. Do not retry it as-is.';
        shells.push(String(a['command']));
        return 'not ok 1 - average\n# fail 1\nexit code 1';
      });
      const last = finalText(turns.at(-1)!);
      expect(last).toContain('You declined the patch');
      expect(turns.map(finalText).join('\n')).not.toContain('Patch applied');
      expect(shells).toHaveLength(1); // the tests are not re-run after the denial
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Tool shapes end to end (built CLI against the simulator): a freeform `apply_patch` custom call
 * round-trips and edits a file over WebSocket and HTTP, a session holding custom calls resumes,
 * `toolProfile: json` still works, and `view_image` sends an `input_image` the simulator receives.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario, Simulator } from '../../src/simulator/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { parseJsonl, requireBuild, runTether, tempDir } from '../agent/cli-harness.js';
import { PNG_1X1 } from '../helpers/images.js';

let sim: Simulator;

beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'plain-answer', seed: 3 });
});
afterAll(async () => {
  await sim?.close();
});

function workspace(): string {
  const dir = tempDir('tether-e2e-shapes-');
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'hello.txt'), 'hello\nworld\n');
  return dir;
}

const PATCH =
  '*** Begin Patch\n*** Update File: hello.txt\n@@\n hello\n-world\n+patched world\n*** End Patch\n';

const patchScenario: Scenario = {
  name: 'freeform-patch',
  turns: [
    {
      steps: [
        { say: 'Patching.', call: { tool: 'apply_patch', args: { patch: PATCH } } },
        {
          branches: [
            { if: { output: 'Success' }, say: 'Patched: {{output}}' },
            { say: 'Patch failed: {{output}}' },
          ],
        },
      ],
    },
  ],
};

type Tool = { type: string; name: string; strict?: boolean; format?: { type: string; syntax: string } };
type InItem = { type: string; call_id?: string; output?: unknown; name?: string };

function inputs(s: Simulator): InItem[] {
  return s.recorder.creates().flatMap((r) => (r.body as { input?: InItem[] }).input ?? []);
}

function run(ws: string, args: string[], env: Record<string, string> = {}) {
  return runTether(
    [
      '-p',
      'patch hello',
      '--approval',
      'full-auto',
      '--output',
      'jsonl',
      '--base-url',
      sim.url,
      '-C',
      ws,
      ...args,
    ],
    {
      env,
    },
  );
}

describe('freeform apply_patch (codex profile, the default for gpt-5.5)', () => {
  for (const transport of ['websocket', 'http'] as const) {
    it(`round-trips a custom_tool_call over ${transport} and edits the file`, async () => {
      sim.setScenario(patchScenario);
      sim.recorder.clear();
      const ws = workspace();
      const r = await run(ws, ['--transport', transport]);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(ws, 'hello.txt'), 'utf8')).toBe('hello\npatched world\n');
      const turn = sim.recorder.creates().find((c) => c.generate !== false)!;
      const tools = (turn.body as { tools: Tool[] }).tools;
      const patch = tools.find((t) => t.name === 'apply_patch')!;
      expect(patch.type).toBe('custom');
      expect(patch.format).toMatchObject({ type: 'grammar', syntax: 'lark' });
      expect(tools.find((t) => t.name === 'view_image')?.type).toBe('function');
      expect(tools.filter((t) => t.type === 'function').every((t) => t.strict === false)).toBe(true);
      // The answer is a custom_tool_call_output with the call's id; no function_call_output for it.
      const outs = inputs(sim).filter((i) => i.type === 'custom_tool_call_output');
      expect(outs).toHaveLength(1);
      expect(String(outs[0]!.output)).toMatch(/^Success/);
      expect(
        inputs(sim).some((i) => i.type === 'function_call_output' && i.call_id === outs[0]!.call_id),
      ).toBe(false);
      const lines = parseJsonl(r.stdout) as Array<{
        type: string;
        item?: { type: string; changes?: unknown[] };
      }>;
      const change = lines.find((l) => l.type === 'item.completed' && l.item?.type === 'file_change');
      expect(change?.item?.changes).toHaveLength(1);
      const final = lines.at(-1) as { result?: string };
      expect(JSON.stringify(final)).toContain('Patched: Success');
    });
  }

  it('a session with custom tool calls resumes (--continue): the old custom call and its output are resent and accepted', async () => {
    sim.setScenario(patchScenario);
    const home = tempDir('tether-e2e-shapes-home-');
    const env = { TETHER_HOME: home, HOME: home };
    const ws = workspace();
    const first = await run(ws, [], env);
    expect(first.code, first.stderr).toBe(0);
    sim.setScenario('plain-answer');
    sim.recorder.clear();
    const second = await runTether(
      ['-p', 'and now?', '--output', 'json', '--continue', '--base-url', sim.url, '-C', ws],
      { env },
    );
    expect(second.code, second.stderr).toBe(0);
    const first2 = sim.recorder.creates()[0]!;
    const items = (first2.body as { input: InItem[] }).input;
    const call = items.find((i) => i.type === 'custom_tool_call');
    const out = items.find((i) => i.type === 'custom_tool_call_output');
    expect(call?.name).toBe('apply_patch');
    expect(out?.call_id).toBe(call?.call_id);
    expect(sim.recorder.creates().every((c) => c.errorCode === undefined)).toBe(true);
  });

  it('a custom call with an unknown name is answered with a custom_tool_call_output the model can act on', async () => {
    sim.setScenario({
      name: 'unknown-custom',
      turns: [{ steps: [{ call: { tool: 'apply_diff', input: 'whatever' } }, { say: 'Told: {{output}}' }] }],
    });
    sim.recorder.clear();
    const ws = workspace();
    const r = await run(ws, ['--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = inputs(sim).find((i) => i.type === 'custom_tool_call_output');
    expect(String(out?.output)).toMatch(/Unknown tool "apply_diff"/);
  });
});

describe('toolProfile: json', () => {
  it('offers strict JSON functions only and the same scenario edits the file through apply_patch {patch}', async () => {
    sim.setScenario(patchScenario);
    sim.recorder.clear();
    const ws = workspace();
    const r = await run(ws, [], { TETHER_TOOL_PROFILE: 'json' });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(ws, 'hello.txt'), 'utf8')).toBe('hello\npatched world\n');
    const turn = sim.recorder.creates().find((c) => c.generate !== false)!;
    const tools = (turn.body as { tools: Tool[] }).tools;
    expect(tools.every((t) => t.type === 'function' && t.strict === true)).toBe(true);
    expect(tools.map((t) => t.name)).not.toContain('view_image');
    expect(inputs(sim).some((i) => i.type === 'custom_tool_call_output')).toBe(false);
    expect(inputs(sim).filter((i) => i.type === 'function_call_output')).toHaveLength(1);
  });

  it('auto picks json for gpt-4.1', async () => {
    sim.setScenario('plain-answer');
    sim.recorder.clear();
    const ws = workspace();
    const r = await run(ws, ['--model', 'gpt-4.1', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const turn = sim.recorder.creates().find((c) => c.generate !== false)!;
    const tools = (turn.body as { tools: Tool[] }).tools;
    expect(tools.find((t) => t.name === 'apply_patch')?.type).toBe('function');
  });
});

describe('view_image', () => {
  it('sends the workspace image as an input_image the simulator receives', async () => {
    sim.setScenario({
      name: 'view-image',
      turns: [
        {
          steps: [{ call: { tool: 'view_image', args: { path: 'shot.png' } } }, { say: 'Seen: {{output}}' }],
        },
      ],
    });
    sim.recorder.clear();
    const ws = workspace();
    writeFileSync(join(ws, 'shot.png'), PNG_1X1);
    const r = await run(ws, ['--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const images = sim.recorder.images();
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({
      carrier: 'function_call_output',
      mime: 'image/png',
      bytes: PNG_1X1.length,
      sha256: createHash('sha256').update(PNG_1X1).digest('hex'),
    });
    expect(JSON.parse(r.stdout).result).toMatch(/Seen: Attached shot.png/);
  });
});

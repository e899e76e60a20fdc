/**
 * The simulator and freeform tools / images: scenarios emit `custom_tool_call` items streamed
 * with `response.custom_tool_call_input.delta/done`; a custom call must be answered by a
 * `custom_tool_call_output` (a `function_call_output` does not count); received images are
 * recorded, and a data URL that is not the image it claims is refused like the service does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { GIF_1X1, PNG_1X1 } from '../helpers/images.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'plain-answer' });
});
afterAll(async () => {
  await sim?.close();
});

const PATCH_TOOL = {
  type: 'custom',
  name: 'apply_patch',
  description: 'patch',
  format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' },
};
const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

async function post(body: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const res = await fetch(`${sim.url}/responses`, {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.5', store: false, ...body }),
  });
  return { status: res.status, text: await res.text() };
}

function sseEvents(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
}

describe('custom tool calls in the simulator', () => {
  it('streams a freeform call with input deltas, then pairs it only with a custom_tool_call_output', async () => {
    sim.setScenario({
      name: 'ff',
      chunkChars: 8,
      turns: [
        {
          steps: [
            { call: { tool: 'apply_patch', args: { patch: '*** Begin Patch\n*** End Patch' } } },
            { say: 'ok {{output}}' },
          ],
        },
      ],
    });
    const first = await post({ input: [user('go')], tools: [PATCH_TOOL], stream: true });
    expect(first.status).toBe(200);
    const events = sseEvents(first.text);
    const deltas = events.filter((e) => e['type'] === 'response.custom_tool_call_input.delta');
    expect(deltas.length).toBeGreaterThan(1);
    const done = events.find((e) => e['type'] === 'response.custom_tool_call_input.done');
    expect(done?.['input']).toBe('*** Begin Patch\n*** End Patch');
    expect(deltas.map((d) => d['delta']).join('')).toBe(done?.['input']);
    const item = events.find((e) => e['type'] === 'response.output_item.done')?.['item'] as Record<
      string,
      string
    >;
    expect(item).toMatchObject({
      type: 'custom_tool_call',
      name: 'apply_patch',
      input: '*** Begin Patch\n*** End Patch',
    });

    const history = [user('go'), item];
    const wrong = await post({
      input: [...history, { type: 'function_call_output', call_id: item['call_id'], output: 'done' }],
      tools: [PATCH_TOOL],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toMatch(/No tool output found for custom tool call/);
    const right = await post({
      input: [...history, { type: 'custom_tool_call_output', call_id: item['call_id'], output: 'Success.' }],
      tools: [PATCH_TOOL],
    });
    expect(right.status, right.text).toBe(200);
    expect(right.text).toContain('ok Success.');
  });

  it('a scenario call with `input` is a custom_tool_call even when the tool is not declared', async () => {
    sim.setScenario({
      name: 'raw',
      turns: [{ steps: [{ call: { tool: 'anything', input: 'raw {{user}}' } }] }],
    });
    const r = await post({ input: [user('text')] });
    const out = (JSON.parse(r.text) as { output: Array<Record<string, string>> }).output;
    expect(out[0]).toMatchObject({ type: 'custom_tool_call', name: 'anything', input: 'raw text' });
  });
});

describe('images in the simulator', () => {
  const img = (bytes: Buffer, mime: string) => ({
    type: 'input_image',
    image_url: `data:${mime};base64,${bytes.toString('base64')}`,
  });

  it('records images of user messages and tool outputs', async () => {
    sim.setScenario('plain-answer');
    sim.recorder.clear();
    const r = await post({
      input: [
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'see' },
            img(PNG_1X1, 'image/png'),
            img(GIF_1X1, 'image/gif'),
          ],
        },
      ],
    });
    expect(r.status, r.text).toBe(200);
    const images = sim.recorder.images();
    expect(images.map((i) => [i.carrier, i.mime, i.bytes])).toEqual([
      ['message', 'image/png', PNG_1X1.length],
      ['message', 'image/gif', GIF_1X1.length],
    ]);
  });

  it('refuses a data URL whose bytes are not the image type it claims', async () => {
    const lie = await post({
      input: [{ type: 'message', role: 'user', content: [img(Buffer.from('not a png'), 'image/png')] }],
    });
    expect(lie.status).toBe(400);
    expect(lie.text).toMatch(/unsupported image/);
    const mismatch = await post({
      input: [{ type: 'message', role: 'user', content: [img(PNG_1X1, 'image/gif')] }],
    });
    expect(mismatch.status).toBe(400);
  });
});

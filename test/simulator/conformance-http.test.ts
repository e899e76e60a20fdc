/** PROTOCOL.md §6.2/§7 over HTTP: SSE framing, WS-only fields rejected, /responses/compact, /models, auth. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { type Ev, parseSse, RawWs, SHELL_TOOL, user } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('§7 HTTP', () => {
  it('SSE: event/data records, data.type equals event, ends at the terminal without [DONE]', async () => {
    sim = await startSimulator({ scenario: 'tool-loop-20', seed: 12 });
    const res = await fetch(`${sim.url}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        model: 'gpt-5.5',
        input: [user('go')],
        tools: [SHELL_TOOL],
        stream: true,
        store: false,
      }),
    });
    expect(res.status).toBe(200);
    const raw = await res.text();
    expect(raw).not.toContain('[DONE]');
    expect(raw.startsWith('event: response.created\ndata: {')).toBe(true);
    const records = parseSse(raw);
    const parsed = records.map((r) => JSON.parse(r.data) as Ev);
    expect(parsed.map((e) => e.type)).toEqual(records.map((r) => r.event));
    expect(parsed.map((e) => e['sequence_number'])).toEqual(parsed.map((_, i) => i));
    expect(parsed.at(-1)!.type).toBe('response.completed');
  });

  it('rejects WS-only fields over HTTP and answers bad JSON with a 400 error body', async () => {
    sim = await startSimulator({ seed: 13 });
    const post = (body: string) =>
      fetch(`${sim!.url}/responses`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body,
      });
    const withType = await post(
      JSON.stringify({ type: 'response.create', model: 'm', input: 'x', stream: true }),
    );
    expect(withType.status).toBe(400);
    expect(await withType.json()).toEqual({
      error: {
        message: "Unknown parameter: 'type'.",
        type: 'invalid_request_error',
        param: 'type',
        code: 'unknown_parameter',
      },
    });
    const bad = await post('{nope');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('/responses/compact returns user messages then one compaction item; /models lists models', async () => {
    sim = await startSimulator({ seed: 14 });
    const res = await fetch(`${sim.url}/responses/compact`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-5.5',
        input: [
          user('one'),
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] },
          user('two'),
        ],
      }),
    });
    const body = (await res.json()) as {
      object: string;
      id: string;
      output: Array<Record<string, unknown>>;
      usage: Record<string, unknown>;
    };
    expect(body.object).toBe('response.compaction');
    expect(body.output.map((o) => o['type'])).toEqual(['message', 'message', 'compaction']);
    expect(body.output.slice(0, 2).every((o) => o['role'] === 'user')).toBe(true);
    expect(String(body.output[2]!['encrypted_content'])).toMatch(/^gAAAAA/);
    expect(body.usage).toMatchObject({
      input_tokens: expect.any(Number),
      input_tokens_details: { cached_tokens: 0 },
    });
    const models = (await (
      await fetch(`${sim.url}/models`, { headers: { authorization: 'Bearer k' } })
    ).json()) as { object: string; data: unknown[] };
    expect(models.object).toBe('list');
    expect(models.data.length).toBeGreaterThan(0);
  });

  it('requires Bearer auth and checks the key when configured', async () => {
    sim = await startSimulator({ apiKey: 'sk-right-key-000000', seed: 15 });
    const wrong = await fetch(`${sim.url}/models`, {
      headers: { authorization: 'Bearer sk-wrong-key-000000' },
    });
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect(text).toContain('invalid_api_key');
    expect(text).not.toContain('sk-wrong');
    expect((await fetch(`${sim.url}/models`)).status).toBe(401);
    await expect(RawWs.open(sim.url, 'sk-wrong-key-000000')).rejects.toThrow(/401/);
    const ok = await RawWs.open(sim.url, 'sk-right-key-000000');
    ok.close();
  });
});

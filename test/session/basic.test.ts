import { afterEach, describe, expect, it } from 'vitest';
import { userMessage } from '../../src/protocol/items.js';
import { answerText, type Rig, rig, Screen } from './helpers/harness.js';

let r: Rig | null = null;
afterEach(async () => {
  await r?.close();
  r = null;
});

describe('session basics (simulator)', () => {
  it('warms up at start and chains the first turn from the warm-up id', async () => {
    r = await rig({ scenario: 'plain-answer' });
    await r.session.start();
    const screen = new Screen();
    const res = await r.session.runTurn([userMessage('hi there')], { onEvent: screen.onEvent });
    expect(res.status).toBe('completed');
    expect(answerText(res)).toContain('You said: hi there');
    expect(screen.text).toBe(answerText(res));
    const creates = r.sim.recorder.creates();
    expect(creates).toHaveLength(2);
    expect(creates[0]).toMatchObject({ generate: false, previousResponseId: null });
    expect(creates[1]).toMatchObject({ previousResponseId: creates[0]?.responseId, inputItems: 1 });
    expect(res.metrics).toMatchObject({
      transport: 'websocket',
      attempts: 1,
      incremental: true,
      inputItemsSent: 1,
    });
    const body = creates[1]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'response.create',
      model: 'gpt-5.5',
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'test-thread',
    });
    expect(body['instructions']).toBeTypeOf('string');
    expect(body['tools']).toHaveLength(1);
    expect(r.session.transcript()).toHaveLength(2);
    expect(r.sim.connectionCount()).toBe(1);
    expect(r.status.map((s) => s.type)).toEqual(['connecting', 'connected', 'warmed']);
  });
});

/** The Codex-style chain matrix (RELIABILITY.md R9) against the simulator. */
import { afterEach, describe, expect, it } from 'vitest';
import { userMessage } from '../../src/protocol/items.js';
import { type Rig, rig } from './helpers/harness.js';

let r: Rig | null = null;
afterEach(async () => {
  await r?.close();
  r = null;
});

const turn = (text: string) => r!.session.runTurn([userMessage(text)]);
const creates = () => r!.sim.recorder.creates();

describe('chain matrix (R9)', () => {
  it('appends on prefix: previous_response_id + delta only', async () => {
    r = await rig({ scenario: 'plain-answer' });
    await turn('one');
    await turn('two');
    const [a, b] = creates();
    expect(a).toMatchObject({ previousResponseId: null, inputItems: 1 });
    expect(b).toMatchObject({ previousResponseId: a?.responseId, inputItems: 1, connectionId: 1 });
  });

  it('creates on non-prefix (transcript replaced)', async () => {
    r = await rig({ scenario: 'plain-answer' });
    await turn('one');
    const t = [...r.session.transcript()];
    await r.session.resetTranscript([userMessage('edited history'), ...t.slice(1)]);
    await turn('two');
    const last = creates().at(-1)!;
    expect(last).toMatchObject({ previousResponseId: null, inputItems: 3, connectionId: 1 });
  });

  it.each([
    ['instructions', { instructions: 'Different instructions.' }],
    ['tools', { tools: [] }],
    ['model', { model: 'gpt-5.5-mini' }],
  ])('creates when a non-input field changes (%s)', async (_name, change) => {
    r = await rig({ scenario: 'plain-answer' });
    await turn('one');
    r.session.setRequestFields(change);
    const res = await turn('two');
    expect(res.metrics.incremental).toBe(false);
    expect(creates().at(-1)).toMatchObject({ previousResponseId: null, inputItems: 3, connectionId: 1 });
    await turn('three'); // and chains again afterwards
    expect(creates().at(-1)).toMatchObject({
      previousResponseId: creates().at(-2)?.responseId,
      inputItems: 1,
    });
  });

  it('a transient response.failed (server_error) is retried on a new handshake with a full create', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: { error: { request: 2, shape: 'failed', code: 'server_error', message: 'boom' } },
    });
    await turn('one');
    const res = await turn('two');
    expect(res.status).toBe('completed');
    expect(res.metrics).toMatchObject({ attempts: 2, incremental: false, inputItemsSent: 3 });
    expect(creates().at(-1)).toMatchObject({ connectionId: 2, previousResponseId: null, inputItems: 3 });
  });

  it('after a final error (response.failed invalid_prompt) uses a new handshake and a full create', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: { error: { request: 2, shape: 'failed', code: 'invalid_prompt', message: 'boom' } },
    });
    await turn('one');
    const failed = await turn('two');
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ kind: 'request', code: 'invalid_prompt', message: 'boom' });
    const ok = await turn('three');
    expect(ok.status).toBe('completed');
    const last = creates().at(-1)!;
    expect(last.connectionId).toBe(2);
    expect(last.previousResponseId).toBeNull();
    expect(last.inputItems).toBe(4); // one, answer, two, three
  });

  it('after a reconnect with store:false: full create without previous_response_id', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: { drop: { request: 2, event: 3, mode: 'terminate' } },
    });
    await turn('one');
    const res = await turn('two');
    expect(res.status).toBe('completed');
    expect(res.metrics).toMatchObject({ attempts: 2, incremental: false, inputItemsSent: 3 });
    const retry = creates().at(-1)!;
    expect(retry).toMatchObject({ connectionId: 2, previousResponseId: null, inputItems: 3 });
  });

  it('after a reconnect with store:true: rechains by previous_response_id on the new socket', async () => {
    r = await rig(
      { scenario: 'plain-answer', faults: { drop: { request: 2, event: 3, mode: 'terminate' } } },
      { fields: { store: true } },
    );
    await turn('one');
    const res = await turn('two');
    expect(res.status).toBe('completed');
    const [first, dropped, retry] = creates();
    expect(dropped).toMatchObject({ previousResponseId: first?.responseId });
    expect(retry).toMatchObject({ connectionId: 2, previousResponseId: first?.responseId, inputItems: 1 });
    expect(res.metrics.incremental).toBe(true);
  });

  it('previous_response_not_found once: one full-context resend on a new chain', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: {
        error: {
          request: 2,
          shape: 'wrapped',
          status: 400,
          code: 'previous_response_not_found',
          message: "Previous response with id 'x' not found.",
        },
      },
    });
    await turn('one');
    const res = await turn('two');
    expect(res.status).toBe('completed');
    const c = creates();
    expect(c).toHaveLength(3);
    expect(c[1]?.previousResponseId).toBe(c[0]?.responseId);
    expect(c[2]).toMatchObject({ previousResponseId: null, inputItems: 3 });
    expect(r.status.filter((s) => s.type === 'rechained')).toHaveLength(1);
    await turn('three');
    expect(creates().at(-1)).toMatchObject({ previousResponseId: c[2]?.responseId, inputItems: 1 });
  });

  it('previous_response_not_found twice in one turn: fails clearly, no loop', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: {
        error: {
          request: [2, 3],
          shape: 'wrapped',
          status: 400,
          code: 'previous_response_not_found',
          message: 'not found',
        },
      },
    });
    await turn('one');
    const res = await turn('two');
    expect(res.status).toBe('failed');
    expect(res.error).toMatchObject({ kind: 'protocol', code: 'previous_response_not_found' });
    expect(res.error?.message).toMatch(/again after a full-context resend/);
    expect(creates()).toHaveLength(3);
    // the session is still usable
    const next = await turn('three');
    expect(next.status).toBe('completed');
  });

  it('websocket_connection_limit_reached mid-turn: new socket, full create, turn completes', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: {
        error: {
          request: 2,
          shape: 'wrapped',
          status: 400,
          code: 'websocket_connection_limit_reached',
          message: 'limit',
        },
      },
    });
    await turn('one');
    const res = await turn('two');
    expect(res.status).toBe('completed');
    expect(creates().at(-1)).toMatchObject({ connectionId: 2, previousResponseId: null });
    expect(r.status.some((s) => s.type === 'rotated' && s.reason === 'connection_limit')).toBe(true);
  });
});

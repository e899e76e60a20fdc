/** The recorder: kinds, byte counts (JSON vs wire, so permessage-deflate savings are measurable), redaction. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { createOnce, RawWs, user } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const BIG = 'lorem ipsum dolor sit amet '.repeat(2000); // ~54 KB, very compressible

describe('recorder', () => {
  it('records payload bytes and wire bytes; deflate makes the wire smaller', async () => {
    sim = await startSimulator({ seed: 61 });
    const plain = await RawWs.open(sim.url, 'sk-test-key-123456', { perMessageDeflate: false });
    const deflated = await RawWs.open(sim.url, 'sk-test-key-123456', { perMessageDeflate: true });
    const body = { input: [user(BIG)] };
    await createOnce(plain, body);
    await createOnce(deflated, body);
    const [a, b] = sim.recorder.creates();
    const expectedBytes = Buffer.byteLength(
      JSON.stringify({ type: 'response.create', model: 'gpt-5.5', store: false, ...body }),
    );
    expect(a!.bytes).toBe(expectedBytes);
    expect(b!.bytes).toBe(expectedBytes);
    // Uncompressed: wire = payload + masked frame header (2–14 bytes).
    expect(a!.wireBytes! - a!.bytes).toBeGreaterThanOrEqual(2);
    expect(a!.wireBytes! - a!.bytes).toBeLessThanOrEqual(14);
    expect(b!.wireBytes!).toBeLessThan(b!.bytes / 10);
    expect(a!.connectionId).toBe(1);
    expect(b!.connectionId).toBe(2);
    plain.close();
    deflated.close();
  });

  it('records upgrades with redacted headers, malformed frames and other kinds; clear() empties it', async () => {
    sim = await startSimulator({ seed: 62 });
    const c = await RawWs.open(sim.url, 'sk-secret-value-987654', {
      headers: { 'OpenAI-Beta': 'responses_websockets=2026-02-06' },
    });
    c.send('{oops');
    await c.until(() => c.events().length === 1);
    c.send({ type: 'response.processed', response_id: 'r' });
    await createOnce(c, { input: [user('x')], previous_response_id: null });
    const kinds = sim.recorder.requests().map((r) => r.kind);
    expect(kinds).toEqual(['upgrade', 'malformed', 'other', 'response.create']);
    const up = sim.recorder.requests()[0]!;
    expect(up.headers).toMatchObject({
      authorization: 'Bearer [REDACTED]',
      'openai-beta': 'responses_websockets=2026-02-06',
    });
    expect(JSON.stringify(sim.recorder.requests())).not.toContain('sk-secret-value');
    const create = sim.recorder.creates()[0]!;
    expect(create).toMatchObject({ transport: 'websocket', previousResponseId: null, inputItems: 1 });
    expect(create.responseId).toMatch(/^resp_/);
    expect(create.seq).toBe(4);
    sim.recorder.clear();
    expect(sim.recorder.requests()).toEqual([]);
    c.close();
  });

  it('records HTTP requests with connection numbers and models/compact kinds', async () => {
    sim = await startSimulator({ seed: 63 });
    const h = { authorization: 'Bearer sk-http-secret-111111' };
    await fetch(`${sim.url}/models`, { headers: h });
    await (
      await fetch(`${sim.url}/responses/compact`, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({ model: 'm', input: 'x' }),
      })
    ).text();
    await (
      await fetch(`${sim.url}/responses`, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({ model: 'm', input: 'x' }),
      })
    ).text();
    const recs = sim.recorder.requests();
    expect(recs.map((r) => r.kind)).toEqual(['models', 'compact', 'response.create']);
    expect(
      recs.every((r) => r.transport === 'http' && r.headers?.['authorization'] === 'Bearer [REDACTED]'),
    ).toBe(true);
    expect(recs[2]!.bytes).toBe(JSON.stringify({ model: 'm', input: 'x' }).length);
    expect(sim.connectionCount()).toBe(0);
  });

  it('counts handshakes and open connections', async () => {
    sim = await startSimulator({ seed: 64 });
    const a = await RawWs.open(sim.url);
    const b = await RawWs.open(sim.url);
    expect(sim.connectionCount()).toBe(2);
    expect(sim.openConnections()).toBe(2);
    a.close();
    await b.until(() => sim!.openConnections() === 1).catch(() => undefined);
    for (let i = 0; i < 50 && sim.openConnections() !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sim.openConnections()).toBe(1);
    b.close();
  });

  it('close() frees the port', async () => {
    sim = await startSimulator({ seed: 65 });
    const port = sim.port;
    const c = await RawWs.open(sim.url);
    await sim.close();
    sim = await startSimulator({ port, seed: 66 });
    expect(sim.port).toBe(port);
    c.close();
  });
});

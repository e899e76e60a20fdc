/**
 * Fatal errors of `tether --prompt` end to end (issue 16 point 8): each is printed once, as one
 * line, with the README's exit code — a refused key (3, never retried, on either transport) and
 * a reachable server that is not a Responses API (1, at once, instead of 4 after retries).
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { parseJsonl, requireBuild, runTether, TEST_KEY, tempDir } from '../agent/cli-harness.js';

let strict: Simulator;
let foreign: Server;
let foreignUrl: string;
let htmlOk: Server;
let htmlOkUrl: string;

/** Like `python3 -m http.server`: 404 to the upgrade GET, 501 with an HTML page to every POST. */
function staticFileServer(postStatus: number): Server {
  return createServer((req, res) => {
    req.resume();
    const status = req.method === 'POST' ? postStatus : 404;
    res.writeHead(status, { 'content-type': 'text/html;charset=utf-8' });
    res.end(`<html><body><h1>Error response</h1><p>Error code: ${status}</p></body></html>`);
  });
}

async function listen(s: Server): Promise<string> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`;
}

beforeAll(async () => {
  requireBuild();
  strict = await startSimulator({ scenario: 'plain-answer', apiKey: 'sk-the-right-key-0123456789abcdef' });
  foreign = staticFileServer(501);
  foreignUrl = await listen(foreign);
  htmlOk = staticFileServer(200);
  htmlOkUrl = await listen(htmlOk);
});

afterAll(async () => {
  await strict?.close();
  for (const s of [foreign, htmlOk]) await new Promise((r) => s?.close(r));
});

function workspace(): string {
  const dir = tempDir('tether-fatal-ws-');
  mkdirSync(join(dir, '.git'));
  return dir;
}

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

describe('fatal errors are printed once, as one line', () => {
  for (const transport of ['auto', 'http'] as const) {
    it(`a refused key (${transport}): one line, exit 3, one attempt`, async () => {
      strict.recorder.clear();
      const r = await runTether([
        '-p',
        'hi',
        '--transport',
        transport,
        '--base-url',
        strict.url,
        '-C',
        workspace(),
      ]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(/^tether: authentication failed: .*HTTP 401/);
      expect(r.stderr).not.toContain(TEST_KEY);
      expect(strict.recorder.creates()).toHaveLength(0);
    });
  }

  it('a refused key in JSONL: one error item, a transport "failed" line, schema-valid', async () => {
    const r = await runTether(['-p', 'hi', '--json', '--base-url', strict.url, '-C', workspace()]);
    expect(r.code).toBe(3);
    const out = parseJsonl(r.stdout); // validates every line against the schema
    const errors = out.filter(
      (l) => l.type === 'item.completed' && (l['item'] as { type: string }).type === 'error',
    );
    expect(errors).toHaveLength(1);
    const failed = out.filter((l) => l.type === 'transport' && l['event'] === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ kind: 'auth', status: 401 });
    expect(out.filter((l) => l.type === 'transport' && l['event'] === 'reconnecting')).toHaveLength(0);
    expect(out.at(-1)).toMatchObject({
      type: 'session.completed',
      terminal_reason: 'auth_refused',
      exit_code: 3,
    });
  });

  for (const transport of ['auto', 'websocket', 'http'] as const) {
    it(`a web server that is not a Responses API (${transport}): exit 1 at once, "not a Responses API endpoint"`, async () => {
      const r = await runTether(
        ['-p', 'hi', '--transport', transport, '--base-url', foreignUrl, '-C', workspace()],
        {
          timeoutMs: 30_000,
        },
      );
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(/^tether: not a Responses API endpoint: .*HTTP (404|501)/);
      // No retry loop: the old behaviour was exit 4 after ~5 s of backoff.
      expect(r.durationMs).toBeLessThan(8_000);
    });
  }

  it('a server answering 200 with an HTML page is not a Responses API either', async () => {
    const r = await runTether([
      '-p',
      'hi',
      '--transport',
      'http',
      '--base-url',
      htmlOkUrl,
      '-C',
      workspace(),
    ]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/not a Responses API endpoint: .*text\/html instead of an event stream/);
  });
});

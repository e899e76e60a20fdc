/**
 * Issue 14 end to end: the built CLI against the simulator's account/model switches — an
 * unverified organization, rate limits worded as the service words them, exhausted quota, a
 * context window, unknown models, models without reasoning — and the headers the service sees.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultSpec, type Scenario, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { parseJsonl, requireBuild, runTether, TEST_KEY, tempDir } from '../agent/cli-harness.js';

let sim: Simulator | undefined;
beforeAll(() => requireBuild());
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function workspace(): string {
  const dir = tempDir('tether-e2e-api-');
  mkdirSync(join(dir, '.git'));
  return dir;
}

async function simWith(scenario: string | Scenario, faults: FaultSpec): Promise<Simulator> {
  sim = await startSimulator({ scenario, seed: 11, faults });
  return sim;
}

const reasoningOf = (body: unknown) => (body as { reasoning?: { summary?: string } }).reasoning;

describe('real accounts and models (e2e)', () => {
  it('an unverified organization: one warning, the summary dropped, remembered for the next session', async () => {
    const s = await simWith('side-effects', { account: { unverifiedOrg: true } });
    const ws = workspace();
    const home = tempDir('tether-e2e-home-');
    const args = ['-p', 'go', '--approval', 'full-auto', '--json', '--base-url', s.url, '-C', ws];
    const r = await runTether(args, { env: { TETHER_HOME: home, HOME: home } });
    expect(r.code).toBe(0);
    const lines = parseJsonl(r.stdout);
    const warnings = lines.filter((l) => l.type === 'warning');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!['message'])).toMatch(/reasoning\.summary.*verified/);
    const creates = s.recorder.creates();
    const refused = creates.filter((c) => c.errorCode === 'unsupported_value');
    expect(refused).toHaveLength(1);
    // Everything after the refusal goes out without a summary (effort stays).
    const after = creates.slice(creates.indexOf(refused[0]!) + 1);
    expect(after.length).toBeGreaterThan(3);
    for (const c of after) {
      expect(reasoningOf(c.body)?.summary).toBeUndefined();
      expect(reasoningOf(c.body)).toMatchObject({ effort: 'medium' });
    }
    expect(readFileSync(join(ws, 'ledger.txt'), 'utf8').trim().split('\n')).toHaveLength(5);

    // A later session on the same base URL + model does not pay the refusal again.
    s.recorder.clear();
    const again = await runTether(args, { env: { TETHER_HOME: home, HOME: home } });
    expect(again.code).toBe(0);
    expect(parseJsonl(again.stdout).filter((l) => l.type === 'warning')).toHaveLength(0);
    expect(s.recorder.creates().filter((c) => c.errorCode)).toHaveLength(0);
    expect(s.recorder.creates().every((c) => reasoningOf(c.body)?.summary === undefined)).toBe(true);
  });

  it('a summary the user set explicitly is refused with one clear error (exit 2), no retry storm', async () => {
    const s = await simWith('plain-answer', { account: { unverifiedOrg: true } });
    const r = await runTether(['-p', 'hi', '--base-url', s.url, '-C', workspace()], {
      env: { TETHER_REASONING_SUMMARY: 'detailed' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /reasoning\.summary="detailed".*reasoningSummary.*TETHER_REASONING_SUMMARY|reasoningSummary from env/,
    );
    expect(s.recorder.creates().length).toBeLessThanOrEqual(2); // the warm-up and the turn
  });

  it('a model without reasoning gets no reasoning fields; forcing them on is a clear error', async () => {
    const s = await simWith('plain-answer', {});
    const r = await runTether([
      '-p',
      'hi',
      '--json',
      '--model',
      'gpt-4.1',
      '--base-url',
      s.url,
      '-C',
      workspace(),
    ]);
    expect(r.code).toBe(0);
    expect(parseJsonl(r.stdout).filter((l) => l.type === 'warning')).toHaveLength(0);
    for (const c of s.recorder.creates()) {
      expect((c.body as Record<string, unknown>)['reasoning']).toBeUndefined();
      expect((c.body as Record<string, unknown>)['include']).toBeUndefined();
    }
    const forced = await runTether(
      ['-p', 'hi', '--model', 'gpt-4.1', '--base-url', s.url, '-C', workspace()],
      {
        env: { TETHER_MODEL_REASONING: 'on' },
      },
    );
    expect(forced.code).toBe(2);
    expect(forced.stderr).toMatch(/refused reasoning .*modelReasoning/);
  });

  it('every third response failing with rate_limit_exceeded still completes; each tool runs once', async () => {
    const s = await simWith('side-effects', { rateLimit: { every: 3, retryAfterMs: 300 } });
    const ws = workspace();
    const r = await runTether([
      '-p',
      'go',
      '--approval',
      'full-auto',
      '--json',
      '--base-url',
      s.url,
      '-C',
      ws,
    ]);
    expect(r.code).toBe(0);
    const lines = parseJsonl(r.stdout);
    const retries = lines.filter((l) => l.type === 'transport' && l['event'] === 'reconnecting');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    // The delay the service asked for ("Please try again in 300ms.") is the delay used.
    for (const l of retries) expect(l['delay_ms']).toBe(300);
    expect(lines.at(-1)).toMatchObject({ type: 'session.completed', status: 'success' });
    const ledger = readFileSync(join(ws, 'ledger.txt'), 'utf8').trim().split('\n');
    expect(ledger).toEqual([1, 2, 3, 4, 5].map((i) => `side-effect-${i}`));
  });

  it('a call re-delivered with the same call_id after a reconnect never runs twice', async () => {
    const s = await simWith('side-effects', {
      drop: { request: 4, event: 3, mode: 'terminate', times: 1 },
      redeliverCall: { times: 1 },
    });
    const ws = workspace();
    const r = await runTether([
      '-p',
      'go',
      '--approval',
      'full-auto',
      '--json',
      '--base-url',
      s.url,
      '-C',
      ws,
    ]);
    expect(r.code).toBe(0);
    // The service really re-delivered a call: its output went out twice on chained requests
    // (once per delivery), the recorded output reused the second time.
    const answered = s.recorder
      .creates()
      .filter((c) => c.previousResponseId)
      .flatMap((c) => (c.body as { input?: Array<{ type: string; call_id?: string }> }).input ?? [])
      .filter((i) => i.type === 'function_call_output')
      .map((i) => i.call_id);
    expect(new Set(answered).size).toBe(answered.length - 1);
    const ledger = readFileSync(join(ws, 'ledger.txt'), 'utf8').trim().split('\n');
    expect(ledger).toEqual([1, 2, 3, 4, 5].map((i) => `side-effect-${i}`));
    const started = parseJsonl(r.stdout).filter(
      (l) => l.type === 'item.started' && (l['item'] as { type: string }).type === 'command_execution',
    );
    expect(started).toHaveLength(6); // five appends and the cat, none twice
  });

  it.each(['websocket', 'http'])(
    'exhausted quota over %s exits 3 at once with one line and no retries',
    async (transport) => {
      const s = await simWith('plain-answer', { account: { quota: 'insufficient_quota' } });
      const r = await runTether([
        '-p',
        'hi',
        '--transport',
        transport,
        '--base-url',
        s.url,
        '-C',
        workspace(),
      ]);
      expect(r.code).toBe(3);
      expect(r.durationMs).toBeLessThan(10_000);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/no quota left.*billing/);
      expect(s.recorder.creates().length).toBeLessThanOrEqual(2);
    },
  );

  it.each(['insufficient_quota', 'usage_not_included'] as const)(
    'a WebSocket upgrade refused with 429 %s exits 3 at once with one line (no retry, no HTTP fallback)',
    async (code) => {
      const s = await simWith('plain-answer', { refuseUpgrade: { status: 429, code } });
      const r = await runTether(['-p', 'hi', '--output', 'json', '--base-url', s.url, '-C', workspace()]);
      expect(r.code).toBe(3);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(
        code === 'insufficient_quota' ? /no quota left.*billing/ : /does not include API usage/,
      );
      expect(JSON.parse(r.stdout)).toMatchObject({ terminal_reason: 'quota_exceeded', exit_code: 3 });
      expect(s.recorder.requests().filter((q) => q.kind === 'upgrade')).toHaveLength(1);
      expect(s.recorder.requests().filter((q) => q.kind !== 'upgrade')).toHaveLength(0);
    },
  );

  it('a plan without API usage exits 3 and says what to do', async () => {
    const s = await simWith('plain-answer', { account: { quota: 'usage_not_included' } });
    const r = await runTether(['-p', 'hi', '--output', 'json', '--base-url', s.url, '-C', workspace()]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ terminal_reason: 'quota_exceeded', exit_code: 3 });
  });

  it('an unknown model exits 2 naming it', async () => {
    const s = await simWith('plain-answer', { account: { strictModels: true } });
    const r = await runTether(['-p', 'hi', '--model', 'gpt-nope', '--base-url', s.url, '-C', workspace()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"gpt-nope"');
    expect(s.recorder.creates().length).toBeLessThanOrEqual(2);
  });

  it('context_length_exceeded: compacts through /responses/compact and completes', async () => {
    const scenario: Scenario = {
      name: 'big-output',
      turns: [
        {
          steps: [{ call: { tool: 'shell', args: { command: 'seq 1 5000' } } }, { say: 'Read it all.' }],
        },
      ],
    };
    const s = await simWith(scenario, { contextWindow: 5000 });
    const r = await runTether([
      '-p',
      'go',
      '--approval',
      'full-auto',
      '--json',
      '--base-url',
      s.url,
      '-C',
      workspace(),
    ]);
    expect(r.code).toBe(0);
    const lines = parseJsonl(r.stdout);
    expect(lines.filter((l) => l.type === 'compaction')).toEqual([expect.objectContaining({ auto: true })]);
    expect(lines.at(-1)).toMatchObject({ status: 'success', result: 'Read it all.' });
    expect(s.recorder.requests().filter((q) => q.kind === 'compact')).toHaveLength(1);
  });

  it('a conversation that does not fit even after compaction ends with a clear error', async () => {
    const s = await simWith('plain-answer', { contextWindow: 10 });
    const r = await runTether(['-p', 'hi', '--base-url', s.url, '-C', workspace()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not fit the model's context window even after compaction/);
    expect(s.recorder.requests().filter((q) => q.kind === 'compact')).toHaveLength(1);
  });

  it.each(['websocket', 'http'])(
    '%s requests carry the identity, organization, project and gateway headers',
    async (transport) => {
      const s = await simWith('plain-answer', {});
      const token = 'gw-token-0123456789';
      const r = await runTether(
        ['-p', 'hi', '--json', '--transport', transport, '--base-url', s.url, '-C', workspace()],
        {
          env: {
            OPENAI_ORG_ID: 'org-test',
            OPENAI_PROJECT_ID: 'proj_test',
            TETHER_HEADERS: `X-Gateway-Token: ${token}`,
          },
        },
      );
      expect(r.code).toBe(0);
      const version = JSON.parse(
        readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'),
      ).version;
      const seen = s.recorder
        .requests()
        .filter((q) => q.headers && (q.kind === 'upgrade' || q.kind === 'response.create'));
      expect(seen.length).toBeGreaterThan(0);
      for (const q of seen) {
        expect(q.headers).toMatchObject({
          'user-agent': `tether-code/${version}`,
          'openai-organization': 'org-test',
          'openai-project': 'proj_test',
          'x-gateway-token': token,
          authorization: 'Bearer [REDACTED]',
        });
        if (q.kind === 'upgrade') expect(q.headers?.['openai-beta']).toBe('responses_websockets=2026-02-06');
        else expect(q.headers?.['openai-beta']).toBeUndefined();
      }
      // A gateway header value is a secret: never in tether's own output.
      expect(r.stdout).not.toContain(token);
      expect(r.stdout).not.toContain(TEST_KEY);
    },
  );

  it('wsBetaHeader=false leaves the beta header off the upgrade', async () => {
    const s = await simWith('plain-answer', {});
    const r = await runTether(['-p', 'hi', '--base-url', s.url, '-C', workspace()], {
      env: { TETHER_WS_BETA_HEADER: 'false' },
    });
    expect(r.code).toBe(0);
    const upgrades = s.recorder.requests().filter((q) => q.kind === 'upgrade');
    expect(upgrades.length).toBe(1);
    expect(upgrades[0]!.headers?.['openai-beta']).toBeUndefined();
  });

  it('config set/get/list show header names, never their values', async () => {
    const home = tempDir('tether-e2e-home-');
    const env = { TETHER_HOME: home, HOME: home };
    const set = await runTether(['config', 'set', 'headers', 'X-Gw: gw-secret-0123456789'], { env });
    const get = await runTether(['config', 'get', 'headers'], { env });
    const list = await runTether(['config', 'list'], { env });
    for (const r of [set, get, list]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('X-Gw');
      expect(r.stdout).not.toContain('gw-secret');
    }
  });

  it('a malformed headers setting is a one-line usage error that does not echo the value', async () => {
    const r = await runTether(['-p', 'hi', '--base-url', 'http://127.0.0.1:9/v1'], {
      env: { TETHER_HEADERS: 'Authorization: Bearer sk-stolen-0123456789' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TETHER_HEADERS.*Authorization.*cannot be overridden/);
    expect(r.stderr).not.toContain('sk-stolen');
  });
});

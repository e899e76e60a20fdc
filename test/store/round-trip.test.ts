import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Item } from '../../src/protocol/items.js';
import { userMessage } from '../../src/protocol/items.js';
import { loadSessionFile } from '../../src/store/session-loader.js';
import { SessionWriter } from '../../src/store/session-writer.js';
import { FakeClock } from '../../src/util/clock.js';
import { addSecret, clearSecrets } from '../../src/util/redact.js';
import { assistant, METRICS, reasoning, scriptSession, scriptTurn } from './script.js';

const API_KEY = 'sk-test-ROUNDTRIP0123456789abcdefXYZ';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tether-store-'));
  addSecret(API_KEY);
});
afterEach(() => {
  clearSecrets();
  rmSync(dir, { recursive: true, force: true });
});

function writer(extra: Partial<ConstructorParameters<typeof SessionWriter>[0]> = {}): SessionWriter {
  return new SessionWriter({
    cwd: '/work/proj',
    model: 'gpt-test',
    dir,
    clock: new FakeClock(),
    gitBranch: () => 'main',
    ...extra,
  });
}

const TURNS = [
  {
    prompt: 'list the files',
    calls: [{ name: 'shell', args: { command: 'ls' }, output: 'a.txt\nb.txt' }],
    answer: 'There are two files.',
  },
  {
    prompt: 'read a.txt',
    calls: [{ name: 'read_file', args: { path: 'a.txt' }, output: 'hello' }],
    answer: 'It says hello.',
  },
  { prompt: 'thanks', answer: 'You are welcome: zebra-answer.' },
];

describe('session file round-trip', () => {
  it('reloads items, ledger, title, turns and answers exactly', async () => {
    const w = writer({ sessionId: '20260101-000000-aaaaaa' });
    const written = await scriptSession(w, TURNS);
    await w.close();
    const loaded = loadSessionFile(w.path);
    expect(loaded.meta).toMatchObject({
      session_id: '20260101-000000-aaaaaa',
      cwd: '/work/proj',
      model: 'gpt-test',
      git_branch: 'main',
      schema_version: 1,
    });
    expect(loaded.items).toEqual(written);
    expect(loaded.allItems).toEqual(written);
    expect(loaded.ledger).toEqual([
      { callId: 'call_0_0', name: 'shell', state: 'done', output: 'a.txt\nb.txt' },
      { callId: 'call_1_0', name: 'read_file', state: 'done', output: 'hello' },
    ]);
    expect(loaded.interrupted).toEqual([]);
    expect(loaded.title).toBe('list the files');
    expect(loaded.turns).toBe(3);
    expect(loaded.lastAnswer).toBe('You are welcome: zebra-answer.');
    expect(loaded.usage?.inputTokens).toBe(300);
    expect(loaded.stats).toEqual({ records: expect.any(Number), skipped: 0, unknown: 0, tornTail: false });
    // reasoning encrypted_content is replayed byte-for-byte
    expect(loaded.items.find((i) => i.type === 'reasoning')).toEqual(reasoning('rs_0'));
  });

  it('writes a first session_meta record with schema_version and the summary file', async () => {
    const w = writer();
    await scriptSession(w, TURNS.slice(0, 1));
    const first = JSON.parse(readFileSync(w.path, 'utf8').split('\n')[0]!);
    expect(first).toMatchObject({
      type: 'session_meta',
      schema_version: 1,
      session_id: w.sessionId,
      tether_version: expect.any(String),
    });
    const summary = JSON.parse(readFileSync(w.path.replace(/\.jsonl$/, '.summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      session_id: w.sessionId,
      title: 'list the files',
      turns: 1,
      last_answer: 'There are two files.',
    });
  });

  it('creates no file for a session without content', async () => {
    const w = writer();
    w.onEvent({ type: 'transport', event: { type: 'connecting', transport: 'websocket', attempt: 1 } });
    await w.close();
    expect(() => readFileSync(w.path)).toThrow();
  });

  it('tolerates a torn last line and keeps appending after it on resume', async () => {
    const w = writer({ sessionId: 'torn-1' });
    const written = await scriptSession(w, TURNS.slice(0, 2));
    await w.close();
    appendFileSync(
      w.path,
      '{"type":"item","ts":"2026-01-01T00:00:00Z","direction":"output","item":{"type":"mess',
    );
    const torn = loadSessionFile(w.path);
    expect(torn.stats.tornTail).toBe(true);
    expect(torn.stats.skipped).toBe(0);
    expect(torn.items).toEqual(written);

    const w2 = writer({ sessionId: 'torn-1' });
    const more = await scriptTurn(w2, TURNS[2]!, 2);
    await w2.close();
    const after = loadSessionFile(w.path);
    // The torn line was terminated, so it counts as one garbled line and the new turn is intact.
    expect(after.stats.skipped).toBe(1);
    expect(after.stats.tornTail).toBe(false);
    expect(after.items).toEqual([...written, ...more]);
    expect(after.turns).toBe(3);
  });

  it('skips and counts garbled lines anywhere', async () => {
    const w = writer({ sessionId: 'garbled-1' });
    const written = await scriptSession(w, TURNS);
    await w.close();
    const lines = readFileSync(w.path, 'utf8').split('\n');
    lines.splice(
      3,
      0,
      'not json at all',
      '{"type":"item","direction":"sideways","item":{}}',
      '[1,2,3]',
      '{"type":"from_the_future","x":1}',
    );
    writeFileSync(w.path, lines.join('\n'));
    const loaded = loadSessionFile(w.path);
    expect(loaded.stats.skipped).toBe(3);
    expect(loaded.stats.unknown).toBe(1);
    expect(loaded.items).toEqual(written);
  });

  it('still loads when the meta line itself is garbled', async () => {
    const w = writer({ sessionId: 'nometa-1' });
    const written = await scriptSession(w, TURNS.slice(0, 1));
    await w.close();
    const lines = readFileSync(w.path, 'utf8').split('\n');
    lines[0] = lines[0]!.slice(0, 20);
    writeFileSync(w.path, lines.join('\n'));
    const loaded = loadSessionFile(w.path);
    expect(loaded.metaMissing).toBe(true);
    expect(loaded.meta.session_id).toBe('nometa-1');
    expect(loaded.items).toEqual(written);
  });

  it('never writes the API key (file and summary scanned)', async () => {
    const w = writer({ sessionId: 'secret-1' });
    await scriptSession(w, [
      {
        prompt: `my key is ${API_KEY} ok`,
        calls: [
          {
            name: 'shell',
            args: { command: `echo ${API_KEY}` },
            output: `OPENAI_API_KEY=${API_KEY}\nGH=ghp_abcdefghijklmnopqrstuvwxyz0123`,
          },
        ],
        answer: `done ${API_KEY}`,
      },
    ]);
    w.onEvent({ type: 'error', message: `auth failed for Bearer ${API_KEY}` });
    await w.close();
    const files = [w.path, w.path.replace(/\.jsonl$/, '.summary.json')];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain('ROUNDTRIP0123');
      expect(text).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123');
      expect(text).toContain('[REDACTED]');
    }
  });

  it('records a compaction and restarts the context from its window', async () => {
    const w = writer({ sessionId: 'compact-1' });
    await scriptSession(w, TURNS.slice(0, 2));
    const window: Item[] = [
      userMessage('list the files'),
      userMessage('read a.txt'),
      { type: 'compaction', id: 'cmp_1', encrypted_content: 'ENC+/=' },
    ];
    w.onCompaction({ tokensBefore: 9000, tokensAfter: 1200, auto: true, window });
    w.onEvent({ type: 'compaction', tokensBefore: 9000, tokensAfter: 1200, auto: true });
    await w.flush();
    const later = await scriptTurn(w, TURNS[2]!, 2);
    await w.close();
    const loaded = loadSessionFile(w.path);
    expect(loaded.compactions).toHaveLength(1);
    expect(loaded.compactions[0]).toMatchObject({ tokens_before: 9000, tokens_after: 1200, auto: true });
    expect(loaded.items).toEqual([...window, ...later]);
    expect(loaded.allItems.length).toBeGreaterThan(loaded.items.length);
    expect(loaded.turns).toBe(3);
  });

  it('restarts the context at a server-side compaction item', async () => {
    const w = writer({ sessionId: 'compact-2' });
    await scriptSession(w, TURNS.slice(0, 1));
    const cmp: Item = { type: 'compaction', id: 'cmp_2', encrypted_content: 'X' };
    w.onItems([userMessage('long one')], 'input');
    w.onItems([cmp, assistant('after compaction', 'msg_x')], 'output');
    const u = (n: number) => ({
      inputTokens: n,
      cachedTokens: 0,
      outputTokens: 1,
      reasoningTokens: 0,
      totalTokens: n + 1,
    });
    w.onEvent({ type: 'usage', turnId: 't9', usage: u(9000), total: u(9000), metrics: METRICS });
    await w.flush();
    expect(loadSessionFile(w.path).compactions).toEqual([]);
    const next = await scriptTurn(w, { prompt: 'go on', answer: 'ok' }, 7);
    w.onEvent({ type: 'usage', turnId: 't10', usage: u(800), total: u(9800), metrics: METRICS });
    await w.close();
    const loaded = loadSessionFile(w.path);
    expect(loaded.items).toEqual([cmp, assistant('after compaction', 'msg_x'), ...next]);
    // scriptTurn's own usage event (100 input tokens) is the first response after compaction
    expect(loaded.compactions).toEqual([
      expect.objectContaining({ tokens_before: 9000, tokens_after: 100, auto: true, source: 'server' }),
    ]);
  });

  it('a compaction event alone is recorded without changing the context', async () => {
    const w = writer({ sessionId: 'compact-3' });
    const written = await scriptSession(w, TURNS.slice(0, 1));
    w.onEvent({ type: 'compaction', tokensBefore: 5, tokensAfter: 2, auto: false });
    await w.close();
    const loaded = loadSessionFile(w.path);
    expect(loaded.compactions).toHaveLength(1);
    expect(loaded.items).toEqual(written);
  });

  it('follows /new: a session_started with another id starts a second file', async () => {
    const w = writer({ sessionId: 'first-1' });
    await scriptSession(w, TURNS.slice(0, 1));
    const firstPath = w.path;
    w.onEvent({
      type: 'session_started',
      sessionId: 'second-1',
      model: 'gpt-other',
      cwd: '/work/proj',
      transport: 'auto',
      approval: 'suggest',
      sandbox: 'none',
      tools: [],
      version: 'x',
      resumed: false,
      instructionFiles: [],
    });
    await scriptTurn(w, TURNS[2]!, 0);
    await w.close();
    expect(w.sessionId).toBe('second-1');
    expect(loadSessionFile(firstPath).turns).toBe(1);
    const second = loadSessionFile(w.path);
    expect(second.meta.model).toBe('gpt-other');
    expect(second.title).toBe('thanks');
  });

  it('keeps a re-sent compaction window (input items) as-is', async () => {
    const w = writer({ sessionId: 'compact-4' });
    const window: Item[] = [
      userMessage('earlier ask'),
      { type: 'compaction', id: 'cmp_4', encrypted_content: 'E' },
    ];
    w.onItems(window, 'input');
    w.onItems([assistant('ok', 'msg_4')], 'output');
    await w.close();
    expect(loadSessionFile(w.path).items).toEqual([...window, assistant('ok', 'msg_4')]);
  });

  it('loads a long session (10,000 items) in linear time', async () => {
    const w = writer({ sessionId: 'long-1' });
    for (let i = 0; i < 5000; i++) {
      w.onItems([userMessage(`q${i}`)], 'input');
      w.onItems([assistant(`a${i}`, `m${i}`)], 'output');
    }
    await w.close();
    const t0 = performance.now();
    const loaded = loadSessionFile(w.path);
    expect(loaded.items).toHaveLength(10_000);
    expect(loaded.turns).toBe(5000);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('settles a server compaction at close with an estimated window size', async () => {
    const w = writer({ sessionId: 'compact-5' });
    w.onItems([userMessage('q')], 'input');
    w.onItems(
      [{ type: 'compaction', id: 'c', encrypted_content: 'x'.repeat(400) }, assistant('a', 'm')],
      'output',
    );
    const u = { inputTokens: 5000, cachedTokens: 0, outputTokens: 1, reasoningTokens: 0, totalTokens: 5001 };
    w.onEvent({ type: 'usage', turnId: 't', usage: u, total: u, metrics: METRICS });
    await w.close();
    const [c] = loadSessionFile(w.path).compactions;
    expect(c).toMatchObject({ tokens_before: 5000, source: 'server', estimated: true });
    expect(c!.tokens_after).toBeGreaterThan(100);
    expect(c!.tokens_after).toBeLessThan(200);
  });
});

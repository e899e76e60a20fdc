import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/agent/events.js';
import { started, transport, turn, user } from './events.js';
import { KEY, renderApp } from './harness.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const statusLine = (screen: string) => screen.trimEnd().split('\n').pop() ?? '';

const usage = (input: number, cached: number, output: number): AgentEvent => ({
  type: 'usage',
  turnId: 't1',
  usage: {
    inputTokens: input,
    cachedTokens: cached,
    outputTokens: output,
    reasoningTokens: 0,
    totalTokens: input + output,
  },
  total: {
    inputTokens: input,
    cachedTokens: cached,
    outputTokens: output,
    reasoningTokens: 0,
    totalTokens: input + output,
  },
  metrics: {
    transport: 'websocket',
    attempts: 1,
    timeToFirstEventMs: 120,
    durationMs: 1450,
    bytesSent: 100,
    inputItemsSent: 1,
    incremental: true,
    cachedTokens: cached,
  },
});

describe('status bar', () => {
  it('goes connected → reconnecting n/max → connected, with socket age and rotations', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(
      started({ model: 'gpt-5.5', sessionId: 'sess-42' }),
      transport({ type: 'connecting', transport: 'websocket', attempt: 1 }),
    );
    expect(statusLine(app.screen())).toContain('websocket … connecting');
    await app.emit(transport({ type: 'connected', transport: 'websocket', connectionId: 1, deflate: true }));
    await app.advance(3000);
    let line = statusLine(app.screen());
    expect(line).toContain('gpt-5.5');
    expect(line).toContain('suggest');
    expect(line).toContain('websocket ● connected 3s');
    expect(line).toContain('sess-42');
    await app.emit(
      transport({ type: 'reconnecting', attempt: 2, max: 5, reason: 'closed 1006', delayMs: 400 }),
    );
    expect(statusLine(app.screen())).toContain('websocket ↻ reconnecting 2/5');
    await app.emit(transport({ type: 'connected', transport: 'websocket', connectionId: 2, deflate: true }));
    line = statusLine(app.screen());
    expect(line).toContain('websocket ● connected 0s');
    await app.emit(transport({ type: 'rotated', reason: 'age', socketAgeMs: 3_300_000 }));
    expect(statusLine(app.screen())).toContain('rotated ×1');
  });

  it('shows the websocket → http fallback with a banner', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(
      started(),
      transport({ type: 'connected', transport: 'websocket', connectionId: 1, deflate: false }),
    );
    await app.emit(transport({ type: 'fallback_http', reason: 'upgrade refused 5 times' }));
    const s = app.screen();
    expect(statusLine(s)).toContain('http ● connected');
    expect(statusLine(s)).toContain('(fallback)');
    expect(s).toContain('Falling back from WebSocket to HTTPS transport: upgrade refused 5 times');
  });

  it('shows tokens, cached %, context % and latency', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('x'), turn(), usage(20_000, 15_000, 1200));
    const line = statusLine(app.screen());
    expect(line).toContain('↑20.0k ↓1.2k (75% cached)');
    expect(line).toContain('ctx 21%');
    expect(line).toContain('1.4s');
  });
});

describe('slash commands', () => {
  it('completes from the prefix and runs the selection', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started());
    await app.type('/');
    let s = app.screen();
    for (const c of [
      '/help',
      '/model',
      '/approval',
      '/status',
      '/diff',
      '/compact',
      '/new',
      '/resume',
      '/copy',
      '/quit',
    ])
      expect(s).toContain(c);
    await app.type('c');
    s = app.screen();
    expect(s).toContain('/compact');
    expect(s).toContain('/copy');
    expect(s).not.toContain('/help Show keys');
    await app.type('o', 'm', KEY.tab);
    expect(app.store.getSnapshot().composer.text).toBe('/compact');
    await app.type(KEY.enter);
    expect(app.agent.calls).toContainEqual({ kind: 'compact' });
  });

  it('arrow keys move the selection; Enter on a command with arguments completes it', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.type('/', 'm');
    expect(app.screen()).toContain('/model');
    await app.type(KEY.enter);
    expect(app.store.getSnapshot().composer.text).toBe('/model ');
    await app.type('o', '3', KEY.enter);
    expect(app.agent.calls).toContainEqual({ kind: 'setModel', model: 'o3' });
    expect(app.screen()).toContain('Model set to o3');
    await app.type('/', 'a', 'p', 'p', KEY.tab, 'f', 'u', 'l', 'l', '-', 'a', 'u', 't', 'o', KEY.enter);
    expect(app.agent.calls).toContainEqual({ kind: 'setApprovalMode', mode: 'full-auto' });
    expect(statusLine(app.screen())).toContain('full-auto');
  });

  it('/help, /status, /diff, /copy, /new, /quit', async () => {
    const copied: string[] = [];
    const app = await renderApp({
      services: {
        gitDiff: async () => '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n',
        copy: (t) => copied.push(t),
        allowRules: () => ['npm run test', 'node --test'],
        projectTrust: () => 'trusted (the --trust flag)',
      },
    });
    cleanup = app.unmount;
    await app.emit(started({ sessionId: 'sess-9' }));
    await app.type('/help', KEY.enter);
    expect(app.screen()).toContain('Esc interrupt');
    await app.type('/status', KEY.enter);
    expect(app.screen()).toContain('Session sess-9');
    expect(app.screen()).toContain('rotations 0');
    expect(app.screen()).toContain('Always allowed here: npm run test · node --test');
    expect(app.screen()).toContain('Project: trusted (the --trust flag)');
    await app.type('/diff', KEY.enter);
    expect(app.screen()).toContain('git diff');
    expect(app.screen()).toContain('+b');
    await app.emit(user('q'), turn(), {
      type: 'assistant_item_done',
      turnId: 't1',
      itemId: 'm',
      text: 'The answer.',
    });
    await app.type('/copy', KEY.enter);
    expect(copied).toEqual(['The answer.']);
    await app.type('/new', KEY.enter);
    expect(app.agent.calls).toContainEqual({ kind: 'newSession' });
    await app.type('/bogus', KEY.enter);
    expect(app.screen()).toContain('Unknown command /bogus');
    await app.type('/quit', KEY.enter);
    expect(app.exits).toEqual([0]);
  });
});

describe('composer', () => {
  it('edits text with cursor movement, backspace, word delete and newlines', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.type('h', 'e', 'l', 'o', KEY.left, 'l');
    expect(app.store.getSnapshot().composer.text).toBe('hello');
    await app.type('\x05', KEY.ctrlJ, 'w', 'o', 'r', 'l', 'd');
    await app.type('\\', KEY.enter, 'x');
    await app.type(KEY.shiftEnter, 'y');
    expect(app.store.getSnapshot().composer.text).toBe('hello\nworld\nx\ny');
    expect(app.screen()).toContain('› hello');
    await app.type(KEY.backspace);
    expect(app.store.getSnapshot().composer.text).toBe('hello\nworld\nx\n');
    await app.type('\x17'); // Ctrl+W: the newline and the word before it
    expect(app.store.getSnapshot().composer.text).toBe('hello\nworld\n');
    expect(app.agent.calls).toHaveLength(0);
    await app.type(KEY.enter);
    expect(app.agent.calls).toEqual([{ kind: 'submit', text: 'hello\nworld' }]);
    expect(app.store.getSnapshot().composer.text).toBe('');
  });

  it('↑/↓ walk the history and restore the draft; history persists through the service', async () => {
    const saved: string[] = [];
    const app = await renderApp({
      services: { loadHistory: async () => ['old one'], appendHistory: (e) => saved.push(e) },
    });
    cleanup = app.unmount;
    await app.type('first', KEY.enter, 'second', KEY.enter);
    expect(saved).toEqual(['first', 'second']);
    await app.type('dra', KEY.up);
    expect(app.store.getSnapshot().composer.text).toBe('second');
    await app.type(KEY.up, KEY.up);
    expect(app.store.getSnapshot().composer.text).toBe('old one');
    await app.type(KEY.down, KEY.down, KEY.down);
    expect(app.store.getSnapshot().composer.text).toBe('dra');
  });

  it('pastes large text in one go and shows a bounded view', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    const big = Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\r');
    await app.type(big);
    const text = app.store.getSnapshot().composer.text;
    expect(text.split('\n')).toHaveLength(300);
    const s = app.screen();
    expect(s).toContain('line 299');
    expect(s).toContain('lines above');
    expect(s.split('\n').length).toBeLessThan(40);
  });

  it('@ completes file names fuzzily', async () => {
    const app = await renderApp({
      services: { listFiles: async () => ['src/stats.js', 'test/stats.test.js', 'README.md'] },
    });
    cleanup = app.unmount;
    await app.type('fix @sts');
    const s = app.screen();
    expect(s).toContain('@src/stats.js');
    expect(s).not.toContain('@README.md');
    await app.type(KEY.tab);
    expect(app.store.getSnapshot().composer.text).toBe('fix @src/stats.js ');
  });

  it('!cmd runs a shell command directly and shows its output', async () => {
    const ran: string[] = [];
    const app = await renderApp({
      services: {
        runShell: async (c) => {
          ran.push(c);
          return { output: 'hello\n', exitCode: 0 };
        },
      },
    });
    cleanup = app.unmount;
    await app.type('!echo hello', KEY.enter);
    expect(ran).toEqual(['echo hello']);
    const s = app.screen();
    expect(s).toContain('! echo hello');
    expect(s).toContain('exit 0');
    expect(app.agent.calls).toHaveLength(0);
  });

  it('typing while the agent works queues the message', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('first'), turn());
    await app.type('next please', KEY.enter);
    expect(app.agent.calls).toContainEqual({ kind: 'submit', text: 'next please' });
    expect(app.screen()).toContain('queued: next please');
  });

  it('Ctrl+C clears the input, twice exits; Ctrl+D exits on empty input only', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.type('abc', KEY.ctrlC);
    expect(app.store.getSnapshot().composer.text).toBe('');
    expect(app.screen()).toContain('Press Ctrl+C again to exit');
    expect(app.exits).toEqual([]);
    await app.advance(2500);
    await app.type(KEY.ctrlC);
    expect(app.exits).toEqual([]); // the first press expired
    await app.type(KEY.ctrlC);
    expect(app.exits).toEqual([0]);

    const app2 = await renderApp();
    await app2.type('x', KEY.ctrlD);
    expect(app2.exits).toEqual([]);
    await app2.type(KEY.backspace, KEY.ctrlD);
    expect(app2.exits).toEqual([0]);
    app2.unmount();
  });
});

describe('background processes', () => {
  it('the status bar counts them; /ps lists them and /ps kill <id> ends one', async () => {
    const procs = [
      { id: 4242, command: 'npm run dev', pid: 111, tty: false, startedAt: Date.now() - 5000 },
      { id: 777, command: 'python3 -q', pid: 222, tty: true, startedAt: Date.now() - 1000 },
    ];
    const listeners = new Set<() => void>();
    const changed = () => {
      for (const l of listeners) l();
    };
    const app = await renderApp({
      services: {
        processes: () => procs,
        endProcess: (id) => {
          const i = procs.findIndex((p) => p.id === id);
          if (i < 0) return false;
          procs.splice(i, 1);
          changed();
          return true;
        },
        watchProcesses: (l) => {
          listeners.add(l);
          return () => listeners.delete(l);
        },
      },
    });
    cleanup = app.unmount;
    await app.emit(started());
    expect(statusLine(app.screen())).not.toContain('running (/ps)');
    changed();
    await app.advance(0);
    expect(statusLine(app.screen())).toContain('2 processes running (/ps)');
    await app.type(...'/ps'.split(''), KEY.enter);
    let s = app.screen();
    expect(s).toContain('Background processes (end one with /ps kill <id>):');
    expect(s).toMatch(/4242 {2}pid 111 {2}\S+ {2}npm run dev/);
    expect(s).toMatch(/777 {2}pid 222 {2}\S+ {2}tty {2}python3 -q/);
    await app.type(...'/ps kill 4242'.split(''), KEY.enter);
    s = app.screen();
    expect(s).toContain('Ended process 4242 and its child processes.');
    expect(statusLine(s)).toContain('1 process running (/ps)');
    await app.type(...'/ps kill 4242'.split(''), KEY.enter);
    expect(app.screen()).toContain('No background process 4242 is running (see /ps).');
  });
});

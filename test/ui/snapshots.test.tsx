/** Inline snapshots (ANSI-stripped) of a streamed turn, step by step (codex `exploring_stepN` style). */
import { afterEach, expect, it } from 'vitest';
import {
  askApproval,
  cmd,
  delta,
  done,
  finished,
  proposed,
  runDone,
  started,
  toolEnd,
  toolOut,
  toolStart,
  transport,
  turn,
  user,
} from './events.js';
import { renderApp } from './harness.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

it('a turn, step by step', async () => {
  const app = await renderApp();
  cleanup = app.unmount;
  const frame = () => app.screen().replace(/[ \t]+$/gm, '');
  await app.emit(
    started(),
    transport({ type: 'connected', transport: 'websocket', connectionId: 1, deflate: true }),
    user('run the tests'),
    turn(),
  );
  await app.emit(delta('I will run the **tests**.\n\nFirst'));
  expect(frame()).toMatchInlineSnapshot(`
    "╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
    │ tether · gpt-test · suggest · sandbox none                                                       │
    │ session sess-1 · /work/demo                                                                      │
    │ /help for commands · Esc interrupts · Ctrl+C twice exits                                         │
    ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯

    › run the tests

    I will run the tests.

    First
    ⠋ working 0ms · Esc to interrupt
    ╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
    │ ›                                                                                                │
    ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯
    gpt-test · suggest · websocket ● connected 0s · ↑0 ↓0 (0% cached) · ctx 0% · sess-1"
  `);
  await app.emit(
    done('I will run the **tests**.\n\nFirst, `npm test`.'),
    proposed('c1', cmd('npm test')),
    askApproval('c1', cmd('npm test'), 'shell', 't1', 'npm test'),
  );
  expect(frame()).toMatchInlineSnapshot(`
    "╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
    │ tether · gpt-test · suggest · sandbox none                                                       │
    │ session sess-1 · /work/demo                                                                      │
    │ /help for commands · Esc interrupts · Ctrl+C twice exits                                         │
    ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯

    › run the tests

    I will run the tests.

    First, npm test.

    ⠋ working 0ms · Esc to interrupt
    ╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
    │ Allow this command?                                                                              │
    │ $ npm test                                                                                       │
    │ [y] yes [n] no [a] always allow npm test [e] edit · Esc stop the turn                            │
    ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯
    gpt-test · suggest · websocket ● connected 0s · ↑0 ↓0 (0% cached) · ctx 0% · sess-1"
  `);
  await app.type('y');
  await app.emit(toolStart('c1', cmd('npm test')), toolOut('c1', 'ok 1 - adds\nnot ok 2 - averages\n'));
  await app.advance(1200);
  expect(frame()).toMatchInlineSnapshot(`
    "╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
    │ tether · gpt-test · suggest · sandbox none                                                       │
    │ session sess-1 · /work/demo                                                                      │
    │ /help for commands · Esc interrupts · Ctrl+C twice exits                                         │
    ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯

    › run the tests

    I will run the tests.

    First, npm test.

    ⠹ $ npm test
      ok 1 - adds
      not ok 2 - averages
      running 1.2s

    ⠹ working 1.2s · Esc to interrupt
    ╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
    │ ›                                                                                                │
    ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯
    gpt-test · suggest · websocket ● connected 1s · ↑0 ↓0 (0% cached) · ctx 0% · sess-1"
  `);
  await app.emit(toolEnd('c1', { status: 'error', exitCode: 1, durationMs: 1300 }), finished(), runDone());
  expect(frame()).toMatchInlineSnapshot(`
    "╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
    │ tether · gpt-test · suggest · sandbox none                                                       │
    │ session sess-1 · /work/demo                                                                      │
    │ /help for commands · Esc interrupts · Ctrl+C twice exits                                         │
    ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯

    › run the tests

    I will run the tests.

    First, npm test.

    ✗ $ npm test
      ok 1 - adds
      not ok 2 - averages
      error · exit 1 · 1.3s

    ╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
    │ ›                                                                                                │
    ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯
    gpt-test · suggest · websocket ● connected 1s · ↑0 ↓0 (0% cached) · ctx 0% · sess-1"
  `);
});

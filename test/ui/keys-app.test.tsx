/** Keys through the real <App>: bursts in one read, paste, Ctrl+C and Esc while a turn runs. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  askApproval,
  cmd,
  editSubject,
  finished,
  started,
  toolEnd,
  toolStart,
  turn,
  user,
} from './events.js';
import { KEY, renderApp } from './harness.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('input bursts', () => {
  it('applies every key of one read: 5 Backspaces, arrows, text', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.type('hello world');
    // One write = one terminal read holding all these keys.
    await app.type(`${KEY.backspace.repeat(5)}there${KEY.left.repeat(5)}${KEY.backspace}_`);
    expect(app.store.getSnapshot().composer.text).toBe('hello_there');
    expect(app.screen()).toContain('› hello_there');
  });

  it('a burst in the approval edit field edits the command (no invisible characters reach it)', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('go'), turn(), askApproval('c1', cmd('rm -rf build')));
    await app.type('e');
    await app.type(`${KEY.backspace.repeat(5)}dist${KEY.enter}`);
    expect(app.agent.calls).toContainEqual({
      kind: 'resolve',
      callId: 'c1',
      decision: { kind: 'edit', command: 'rm -rf dist' },
    });
  });

  it('a bracketed paste is inserted verbatim with a size note, and Enter is not pressed by it', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    await app.type(`\x1b[200~${lines.join('\r')}\x1b[201~`);
    expect(app.store.getSnapshot().composer.text).toBe(lines.join('\n'));
    expect(app.agent.calls).toEqual([]);
    expect(app.screen()).toContain('Pasted 5,000 lines');
    await app.type(KEY.enter);
    expect(app.agent.calls).toEqual([{ kind: 'submit', text: lines.join('\n') }]);
    expect(app.screen()).not.toContain('Pasted');
  });
});

describe('Ctrl+C and Esc while a turn runs', () => {
  it('the first Ctrl+C interrupts (input kept), a second inside the window exits', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('go'), turn(), toolStart('c1', cmd('sleep 30')));
    await app.type('draft', KEY.ctrlC);
    expect(app.agent.calls).toEqual([{ kind: 'cancel' }]);
    expect(app.store.getSnapshot().composer.text).toBe('draft');
    expect(app.screen()).toContain('Press Ctrl+C again to exit');
    await app.advance(1500);
    await app.type(KEY.ctrlC);
    expect(app.exits).toEqual([0]);
  });

  it('the "press again" hint disappears when the window closes', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.type(KEY.ctrlC);
    expect(app.screen()).toContain('Press Ctrl+C again to exit');
    await app.advance(2100);
    expect(app.screen()).not.toContain('Press Ctrl+C again');
    await app.type(KEY.ctrlC);
    expect(app.exits).toEqual([]);
  });

  it('Esc with an approval open cancels the turn, not just that call', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(
      started(),
      user('go'),
      turn(),
      askApproval('c1', cmd('make')),
      askApproval('c2', cmd('ls')),
    );
    await app.type(KEY.esc);
    await new Promise((r) => setTimeout(r, 30)); // a lone ESC is flushed on the next tick
    expect(app.agent.calls).toEqual([{ kind: 'cancel' }]);
    expect(app.screen()).not.toContain('Allow this command?');
  });
});

describe('a long diff in an approval', () => {
  it('is cut at first and can be expanded and scrolled to its end before deciding', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    const diff = `--- a/f\n+++ b/f\n@@ -0,0 +1,80 @@\n${Array.from({ length: 80 }, (_, i) => `+row ${i + 1}`).join('\n')}\n`;
    await app.emit(started(), user('go'), turn(), askApproval('c1', editSubject('f', diff), 'write_file'));
    let s = app.screen();
    expect(s).toContain('more diff lines (v shows all)');
    expect(s).not.toContain('+row 80');
    await app.type('v');
    for (let i = 0; i < 5 && !app.screen().includes('+row 80'); i++) await app.type('\x1b[6~');
    s = app.screen();
    expect(s).toContain('+row 80');
    expect(s).toContain('of 83');
    expect(app.agent.calls).toEqual([]);
    await app.type('y');
    expect(app.agent.calls).toEqual([{ kind: 'resolve', callId: 'c1', decision: { kind: 'approve' } }]);
  });
});

describe('a failed tool call', () => {
  it('shows its reason on the card, not only "invalid call"', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    const subject = { kind: 'read' as const, summary: 'apply_patch (invalid call)', paths: [] };
    await app.emit(started(), user('go'), turn());
    await app.emit(
      { type: 'tool_proposed', turnId: 't1', callId: 'p1', name: 'apply_patch', args: '{}', subject },
      toolEnd(
        'p1',
        {
          status: 'error',
          output: 'apply_patch: context not found in src/stats.js:\n  let sum = 1;',
          durationMs: 0,
        },
        'apply_patch',
      ),
      finished(),
    );
    const s = app.screen();
    expect(s).toContain('apply_patch (invalid call)');
    expect(s).toContain('apply_patch: context not found in src/stats.js:');
    expect(s).toContain('let sum = 1;');
  });
});

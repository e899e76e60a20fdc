/** Layout at 40/80/120 columns: no rendered line is wider than the terminal (R26). */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import stripAnsi from 'strip-ansi';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app.js';
import { UiController } from '../../src/ui/controller.js';
import { nullServices } from '../../src/ui/services/types.js';
import { UiStore } from '../../src/ui/store.js';
import { FakeClock } from '../../src/util/clock.js';
import { FakeAgent } from '../helpers/fake-agent.js';
import { printedScreen } from '../helpers/printed-screen.js';
import {
  askApproval,
  cmd,
  delta,
  started,
  toolEnd,
  toolOut,
  toolStart,
  transport,
  turn,
  user,
} from './events.js';
import { tick } from './harness.js';

class Stdout extends EventEmitter {
  last = '';
  constructor(readonly columns: number) {
    super();
  }
  write = (frame: string) => {
    this.last = frame;
    return true;
  };
}

class Stdin extends EventEmitter {
  isTTY = true;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => null;
}

const LONG_CMD = `npm run build -- --filter=${'very-long-package-name/'.repeat(6)}`;

describe.each([40, 80, 120])('at %i columns', (columns) => {
  it('keeps every line within the terminal width', async () => {
    const clock = new FakeClock();
    const agent = new FakeAgent();
    const store = new UiStore({
      clock,
      model: 'gpt-5.5',
      approval: 'suggest',
      contextWindow: 272_000,
      coalesceMs: 0,
      columns,
      rows: 40,
    });
    const controller = new UiController({
      store,
      agent,
      services: nullServices(),
      clock,
      onExit: () => {},
      approvalArmMs: 0,
    });
    controller.start();
    const stdout = new Stdout(columns);
    // Committed transcript text (printed into scrollback) and the live frame are both checked.
    const out = printedScreen();
    const printed = out.chunks;
    const instance = render(<App store={store} controller={controller} print={out.print} />, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: new Stdin() as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    });
    agent.emit(
      started({ sessionId: '20261125-120000-abcdef', cwd: `/home/user/${'deep/'.repeat(12)}project` }),
      transport({ type: 'connected', transport: 'websocket', connectionId: 1, deflate: true }),
      user(`please ${'refactor '.repeat(20)}`),
      turn(),
      delta(
        `# Heading that is rather long for a narrow terminal window\n\n${'Words flow here. '.repeat(20)}\n\n- item ${'x'.repeat(70)}\n\n`,
      ),
      toolStart('c1', cmd(LONG_CMD)),
      toolOut('c1', `${'output-line-'.repeat(15)}\nshort\n`),
      toolEnd('c1', { exitCode: 0, durationMs: 1200 }),
      askApproval('c2', cmd(LONG_CMD)),
    );
    await tick(20);
    const lines = stripAnsi(printed.join('') + stdout.last).split('\n');
    const wide = lines.filter((l) => [...l].length > columns);
    expect(wide).toEqual([]);
    expect(stripAnsi(stdout.last)).toContain('Allow this command?');
    expect(lines[lines.length - 1]?.length ?? 0).toBeGreaterThan(0);
    instance.unmount();
    controller.stop();
    store.close();
  });
});

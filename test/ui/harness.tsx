/** Renders the real <App> with a FakeAgent, a FakeClock and null services (ink-testing-library). */
import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import { App } from '../../src/ui/app.js';
import { UiController } from '../../src/ui/controller.js';
import { nullServices, type UiServices } from '../../src/ui/services/types.js';
import { UiStore } from '../../src/ui/store.js';
import { FakeClock } from '../../src/util/clock.js';
import { FakeAgent } from '../helpers/fake-agent.js';
import { printedScreen } from '../helpers/printed-screen.js';

/** Keys as terminals send them. */
export const KEY = {
  enter: '\r',
  esc: '\x1b',
  ctrlC: '\x03',
  ctrlD: '\x04',
  ctrlJ: '\n',
  tab: '\t',
  up: '\x1b[A',
  down: '\x1b[B',
  left: '\x1b[D',
  right: '\x1b[C',
  backspace: '\x7f',
  shiftEnter: '\x1b[13;2u',
} as const;

/** Lets Ink process pending input/renders. */
export const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** Test harness around the app. */
export async function renderApp(
  opts: { services?: Partial<UiServices>; coalesceMs?: number; armMs?: number; simulated?: boolean } = {},
) {
  const clock = new FakeClock();
  const agent = new FakeAgent();
  const store = new UiStore({
    clock,
    model: 'gpt-test',
    approval: 'suggest',
    contextWindow: 100_000,
    coalesceMs: opts.coalesceMs ?? 0,
    simulated: opts.simulated ?? false,
  });
  const exits: number[] = [];
  const services = nullServices(opts.services);
  const controller = new UiController({
    store,
    agent,
    services,
    clock,
    onExit: (c) => exits.push(c),
    approvalArmMs: opts.armMs ?? 0,
  });
  controller.start();
  // Committed transcript text (printed once into scrollback by the app) and the live tail below
  // it, as a terminal shows them (the tail's erasures applied).
  const out = printedScreen();
  const printed = out.chunks;
  const r = render(<App store={store} controller={controller} print={out.print} />);
  await tick();
  return {
    ...r,
    clock,
    agent,
    store,
    controller,
    exits,
    printed,
    /** Every write of the printer, as written (erasures included). */
    writes: out.writes,
    /** What the terminal shows: the printed transcript, then the live region (ANSI-stripped). */
    screen: () => stripAnsi(printed.join('') + (r.lastFrame() ?? '')),
    /** Writes keys one by one, letting Ink process each. */
    async type(...keys: string[]) {
      for (const k of keys) {
        r.stdin.write(k);
        await tick();
      }
    },
    async emit(...events: Parameters<FakeAgent['emit']>) {
      agent.emit(...events);
      await tick();
    },
    async advance(ms: number) {
      await clock.advance(ms);
      await tick();
    },
  };
}

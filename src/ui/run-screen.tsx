/**
 * Mounts the interactive screen on a real terminal and resolves with the exit code when the user
 * leaves. Owns the terminal lifecycle: Ink renders inline (no alternate screen, no mouse capture,
 * no full-screen clears), raw mode is restored and the cursor shown on every way out, and the
 * caller's cleanup (agent close, tool kill) runs before the promise resolves.
 */
import { type DOMElement, measureElement, render } from 'ink';
import { createRef } from 'react';
import type { AgentController, ApprovalMode, UserImage } from '../agent/events.js';
import type { Item } from '../protocol/items.js';
import { type Clock, realClock, type TimerHandle } from '../util/clock.js';
import { App } from './app.js';
import { routeConsole } from './console-route.js';
import { UiController } from './controller.js';
import { setInkOverflowHandler } from './ink-overflow.js';
import { eraseVisibleRows } from './repaint.js';
import { lastAnswerOf, replayEntries } from './replay.js';
import type { UiServices } from './services/types.js';
import { setCustomCommands } from './slash.js';
import type { BannerInfo } from './state/entries.js';
import { UiStore } from './store.js';

/** `resizeRepaint: all`: erase the screen and the scrollback, cursor home. */
const CLEAR_WITH_SCROLLBACK = '\x1b[2J\x1b[3J\x1b[H';

/** Quiet time after the last resize event before the screen is redrawn (ms). */
const RESIZE_SETTLE_MS = 120;

/** Options of {@link runScreen}. */
export interface RunScreenOptions {
  agent: AgentController;
  services: UiServices;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  model: string;
  approval: ApprovalMode;
  /** Context window (tokens) for "context used %". */
  contextWindow: number;
  /** Submitted once the screen is up (the positional prompt). */
  initialPrompt?: string;
  /** `-i/--image` files: attached to the initial prompt, or else to the first one typed. */
  initialImages?: readonly UserImage[];
  /** Earlier conversation of a resumed session, shown above the new one. */
  history?: readonly Item[];
  /** Notices shown before the session starts (e.g. how a bare --resume was resolved). */
  notices?: readonly string[];
  /** Demo mode: the screen says the model is simulated. */
  simulated?: boolean;
  /** Custom slash commands (Markdown prompt files) of this session. */
  customCommands?: ReadonlyArray<{ name: string; description: string; argumentHint?: string; body: string }>;
  /**
   * After a narrowing: `screen` repaints the visible rows and keeps the scrollback (default);
   * `all` clears the scrollback and reprints the whole transcript (setting `resizeRepaint`).
   */
  resizeRepaint?: 'screen' | 'all';
  /** Shown at startup (before the agent's own session_started arrives). */
  banner?: Omit<BannerInfo, 'simulated'>;
  clock?: Clock;
}

/** Result of {@link runScreen}. */
export interface ScreenResult {
  code: number;
  /** The session id shown last (for the `--resume` hint). */
  sessionId: string;
}

/** Shows the screen until the user exits. */
export async function runScreen(o: RunScreenOptions): Promise<ScreenResult> {
  const clock = o.clock ?? realClock;
  const store = new UiStore({
    clock,
    model: o.model,
    approval: o.approval,
    contextWindow: o.contextWindow,
    columns: o.stdout.columns || 100,
    rows: o.stdout.rows || 40,
    simulated: o.simulated ?? false,
  });
  if (o.history?.length) store.replay(replayEntries(o.history), lastAnswerOf(o.history));
  for (const text of o.notices ?? []) store.add({ kind: 'notice', level: 'info', text });
  setCustomCommands(
    (o.customCommands ?? []).map((c) => ({
      name: c.name,
      description: c.description,
      ...(c.argumentHint ? { args: c.argumentHint } : {}),
      prompt: c.body,
    })),
  );
  if (o.banner) {
    store.add({ kind: 'banner', banner: { ...o.banner, simulated: o.simulated ?? false } });
    store.status({ sessionId: o.banner.sessionId, cwd: o.banner.cwd });
  }

  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((r) => {
    resolveExit = r;
  });
  const controller = new UiController({
    store,
    agent: o.agent,
    services: o.services,
    clock,
    onExit: (code) => resolveExit(code),
  });
  controller.start();

  const liveRef = createRef<DOMElement>();
  const instance = render(<App store={store} controller={controller} liveRef={liveRef} />, {
    stdout: o.stdout,
    stdin: o.stdin,
    // Ctrl+C is ours (clear input; twice exits), not Ink's.
    exitOnCtrlC: false,
    // Not Ink's console patch: console output becomes transcript notices (console-route.ts).
    patchConsole: false,
    // The store already paces streaming updates (≈30 fps); Ink's own throttle only has to stay
    // out of the way, so a frame follows each store update at once.
    maxFps: 60,
    // Not `incrementalRendering`: in Ink 6.8 it leaves stale lines behind once printed output
    // is interleaved (seen in tmux with <Static>); the default erase-and-redraw of the small live region is
    // written inside a synchronized-output block, which is what prevents flicker.
  });
  const restoreConsole = routeConsole((level, text) => store.add({ kind: 'notice', level, text }));
  // Bracketed paste: a paste arrives between ESC[200~ and ESC[201~ and is inserted verbatim
  // (never submitted line by line). Turned off again on every way out.
  if (o.stdin.isTTY) o.stdout.write('\x1b[?2004h');
  // After the width shrank, a reflowing terminal leaves half-drawn boxes of the live region:
  // once the size settles the visible screen (not the scrollback) is repainted (repaint.ts).
  let resizeTimer: TimerHandle | null = null;
  let lastColumns = o.stdout.columns || 100;
  // Any narrowing since the last repaint counts (100→40→120 reflowed the live region at 40);
  // `all` also reprints at a new, wider width.
  let pending = false;
  const scheduleRepaint = () => {
    resizeTimer?.cancel();
    resizeTimer = clock.setTimeout(() => {
      resizeTimer = null;
      pending = false;
      const rows = o.stdout.rows || 40;
      const live = liveRef.current ? measureElement(liveRef.current).height : 0;
      const all = o.resizeRepaint === 'all';
      instance.clear();
      o.stdout.write(all ? CLEAR_WITH_SCROLLBACK : eraseVisibleRows(rows));
      const v = store.getSnapshot().view;
      store.view({
        epoch: v.epoch + 1,
        repaintRows: all ? Number.POSITIVE_INFINITY : Math.max(0, rows - live - 1),
      });
    }, RESIZE_SETTLE_MS);
  };
  // When Ink's last frame was as tall as the terminal (it was made shorter than the live region)
  // Ink clears the screen before the next one: only the visible rows (ink-overflow.ts), and the
  // last entries are printed again above the live region once the size settles.
  setInkOverflowHandler(() => {
    pending = true;
    scheduleRepaint();
    return eraseVisibleRows(o.stdout.rows || 40);
  });
  const onResize = () => {
    const columns = o.stdout.columns || 100;
    if (columns < lastColumns || (o.resizeRepaint === 'all' && columns !== lastColumns)) pending = true;
    lastColumns = columns;
    store.view({ columns, rows: o.stdout.rows || 40 });
    if (pending) scheduleRepaint();
  };
  o.stdout.on('resize', onResize);
  // Signals from outside (kill, closed terminal) leave through the same path as /quit.
  const onSignal = (sig: NodeJS.Signals) =>
    resolveExit(sig === 'SIGINT' ? 130 : sig === 'SIGHUP' ? 129 : 143);
  const sigs: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of sigs) process.on(s, onSignal);

  // Warm the socket while the user types, so the first turn starts on a chained, warm connection.
  if (o.initialImages?.length) controller.attachToNextPrompt(o.initialImages);
  if (o.initialPrompt?.trim()) controller.submit(o.initialPrompt);
  else
    void o.agent.start?.().catch((err: unknown) => {
      // A final refusal of the first connection (no quota, a plan without API usage, an unknown
      // model) is said now, not at the first prompt; the status bar already shows the failure.
      // A refused key shows on the bar alone (the next prompt tries again and says why).
      if (err instanceof Error && err.name === 'SessionStartError')
        store.dispatch({ type: 'error', message: err.message });
    });

  const code = await exited;
  for (const s of sigs) process.off(s, onSignal);
  o.stdout.off('resize', onResize);
  (resizeTimer as TimerHandle | null)?.cancel();
  setInkOverflowHandler(null);
  // Stop the turn first so no tool keeps running while the screen goes away.
  if (store.getSnapshot().view.running) o.agent.cancel();
  controller.stop();
  restoreConsole();
  store.close();
  instance.unmount();
  instance.cleanup();
  o.stdin.setRawMode?.(false);
  o.stdin.pause();
  // Ink shows the cursor again on unmount; repeat it in case a signal cut the render short.
  o.stdout.write(o.stdin.isTTY ? '\x1b[?2004l\x1b[?25h' : '\x1b[?25h');
  return { code, sessionId: store.getSnapshot().status.sessionId };
}

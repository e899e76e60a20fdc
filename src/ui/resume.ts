/**
 * `/resume` inside a running session: the picker opens in place of the composer; choosing a
 * session switches the agent to it (its context, a new chain, zero counters, its session file;
 * the current session's background processes end, as Codex ends them when it leaves a thread)
 * and shows its earlier conversation below the current one. Esc closes the picker and changes
 * nothing. Refused, with one line, while a turn runs (Codex: "disabled while a task is in
 * progress").
 */
import type { AgentController } from '../agent/events.js';
import { Command } from './keymap.js';
import { lastAnswerOf, replayEntries } from './replay.js';
import type { SavedSession, UiServices } from './services/types.js';
import { movePicker } from './state/picker.js';
import type { UiStore } from './store.js';

/** What `/resume` needs. */
export interface ResumeContext {
  store: UiStore;
  agent: AgentController;
  services: UiServices;
}

const BUSY = '/resume is not available while a turn runs: interrupt it (Esc) or wait for it to finish.';

function note(c: ResumeContext, text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
  c.store.add({ kind: 'notice', level, text });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `/resume [id]`: opens the picker, or switches at once to the one session `id` starts. */
export function openResume(c: ResumeContext, args: string): void {
  const s = c.store.getSnapshot();
  if (!c.services.listSessions || !c.agent.resumeSession) {
    note(
      c,
      `To resume a session, restart with: tether --resume <id> (list them with: tether sessions). This session: ${s.status.sessionId || '(starting)'}`,
    );
    return;
  }
  if (s.view.running || s.approvals.queue.length > 0) {
    note(c, BUSY, 'warn');
    return;
  }
  let items: ReturnType<NonNullable<UiServices['listSessions']>>;
  try {
    items = c.services.listSessions().filter((x) => x.id !== s.status.sessionId);
  } catch (err) {
    note(c, `Could not list the saved sessions: ${errorText(err)}`, 'error');
    return;
  }
  if (args) {
    const matches = items.filter((x) => x.id === args || x.id.startsWith(args));
    if (matches.length === 1 && matches[0]) void resumeSession(c, matches[0].id);
    else if (matches.length === 0)
      note(c, `No other saved session here starts with "${args}" (/resume lists them).`, 'warn');
    else
      note(
        c,
        `"${args}" matches ${matches.length} sessions; type more of the id, or /resume to pick.`,
        'warn',
      );
    return;
  }
  if (items.length === 0) {
    note(c, 'No other saved session in this directory (tether sessions --all lists every one).');
    return;
  }
  c.store.view({ picker: { items, index: 0 } });
}

/** Switches this screen and the agent to saved session `id` (the picker's Enter). */
export async function resumeSession(c: ResumeContext, id: string): Promise<void> {
  const { store, agent, services } = c;
  store.view({ picker: null });
  if (!agent.resumeSession || !services.loadSession) return;
  if (store.getSnapshot().view.running) {
    note(c, BUSY, 'warn');
    return;
  }
  let data: SavedSession;
  try {
    data = services.loadSession(id);
  } catch (err) {
    note(c, `Could not resume ${id}: ${errorText(err)}`, 'error');
    return;
  }
  // The agent switches first (it refuses while a run or another switch is under way), then the
  // screen shows the resumed conversation below its banner.
  try {
    await agent.resumeSession({ sessionId: data.sessionId, items: data.items, ledger: data.ledger });
  } catch (err) {
    note(c, `Could not resume ${id}: ${errorText(err)}`, 'error');
    return;
  }
  store.switchSession(
    [
      { kind: 'notice', level: 'info', text: `Resumed session ${id}; its earlier conversation:` },
      ...replayEntries(data.allItems),
    ],
    lastAnswerOf(data.allItems),
  );
}

/** The commands of the session picker, run by the UI controller. */
export type PickerCommand = Command.PICK_UP | Command.PICK_DOWN | Command.PICK_CONFIRM | Command.PICK_CANCEL;

/** Moves the picker's selection, resumes the chosen session, or closes the picker. */
export function runPickerCommand(cmd: PickerCommand, c: ResumeContext): void {
  const { store } = c;
  const s = store.getSnapshot();
  switch (cmd) {
    case Command.PICK_UP:
    case Command.PICK_DOWN:
      if (s.view.picker) store.view({ picker: movePicker(s.view.picker, cmd === Command.PICK_UP ? -1 : 1) });
      return;
    case Command.PICK_CONFIRM: {
      const chosen = s.view.picker?.items[s.view.picker.index];
      if (chosen) void resumeSession(c, chosen.id);
      else store.view({ picker: null });
      return;
    }
    case Command.PICK_CANCEL:
      // Esc: the picker goes, nothing else changes.
      store.view({ picker: null });
      return;
    default: {
      const unreachable: never = cmd;
      throw new Error(`unhandled picker command ${String(unreachable)}`);
    }
  }
}

/**
 * The approval prompt's commands, run by the UI controller: approve, deny, always, editing the
 * proposed command, and the diff view (toggle, scroll, page).
 */
import type { AgentController } from '../agent/events.js';
import type { Clock } from '../util/clock.js';
import { Command } from './keymap.js';
import { diffRows } from './rows.js';
import type { UiStore } from './store.js';

/** The commands of the approval prompt (and its edit field's confirm/cancel). */
export type ApprovalCommand =
  | Command.APPROVE
  | Command.DENY
  | Command.ALWAYS
  | Command.EDIT_COMMAND
  | Command.EDIT_CONFIRM
  | Command.EDIT_CANCEL
  | Command.DIFF_TOGGLE
  | Command.DIFF_SCROLL_UP
  | Command.DIFF_SCROLL_DOWN
  | Command.DIFF_PAGE_UP
  | Command.DIFF_PAGE_DOWN;

/** What the approval commands act on. */
export interface ApprovalCommandContext {
  store: UiStore;
  agent: AgentController;
  clock: Clock;
}

/** Runs one approval-prompt command against the head of the approval queue. */
export function runApprovalCommand(cmd: ApprovalCommand, c: ApprovalCommandContext): void {
  const { store } = c;
  const s = store.getSnapshot();
  switch (cmd) {
    case Command.APPROVE:
      decide(c, { kind: 'approve' });
      return;
    case Command.DENY:
      decide(c, { kind: 'deny', reason: 'denied by the user' });
      return;
    case Command.ALWAYS: {
      // Only what the prompt offers (and shows): a command's rule (compound commands get
      // none) or an MCP tool. For an edit `a` is not offered, so it approves nothing.
      const head = s.approvals.queue[0];
      const offered =
        head?.subject.kind === 'command' ? Boolean(head.allowRule) : head?.subject.kind === 'mcp';
      if (!offered) return;
      decide(c, { kind: 'always' });
      return;
    }
    case Command.EDIT_COMMAND:
      store.approvals({ type: 'editStart' });
      return;
    case Command.EDIT_CONFIRM: {
      const ed = s.approvals.edit;
      if (!ed || ed.text.trim() === '') return;
      decide(c, { kind: 'edit', command: ed.text });
      return;
    }
    case Command.EDIT_CANCEL:
      store.approvals({ type: 'editCancel' });
      return;
    case Command.DIFF_TOGGLE:
      store.approvals({ type: 'toggleDiff' });
      return;
    case Command.DIFF_SCROLL_UP:
      diffScroll(store, -1);
      return;
    case Command.DIFF_SCROLL_DOWN:
      diffScroll(store, 1);
      return;
    case Command.DIFF_PAGE_UP:
      diffScroll(store, -Infinity);
      return;
    case Command.DIFF_PAGE_DOWN:
      diffScroll(store, Infinity);
      return;
    default: {
      const unreachable: never = cmd;
      throw new Error(`unhandled approval command ${String(unreachable)}`);
    }
  }
}

function decide(
  c: ApprovalCommandContext,
  decision: Parameters<AgentController['resolveApproval']>[1],
): void {
  const head = c.store.getSnapshot().approvals.queue[0];
  if (!head) return;
  c.store.approvals({ type: 'resolved', callId: head.callId, now: c.clock.now() });
  c.agent.resolveApproval(head.callId, decision);
}

function diffScroll(store: UiStore, lines: number): void {
  const s = store.getSnapshot();
  const diff = s.approvals.queue[0]?.subject.diff;
  if (!diff) return;
  if (!s.approvals.diffExpanded) {
    store.approvals({ type: 'toggleDiff' });
    return;
  }
  const total = diff.replace(/\n$/, '').split('\n').length;
  const page = diffRows(s.view.rows, true);
  const step = Number.isFinite(lines) ? lines : Math.sign(lines) * Math.max(1, page - 2);
  store.approvals({ type: 'scrollDiff', lines: step, max: Math.max(0, total - page) });
}

/**
 * The approval queue: requests wait here until the user (or a policy) resolves them. The head is
 * shown; keys reach the prompt only after it has been visible for `armMs`, so a key typed for the
 * composer just before the prompt appeared cannot approve anything (focus safety).
 */
import type { AgentEvent } from '../../agent/events.js';
import type { ApprovalSubject } from '../../tools/types.js';
import { type ComposerAction, type ComposerState, composerReducer, initialComposer } from './composer.js';

/** One pending approval. */
export interface PendingApproval {
  callId: string;
  name: string;
  subject: ApprovalSubject;
  /** The "always allow" rule offered for a command (absent: `a` saves nothing, so not offered). */
  allowRule?: string;
  /** Clock ms when it reached the head of the queue. */
  shownAt: number;
}

/** Approval queue state. */
export interface ApprovalState {
  queue: readonly PendingApproval[];
  /** Editing the head's command: the edit buffer (the composer's reducer, no history), else null. */
  edit: ComposerState | null;
  /** The head's diff is shown at full length (the prompt scrolls it), else cut to fit. */
  diffExpanded: boolean;
  /** First diff line shown while expanded. */
  diffScroll: number;
}

/** Empty queue. */
export function initialApprovals(): ApprovalState {
  return { queue: [], edit: null, diffExpanded: false, diffScroll: 0 };
}

/** UI intents on the queue. */
export type ApprovalAction =
  | { type: 'editStart' }
  | { type: 'editCancel' }
  /** An editing action on the edit buffer (the same actions as the composer). */
  | { type: 'editCompose'; action: ComposerAction }
  /** The turn was cancelled: every request goes (the agent denies them as cancelled). */
  | { type: 'cancelAll' }
  /** Shows the head's diff in full (or cut again). */
  | { type: 'toggleDiff' }
  /** Scrolls the expanded diff by `lines` (clamped by the view). */
  | { type: 'scrollDiff'; lines: number; max: number }
  /** Resolved locally (before the agent's approval_resolved echo arrives). */
  | { type: 'resolved'; callId: string; now: number };

function removeHead(s: ApprovalState, callId: string, now: number): ApprovalState {
  if (!s.queue.some((a) => a.callId === callId)) return s;
  const queue = s.queue.filter((a) => a.callId !== callId);
  const [head, ...rest] = queue;
  const wasHead = s.queue[0]?.callId === callId;
  return {
    queue: head && wasHead ? [{ ...head, shownAt: now }, ...rest] : queue,
    edit: wasHead ? null : s.edit,
    diffExpanded: wasHead ? false : s.diffExpanded,
    diffScroll: wasHead ? 0 : s.diffScroll,
  };
}

/** Applies an agent event (only approval events matter). */
export function approvalsOnEvent(s: ApprovalState, e: AgentEvent, now: number): ApprovalState {
  switch (e.type) {
    case 'approval_requested':
      if (s.queue.some((a) => a.callId === e.callId)) return s;
      return {
        ...s,
        queue: [
          ...s.queue,
          {
            callId: e.callId,
            name: e.name,
            subject: e.subject,
            ...(e.allowRule ? { allowRule: e.allowRule } : {}),
            shownAt: now,
          },
        ],
      };
    case 'approval_resolved':
      return removeHead(s, e.callId, now);
    case 'turn_finished':
      // A cancelled or failed turn abandons its pending approvals.
      return e.status === 'completed' ? s : s.queue.length ? initialApprovals() : s;
    default:
      return s;
  }
}

/** Applies a UI intent. */
export function approvalsReducer(s: ApprovalState, a: ApprovalAction): ApprovalState {
  switch (a.type) {
    case 'editStart': {
      const cmd = s.queue[0]?.subject.command;
      if (cmd === undefined) return s;
      return { ...s, edit: composerReducer(initialComposer(), { type: 'set', text: cmd }) };
    }
    case 'editCancel':
      return { ...s, edit: null };
    case 'editCompose': {
      if (!s.edit) return s;
      const edit = composerReducer(s.edit, a.action);
      return edit === s.edit ? s : { ...s, edit };
    }
    case 'cancelAll':
      return s.queue.length > 0 ? initialApprovals() : s;
    case 'toggleDiff':
      return s.queue[0]?.subject.diff ? { ...s, diffExpanded: !s.diffExpanded, diffScroll: 0 } : s;
    case 'scrollDiff': {
      if (!s.diffExpanded) return s;
      const diffScroll = Math.max(0, Math.min(a.max, s.diffScroll + a.lines));
      return diffScroll === s.diffScroll ? s : { ...s, diffScroll };
    }
    case 'resolved':
      return removeHead(s, a.callId, a.now);
    default: {
      const unreachable: never = a;
      return unreachable;
    }
  }
}

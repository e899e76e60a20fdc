/**
 * The approval queue: requests wait here until the user (or a policy) resolves them. The head is
 * shown; keys reach the prompt only after it has been visible for `armMs`, so a key typed for the
 * composer just before the prompt appeared cannot approve anything (focus safety).
 */
import type { AgentEvent } from '../../agent/events.js';
import type { ApprovalSubject } from '../../tools/types.js';

/** One pending approval. */
export interface PendingApproval {
  callId: string;
  name: string;
  subject: ApprovalSubject;
  /** Clock ms when it reached the head of the queue. */
  shownAt: number;
}

/** Approval queue state. */
export interface ApprovalState {
  queue: readonly PendingApproval[];
  /** Editing the head's command: the edit buffer, else null. */
  edit: { text: string; cursor: number } | null;
}

/** Empty queue. */
export function initialApprovals(): ApprovalState {
  return { queue: [], edit: null };
}

/** UI intents on the queue. */
export type ApprovalAction =
  | { type: 'editStart' }
  | { type: 'editCancel' }
  | { type: 'editSet'; text: string; cursor: number }
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
  };
}

/** Applies an agent event (only approval events matter). */
export function approvalsOnEvent(s: ApprovalState, e: AgentEvent, now: number): ApprovalState {
  switch (e.type) {
    case 'approval_requested':
      if (s.queue.some((a) => a.callId === e.callId)) return s;
      return {
        ...s,
        queue: [...s.queue, { callId: e.callId, name: e.name, subject: e.subject, shownAt: now }],
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
      return { ...s, edit: { text: cmd, cursor: cmd.length } };
    }
    case 'editCancel':
      return { ...s, edit: null };
    case 'editSet':
      return { ...s, edit: { text: a.text, cursor: a.cursor } };
    case 'resolved':
      return removeHead(s, a.callId, a.now);
    default: {
      const unreachable: never = a;
      return unreachable;
    }
  }
}

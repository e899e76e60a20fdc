/** The agent's event fan-out (persistence first, then each listener, isolated) and its announcements. */
import type { AgentEvent, AgentPersistence, ApprovalMode } from './events.js';
import type { AgentInfo } from './types.js';

/** Listeners of one agent; a failing store or consumer never stops the loop or the others. */
export class EventHub {
  private listeners = new Set<(e: AgentEvent) => void>();

  subscribe(listener: (e: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records `e` in `persistence`, then hands it to every listener. */
  emit(e: AgentEvent, persistence: AgentPersistence | undefined): void {
    try {
      persistence?.onEvent(e);
    } catch {
      /* persistence failures must not stop the loop; the store reports its own errors */
    }
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        /* a faulty consumer must not break the others */
      }
    }
  }
}

/** Whether `e` changes the agent's snapshot (streamed deltas and tool output do not). */
export function changesSnapshot(e: AgentEvent): boolean {
  return e.type !== 'assistant_delta' && e.type !== 'reasoning_delta' && e.type !== 'tool_output';
}

/** The `session_started` event of a conversation. */
export function sessionStartedEvent(
  info: AgentInfo,
  approval: ApprovalMode,
  tools: string[],
  resumed: boolean,
): AgentEvent {
  return {
    type: 'session_started',
    sessionId: info.sessionId,
    model: info.model,
    cwd: info.cwd,
    transport: info.transport,
    approval,
    sandbox: info.sandbox,
    ...(info.sandboxMode ? { sandboxMode: info.sandboxMode } : {}),
    tools,
    version: info.version,
    resumed,
    instructionFiles: [...info.instructionFiles],
  };
}

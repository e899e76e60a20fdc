/** A scriptable AgentController for UI tests: records calls, emits whatever events a test pushes. */
import type {
  AgentController,
  AgentEvent,
  AgentSnapshot,
  ApprovalDecision,
  ApprovalMode,
  ResumeTarget,
} from '../../src/agent/events.js';
import { ZERO_USAGE } from '../../src/protocol/usage.js';

/** Records of what the UI asked the agent to do. */
export type FakeCall =
  | { kind: 'submit'; text: string; images?: string[] }
  | { kind: 'cancel' }
  | { kind: 'resolve'; callId: string; decision: ApprovalDecision }
  | { kind: 'setModel'; model: string }
  | { kind: 'setApprovalMode'; mode: ApprovalMode }
  | { kind: 'compact' }
  | { kind: 'newSession' }
  | { kind: 'resumeSession'; sessionId: string; items: number }
  | { kind: 'close' };

/** A fake agent. `emit` pushes events to subscribers. */
export class FakeAgent implements AgentController {
  calls: FakeCall[] = [];
  snapshot: AgentSnapshot = {
    sessionId: 'sess-test',
    model: 'gpt-test',
    approval: 'suggest',
    running: false,
    queued: [],
    pendingApprovals: [],
    usage: { ...ZERO_USAGE },
    turns: 0,
  };
  private listeners = new Set<(e: AgentEvent) => void>();

  emit(...events: AgentEvent[]): void {
    for (const e of events) {
      if (e.type === 'user_message' || e.type === 'turn_started')
        this.snapshot = { ...this.snapshot, running: true };
      if (e.type === 'run_finished') this.snapshot = { ...this.snapshot, running: false };
      for (const l of [...this.listeners]) l(e);
    }
  }
  submit(input: { text: string; images?: Array<{ path: string }> }): void {
    this.calls.push({
      kind: 'submit',
      text: input.text,
      ...(input.images?.length ? { images: input.images.map((i) => i.path) } : {}),
    });
    if (this.snapshot.running)
      this.snapshot = { ...this.snapshot, queued: [...this.snapshot.queued, input.text] };
  }
  cancel(): void {
    this.calls.push({ kind: 'cancel' });
  }
  resolveApproval(callId: string, decision: ApprovalDecision): void {
    this.calls.push({ kind: 'resolve', callId, decision });
  }
  subscribe(listener: (e: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  getSnapshot(): AgentSnapshot {
    return this.snapshot;
  }
  setModel(model: string): void {
    this.calls.push({ kind: 'setModel', model });
  }
  setApprovalMode(mode: ApprovalMode): void {
    this.calls.push({ kind: 'setApprovalMode', mode });
  }
  async compact(): Promise<void> {
    this.calls.push({ kind: 'compact' });
  }
  async newSession(): Promise<void> {
    this.calls.push({ kind: 'newSession' });
  }
  /** Like the agent: announces the resumed session (a new id, resumed). */
  async resumeSession(target: ResumeTarget): Promise<void> {
    this.calls.push({ kind: 'resumeSession', sessionId: target.sessionId, items: target.items.length });
    this.snapshot = { ...this.snapshot, sessionId: target.sessionId, usage: { ...ZERO_USAGE }, turns: 0 };
    this.emit({
      type: 'session_started',
      sessionId: target.sessionId,
      model: this.snapshot.model,
      cwd: '/work/demo',
      transport: 'auto',
      approval: this.snapshot.approval,
      sandbox: 'none',
      tools: ['shell'],
      version: '0.1.0',
      resumed: true,
      instructionFiles: [],
    });
  }
  async close(): Promise<void> {
    this.calls.push({ kind: 'close' });
  }
}

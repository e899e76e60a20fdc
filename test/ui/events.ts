/** Builders for AgentEvents used by the UI tests. */
import type { AgentEvent } from '../../src/agent/events.js';
import { ZERO_USAGE } from '../../src/protocol/usage.js';
import type { ApprovalSubject, ToolResult } from '../../src/tools/types.js';

export const started = (
  over: Partial<Extract<AgentEvent, { type: 'session_started' }>> = {},
): AgentEvent => ({
  type: 'session_started',
  sessionId: 'sess-1',
  model: 'gpt-test',
  cwd: '/work/demo',
  transport: 'auto',
  approval: 'suggest',
  sandbox: 'none',
  tools: ['shell'],
  version: '0.1.0',
  resumed: false,
  instructionFiles: [],
  ...over,
});
export const user = (text: string, turnId = 't1'): AgentEvent => ({ type: 'user_message', turnId, text });
export const turn = (turnId = 't1', index = 0): AgentEvent => ({ type: 'turn_started', turnId, index });
export const delta = (text: string, itemId = 'm1', turnId = 't1'): AgentEvent => ({
  type: 'assistant_delta',
  turnId,
  itemId,
  text,
});
export const done = (text: string, itemId = 'm1', turnId = 't1'): AgentEvent => ({
  type: 'assistant_item_done',
  turnId,
  itemId,
  text,
});
export const finished = (
  status: 'completed' | 'cancelled' | 'failed' = 'completed',
  turnId = 't1',
  error?: string,
): AgentEvent => ({
  type: 'turn_finished',
  turnId,
  status,
  ...(error ? { error } : {}),
});
export const runDone = (): AgentEvent => ({
  type: 'run_finished',
  status: 'success',
  terminalReason: 'completed',
  result: '',
  numTurns: 1,
  usage: { ...ZERO_USAGE },
  durationMs: 10,
  exitCode: 0,
  permissionDenials: [],
});
export const retrying = (attempt = 1, max = 5, turnId = 't1'): AgentEvent => ({
  type: 'turn_retrying',
  turnId,
  attempt,
  max,
  reason: 'socket closed (1006)',
});
export const cmd = (command: string): ApprovalSubject => ({
  kind: 'command',
  summary: `shell: ${command}`,
  command,
  paths: [],
});
export const editSubject = (path: string, diff: string): ApprovalSubject => ({
  kind: 'edit',
  summary: `edit ${path}`,
  paths: [path],
  diff,
});
export const proposed = (
  callId: string,
  subject: ApprovalSubject,
  name = 'shell',
  turnId = 't1',
): AgentEvent => ({ type: 'tool_proposed', turnId, callId, name, args: {}, subject });
export const askApproval = (
  callId: string,
  subject: ApprovalSubject,
  name = 'shell',
  turnId = 't1',
  allowRule?: string,
): AgentEvent => ({
  type: 'approval_requested',
  turnId,
  callId,
  name,
  subject,
  ...(allowRule ? { allowRule } : {}),
});
export const resolved = (
  callId: string,
  decision: 'approve' | 'deny' | 'always' | 'edit',
  turnId = 't1',
): AgentEvent => ({ type: 'approval_resolved', turnId, callId, decision, by: 'user' });
export const toolStart = (
  callId: string,
  subject: ApprovalSubject,
  name = 'shell',
  turnId = 't1',
): AgentEvent => ({ type: 'tool_started', turnId, callId, name, subject, sandboxed: false });
export const toolOut = (callId: string, chunk: string, turnId = 't1'): AgentEvent => ({
  type: 'tool_output',
  turnId,
  callId,
  chunk,
});
export const toolEnd = (
  callId: string,
  result: Partial<ToolResult>,
  name = 'shell',
  turnId = 't1',
): AgentEvent => ({
  type: 'tool_finished',
  turnId,
  callId,
  name,
  result: { status: 'ok', output: '', durationMs: 1234, ...result },
});
export const transport = (event: Extract<AgentEvent, { type: 'transport' }>['event']): AgentEvent => ({
  type: 'transport',
  event,
});

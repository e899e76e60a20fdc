/** Scripted sessions for the store tests: drive a SessionWriter the way the agent loop does. */
import type { AgentPersistence } from '../../src/agent/events.js';
import type { FunctionCallItem, Item, MessageItem, ReasoningItem } from '../../src/protocol/items.js';
import { functionCallOutput, userMessage } from '../../src/protocol/items.js';
import type { UsageTotals } from '../../src/protocol/usage.js';
import type { TurnMetrics } from '../../src/session/types.js';

export interface ScriptedCall {
  name: string;
  args: Record<string, unknown>;
  output: string;
}

export interface ScriptedTurn {
  prompt: string;
  calls?: ScriptedCall[];
  answer: string;
}

export const METRICS: TurnMetrics = {
  transport: 'websocket',
  attempts: 1,
  timeToFirstEventMs: 5,
  durationMs: 20,
  bytesSent: 100,
  inputItemsSent: 1,
  incremental: true,
  cachedTokens: 0,
};

export function assistant(text: string, id: string): MessageItem {
  return {
    type: 'message',
    id,
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text }],
  };
}

export function reasoning(id: string): ReasoningItem {
  return {
    type: 'reasoning',
    id,
    summary: [{ type: 'summary_text', text: 'thinking' }],
    encrypted_content: `gAAAA${id}+/=opaque`,
  };
}

export function call(callId: string, c: ScriptedCall): FunctionCallItem {
  return {
    type: 'function_call',
    id: `fc_${callId}`,
    call_id: callId,
    name: c.name,
    arguments: JSON.stringify(c.args),
    status: 'completed',
  };
}

const usage = (n: number): UsageTotals => ({
  inputTokens: n,
  cachedTokens: 0,
  outputTokens: 10,
  reasoningTokens: 0,
  totalTokens: n + 10,
});

/** Writes one user turn (prompt → optional tool round → answer); returns the items it recorded. */
export async function scriptTurn(w: AgentPersistence, t: ScriptedTurn, index: number): Promise<Item[]> {
  const items: Item[] = [];
  const turnId = `turn_${index}`;
  const record = (batch: Item[], dir: 'input' | 'output') => {
    w.onItems(batch, dir);
    items.push(...batch);
  };
  w.onEvent({ type: 'user_message', turnId, text: t.prompt });
  record([userMessage(t.prompt)], 'input');
  if (t.calls && t.calls.length > 0) {
    const calls = t.calls.map((c, i) => call(`call_${index}_${i}`, c));
    record([reasoning(`rs_${index}`), ...calls], 'output');
    await w.flush();
    const outputs: Item[] = [];
    t.calls.forEach((c, i) => {
      const callId = `call_${index}_${i}`;
      w.onLedger({ callId, name: c.name, state: 'running' });
      w.onLedger({ callId, name: c.name, state: 'done', output: c.output });
      outputs.push(functionCallOutput(callId, c.output));
    });
    record(outputs, 'input');
  }
  record([assistant(t.answer, `msg_${index}`)], 'output');
  w.onEvent({ type: 'usage', turnId, usage: usage(100), total: usage(100 * (index + 1)), metrics: METRICS });
  w.onEvent({ type: 'turn_finished', turnId, status: 'completed' });
  await w.flush();
  return items;
}

/** Writes several turns; returns every item recorded, in order. */
export async function scriptSession(w: AgentPersistence, turns: ScriptedTurn[]): Promise<Item[]> {
  const items: Item[] = [];
  for (let i = 0; i < turns.length; i++) items.push(...(await scriptTurn(w, turns[i]!, i)));
  return items;
}

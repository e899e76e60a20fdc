/** Test doubles for the agent loop: a scripted SessionController and an in-memory ToolRuntime. */

import type { RequestFields } from '../../src/protocol/client-events.js';
import type { Item } from '../../src/protocol/items.js';
import { ZERO_USAGE } from '../../src/protocol/usage.js';
import type {
  SessionController,
  SessionStatusEvent,
  TurnOptions,
  TurnResult,
  TurnStreamEvent,
} from '../../src/session/types.js';
import type { PreparedCall, ReadyCall, ToolKind, ToolResult, ToolRuntime } from '../../src/tools/types.js';

/** One scripted model response: its output items, or a failure. */
export type ScriptedTurn =
  | { output: Item[]; status?: 'completed' | 'incomplete'; resetFirst?: boolean; tokens?: number }
  | { fail: { kind: 'auth' | 'network' | 'server'; message: string } }
  | { hang: true };

export function msg(text: string, id = `msg_${Math.random().toString(36).slice(2, 8)}`): Item {
  return {
    type: 'message',
    id,
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text }],
  };
}

export function call(callId: string, name: string, args: Record<string, unknown>): Item {
  return {
    type: 'function_call',
    id: `fc_${callId}`,
    call_id: callId,
    name,
    arguments: JSON.stringify(args),
  };
}

const metrics = {
  transport: 'websocket' as const,
  attempts: 1,
  timeToFirstEventMs: 1,
  durationMs: 1,
  bytesSent: 10,
  inputItemsSent: 1,
  incremental: true,
  cachedTokens: 0,
};

export class FakeSession implements SessionController {
  inputs: Item[][] = [];
  items: Item[] = [];
  fields: RequestFields = { model: 'm' };
  started = 0;
  closed = false;
  private listeners = new Set<(e: SessionStatusEvent) => void>();
  constructor(
    public script: ScriptedTurn[],
    initial: Item[] = [],
  ) {
    this.items = [...initial];
  }
  async start(): Promise<void> {
    this.started++;
    for (const l of this.listeners)
      l({ type: 'connected', transport: 'websocket', connectionId: 1, deflate: true });
  }
  async runTurn(newItems: Item[], opts: TurnOptions = {}): Promise<TurnResult> {
    this.inputs.push(newItems);
    const step = this.script.shift();
    if (!step) throw new Error('script exhausted');
    if ('hang' in step) {
      return new Promise((resolve) => {
        opts.signal?.addEventListener('abort', () =>
          resolve({ status: 'cancelled', output: [], usage: { ...ZERO_USAGE }, metrics }),
        );
      });
    }
    if ('fail' in step) {
      return { status: 'failed', output: [], usage: { ...ZERO_USAGE }, error: { ...step.fail }, metrics };
    }
    const emit = (e: TurnStreamEvent) => opts.onEvent?.(e);
    if (step.resetFirst) {
      emit({
        type: 'event',
        event: {
          type: 'response.output_text.delta',
          item_id: 'partial',
          output_index: 0,
          content_index: 0,
          delta: 'PARTIAL',
        },
      });
      emit({ type: 'attempt_reset', attempt: 2, max: 5, reason: 'socket closed (1006)' });
    }
    for (const [i, item] of step.output.entries()) {
      if (item.type === 'message') {
        const text = (item as { content: Array<{ text: string }> }).content[0]!.text;
        const id = (item as { id: string }).id;
        for (const piece of text.match(/.{1,3}/gs) ?? []) {
          emit({
            type: 'event',
            event: {
              type: 'response.output_text.delta',
              item_id: id,
              output_index: i,
              content_index: 0,
              delta: piece,
            },
          });
        }
      }
      emit({ type: 'event', event: { type: 'response.output_item.done', output_index: i, item } });
    }
    this.items.push(...newItems, ...step.output);
    const tokens = step.tokens ?? 100;
    return {
      status: step.status ?? 'completed',
      responseId: `resp_${this.inputs.length}`,
      output: step.output,
      usage: {
        inputTokens: tokens - 10,
        cachedTokens: 5,
        outputTokens: 10,
        reasoningTokens: 0,
        totalTokens: tokens,
      },
      metrics,
    };
  }
  setRequestFields(f: Partial<RequestFields>): void {
    this.fields = { ...this.fields, ...f };
  }
  requestFields(): RequestFields {
    return this.fields;
  }
  transcript(): readonly Item[] {
    return this.items;
  }
  async resetTranscript(items: Item[]): Promise<void> {
    this.items = [...items];
  }
  async compact() {
    return { tokensBefore: 1000, tokensAfter: 100, items: [] };
  }
  status() {
    return {
      transport: 'websocket' as const,
      connected: true,
      socketAgeMs: 0,
      connections: 1,
      rotations: 0,
      reconnects: 0,
      fellBack: false,
      lastResponseId: null,
      transcriptItems: this.items.length,
    };
  }
  subscribe(l: (e: SessionStatusEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Tools: `echo {text}` (execute), `read {path}` (read), `write {path}` (edit), `slow {ms}` (execute, abortable). */
export class FakeTools implements ToolRuntime {
  runs: string[] = [];
  active = 0;
  maxActive = 0;
  specs() {
    return ['echo', 'read', 'write', 'slow'].map((name) => ({
      type: 'function' as const,
      name,
      description: name,
      parameters: {},
      strict: true,
    }));
  }
  async prepare(req: { callId: string; name: string; arguments: string }): Promise<PreparedCall> {
    let args: Record<string, unknown>;
    try {
      args = JSON.parse(req.arguments) as Record<string, unknown>;
    } catch {
      return { ok: false, callId: req.callId, name: req.name, output: 'invalid JSON arguments' };
    }
    const kinds: Record<string, ToolKind> = { echo: 'execute', slow: 'execute', read: 'read', write: 'edit' };
    const kind = kinds[req.name];
    if (!kind) return { ok: false, callId: req.callId, name: req.name, output: `unknown tool ${req.name}` };
    const path = typeof args['path'] === 'string' ? `/ws/${args['path']}` : undefined;
    return {
      ok: true,
      callId: req.callId,
      name: req.name,
      kind,
      args,
      subject: {
        kind: kind === 'execute' ? 'command' : kind === 'edit' ? 'edit' : 'read',
        summary: `${req.name} ${req.arguments}`,
        ...(kind === 'execute' ? { command: String(args['text'] ?? 'slow') } : {}),
        paths: path ? [path] : [],
      },
      touches: path ? [path] : [],
    };
  }
  async run(
    c: ReadyCall,
    opts: { signal: AbortSignal; onOutput?: (s: string) => void; commandOverride?: string },
  ): Promise<ToolResult> {
    this.runs.push(c.callId);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      const args = c.args as Record<string, unknown>;
      if (c.name === 'slow') {
        const ms = Number(args['ms'] ?? 10_000);
        const aborted = await new Promise<boolean>((resolve) => {
          const t = setTimeout(() => resolve(false), ms);
          opts.signal.addEventListener('abort', () => {
            clearTimeout(t);
            resolve(true);
          });
        });
        return aborted
          ? { status: 'aborted', output: 'aborted', durationMs: 1 }
          : { status: 'ok', output: 'slow done', durationMs: ms };
      }
      await new Promise((r) => setTimeout(r, 5));
      const out =
        c.name === 'echo'
          ? String(opts.commandOverride ?? args['text'])
          : `${c.name}:${String(args['path'])}`;
      opts.onOutput?.(out);
      return { status: 'ok', output: out, exitCode: 0, durationMs: 5 };
    } finally {
      this.active--;
    }
  }
}

/**
 * Executes the tool calls of one completed response: prepare → policy → approval → run (in
 * planned batches) → exactly one output per call, in model order — `function_call_output` for a
 * function call, `custom_tool_call_output` for a freeform custom call. Each call is written to
 * the ledger as `running` before it runs; a call_id already in the ledger is never run again
 * (its recorded output is reused).
 */
import {
  type ToolCallItem,
  type ToolOutputItem,
  type ToolOutputPart,
  toolCallInput,
  toolCallKind,
  toolOutputFor,
} from '../protocol/items.js';
import type { ApprovalSubject, ReadyCall, ToolResult, ToolRuntime } from '../tools/types.js';
import type { Clock } from '../util/clock.js';
import { redactForModel } from '../util/redact.js';
import type { AgentEvent, ApprovalDecision, ApprovalMode, LedgerEntry, PermissionDenial } from './events.js';
import { ABORTED_OUTPUT, INTERRUPTED_OUTPUT, type Ledger } from './ledger.js';
import { planBatches } from './scheduler.js';

/** The policy's verdict on one call (mirrors `PolicyDecision` in src/policy). */
export interface CallDecision {
  action: 'auto' | 'ask' | 'deny';
  sandboxed: boolean;
  reason: string;
  /** For `ask`: the "always allow" rule that approving with `always` would save (shown first). */
  allowRule?: string;
}

/** The policy as the agent sees it; src/agent/create.ts binds it to src/policy. */
export interface PolicyPort {
  decide(call: ReadyCall, mode: ApprovalMode): CallDecision | Promise<CallDecision>;
  /** Persists the "always allow" rule offered for this call (approval decision `always`). */
  allowAlways?(call: ReadyCall): void;
}

/** Everything one batch of calls needs from the agent. */
export interface ToolExecContext {
  turnId: string;
  tools: ToolRuntime;
  policy: PolicyPort;
  ledger: Ledger;
  mode: ApprovalMode;
  /** False in --prompt runs: an `ask` is denied, never waited on. */
  interactive: boolean;
  signal: AbortSignal;
  clock: Clock;
  emit(e: AgentEvent): void;
  persistLedger(entry: LedgerEntry): void;
  /** Interactive only: resolves with the user's decision (deny when cancelled). */
  requestApproval(call: ReadyCall): Promise<ApprovalDecision>;
  /** Denials of this run (JSON `permission_denials`); appended to. */
  denials: PermissionDenial[];
}

interface Approved {
  call: ReadyCall;
  sandboxed: boolean;
  commandOverride?: string;
  /** The policy let it run without asking the user. */
  unreviewed?: boolean;
}

/**
 * The one way a tool's output becomes the output item for the model (`function_call_output`, or
 * `custom_tool_call_output` for a freeform call): known secret values (the API key,
 * secret-looking env values) and cut fragments of them are redacted here, whatever tool (shell,
 * file reads, grep, MCP) produced the text (issue 13 §7).
 */
export function toModelOutput(
  call: { kind: 'function' | 'custom'; callId: string },
  output: string | ToolOutputPart[],
): ToolOutputItem {
  if (typeof output === 'string') return toolOutputFor(call, redactForModel(output));
  return toolOutputFor(
    call,
    output.map((p) => (p.type === 'input_text' ? { ...p, text: redactForModel(p.text) } : p)),
  );
}

/** Model-readable output for a call a non-interactive run could not get approved. */
export function nonInteractiveDenialOutput(mode: ApprovalMode, subject: ApprovalSubject): string {
  return (
    `Permission denied: "${subject.summary}" needs the user's approval in approval mode "${mode}", ` +
    'but this run is non-interactive, so nobody can approve it and it was NOT run. ' +
    'Do not retry it. Continue with what you can do without it, and in your final answer tell the user ' +
    'what still needs doing (they can rerun with --approval auto-edit or full-auto to allow it).'
  );
}

function userDenialOutput(reason: string | undefined): string {
  return `The user denied this tool call${reason ? ` (${reason})` : ''}; it was NOT run. Do not retry it as-is; ask the user how to proceed if you need it.`;
}

function failedSubject(name: string): ApprovalSubject {
  return { kind: 'read', summary: `${name} (invalid call)`, paths: [] };
}

/** Runs every call of a response and returns their outputs in model order. Never throws. */
export async function executeCalls(
  calls: readonly ToolCallItem[],
  ctx: ToolExecContext,
): Promise<ToolOutputItem[]> {
  const outputs = new Map<string, string>();
  /** Images a tool returned (MCP image content): sent as `input_image` parts of its output. */
  const images = new Map<string, NonNullable<ToolResult['images']>>();
  const approved: Approved[] = [];
  const { turnId } = ctx;

  const finishWithout = (
    callId: string,
    name: string,
    state: LedgerEntry['state'],
    output: string,
    status: ToolResult['status'],
  ) => {
    outputs.set(callId, output);
    ctx.persistLedger(ctx.ledger.set({ callId, name, state, output }));
    ctx.emit({ type: 'tool_finished', turnId, callId, name, result: { status, output, durationMs: 0 } });
  };

  for (const fc of calls) {
    if (outputs.has(fc.call_id) || approved.some((a) => a.call.callId === fc.call_id)) continue;
    const prior = ctx.ledger.get(fc.call_id);
    if (prior) {
      // Already executed (or interrupted) under this call_id: never run it twice.
      outputs.set(
        fc.call_id,
        prior.output ?? (prior.state === 'running' ? INTERRUPTED_OUTPUT : ABORTED_OUTPUT),
      );
      continue;
    }
    const prepared = await ctx.tools.prepare({
      callId: fc.call_id,
      name: fc.name,
      arguments: toolCallInput(fc),
      kind: toolCallKind(fc),
    });
    if (!prepared.ok) {
      ctx.emit({
        type: 'tool_proposed',
        turnId,
        callId: fc.call_id,
        name: fc.name,
        args: toolCallInput(fc),
        subject: failedSubject(fc.name),
      });
      finishWithout(fc.call_id, fc.name, 'failed', prepared.output, 'error');
      continue;
    }
    ctx.emit({
      type: 'tool_proposed',
      turnId,
      callId: prepared.callId,
      name: prepared.name,
      args: prepared.args,
      subject: prepared.subject,
    });
    if (ctx.signal.aborted) {
      finishWithout(prepared.callId, prepared.name, 'aborted', ABORTED_OUTPUT, 'aborted');
      continue;
    }
    const decision = await ctx.policy.decide(prepared, ctx.mode);
    switch (decision.action) {
      case 'auto':
        approved.push({ call: prepared, sandboxed: decision.sandboxed, unreviewed: true });
        break;
      case 'deny': {
        const output = `Denied by policy: ${decision.reason}. The call was NOT run.`;
        ctx.emit({
          type: 'approval_resolved',
          turnId,
          callId: prepared.callId,
          decision: 'deny',
          by: 'policy',
          reason: decision.reason,
        });
        ctx.denials.push({
          callId: prepared.callId,
          tool: prepared.name,
          summary: prepared.subject.summary,
          reason: decision.reason,
        });
        finishWithout(prepared.callId, prepared.name, 'denied', output, 'denied');
        break;
      }
      case 'ask': {
        // Registered before the event, so a listener reading the snapshot sees it pending.
        const pending = ctx.interactive ? ctx.requestApproval(prepared) : null;
        ctx.emit({
          type: 'approval_requested',
          turnId,
          callId: prepared.callId,
          name: prepared.name,
          subject: prepared.subject,
          ...(decision.allowRule ? { allowRule: decision.allowRule } : {}),
        });
        if (!pending) {
          const reason = `non-interactive run: approval mode "${ctx.mode}" requires approval (${decision.reason})`;
          ctx.emit({
            type: 'approval_resolved',
            turnId,
            callId: prepared.callId,
            decision: 'deny',
            by: 'non_interactive',
            reason,
          });
          ctx.denials.push({
            callId: prepared.callId,
            tool: prepared.name,
            summary: prepared.subject.summary,
            reason,
          });
          finishWithout(
            prepared.callId,
            prepared.name,
            'denied',
            nonInteractiveDenialOutput(ctx.mode, prepared.subject),
            'denied',
          );
          break;
        }
        const answer = await pending;
        ctx.emit({
          type: 'approval_resolved',
          turnId,
          callId: prepared.callId,
          decision: answer.kind,
          by: 'user',
          ...(answer.kind === 'deny' && answer.reason ? { reason: answer.reason } : {}),
        });
        if (answer.kind === 'deny') {
          if (ctx.signal.aborted) {
            finishWithout(prepared.callId, prepared.name, 'aborted', ABORTED_OUTPUT, 'aborted');
            break;
          }
          const reason = answer.reason ?? 'denied by the user';
          ctx.denials.push({
            callId: prepared.callId,
            tool: prepared.name,
            summary: prepared.subject.summary,
            reason,
          });
          finishWithout(prepared.callId, prepared.name, 'denied', userDenialOutput(answer.reason), 'denied');
          break;
        }
        if (answer.kind === 'always') ctx.policy.allowAlways?.(prepared);
        approved.push({
          call: prepared,
          sandboxed: decision.sandboxed,
          ...(answer.kind === 'edit' ? { commandOverride: answer.command } : {}),
        });
        break;
      }
      default: {
        const unreachable: never = decision.action;
        throw new Error(`unknown policy action ${String(unreachable)}`);
      }
    }
  }

  for (const batch of planBatches(
    approved.map((a) => ({ ...a, kind: a.call.kind, touches: a.call.touches })),
  )) {
    await Promise.all(batch.map((a) => runOne(a, ctx, outputs, images)));
  }

  const seen = new Set<string>();
  const result: ToolOutputItem[] = [];
  for (const fc of calls) {
    if (seen.has(fc.call_id)) continue;
    seen.add(fc.call_id);
    const text = outputs.get(fc.call_id) ?? ABORTED_OUTPUT;
    const imgs = images.get(fc.call_id);
    result.push(
      toModelOutput(
        { kind: toolCallKind(fc), callId: fc.call_id },
        imgs ? outputWithImages(text, imgs) : text,
      ),
    );
  }
  return result;
}

/** A tool output with images: the text first, then one `input_image` (data URL) per image. */
export function outputWithImages(text: string, imgs: NonNullable<ToolResult['images']>): ToolOutputPart[] {
  return [
    { type: 'input_text', text },
    ...imgs.map(
      (i): ToolOutputPart => ({ type: 'input_image', image_url: `data:${i.mimeType};base64,${i.data}` }),
    ),
  ];
}

async function runOne(
  a: Approved,
  ctx: ToolExecContext,
  outputs: Map<string, string>,
  images: Map<string, NonNullable<ToolResult['images']>>,
): Promise<void> {
  const { call } = a;
  const { turnId } = ctx;
  if (ctx.signal.aborted) {
    outputs.set(call.callId, ABORTED_OUTPUT);
    ctx.persistLedger(
      ctx.ledger.set({ callId: call.callId, name: call.name, state: 'aborted', output: ABORTED_OUTPUT }),
    );
    ctx.emit({
      type: 'tool_finished',
      turnId,
      callId: call.callId,
      name: call.name,
      result: { status: 'aborted', output: ABORTED_OUTPUT, durationMs: 0 },
    });
    return;
  }
  // Written before the side effect starts: after a crash this call is reported, never re-run.
  ctx.persistLedger(ctx.ledger.set({ callId: call.callId, name: call.name, state: 'running' }));
  const subject: ApprovalSubject = a.commandOverride
    ? { ...call.subject, command: a.commandOverride, summary: `shell: ${a.commandOverride}` }
    : call.subject;
  ctx.emit({
    type: 'tool_started',
    turnId,
    callId: call.callId,
    name: call.name,
    subject,
    sandboxed: a.sandboxed,
  });
  const started = ctx.clock.now();
  let result: ToolResult;
  try {
    result = await ctx.tools.run(call, {
      signal: ctx.signal,
      sandboxed: a.sandboxed,
      onOutput: (chunk) => ctx.emit({ type: 'tool_output', turnId, callId: call.callId, chunk }),
      ...(a.commandOverride ? { commandOverride: a.commandOverride } : {}),
      ...(a.unreviewed ? { unreviewed: true } : {}),
    });
  } catch (err) {
    // ToolRuntime.run is documented never to throw; a bug there must still yield an output.
    result = {
      status: 'error',
      output: `tool failed: ${(err as Error).message ?? String(err)}`,
      durationMs: ctx.clock.now() - started,
    };
  }
  const state: LedgerEntry['state'] =
    result.status === 'aborted'
      ? 'aborted'
      : result.status === 'denied'
        ? 'denied'
        : result.status === 'ok'
          ? 'done'
          : 'failed';
  const output = result.output || (result.status === 'aborted' ? ABORTED_OUTPUT : '(no output)');
  outputs.set(call.callId, output);
  if (result.images && result.images.length > 0) images.set(call.callId, result.images);
  ctx.persistLedger(ctx.ledger.set({ callId: call.callId, name: call.name, state, output }));
  ctx.emit({ type: 'tool_finished', turnId, callId: call.callId, name: call.name, result });
  if (result.notice) ctx.emit({ type: 'warning', message: result.notice });
}

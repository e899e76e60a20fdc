/**
 * AgentEvents → the published JSONL event stream (`--output jsonl` / `--json`), schema version 1
 * (`schema/jsonl-events.schema.json`). Every line has `type` and a monotonic `seq`; the first is
 * `session.started`, the last `session.completed`. The mapper is stateful only to pair item
 * starts with completions and to fold usage into `turn.completed`.
 */

import type { AgentEvent } from '../agent/events.js';
import type { UsageTotals } from '../protocol/usage.js';
import type { TurnMetrics } from '../session/types.js';
import type { ApprovalSubject, ToolResult } from '../tools/types.js';
import { visibleText } from '../util/visible-text.js';
import { metricsJson, toolItemType, toolStatus, transportLine, usageJson } from './jsonl-fields.js';
import { StreamRedactor } from './stream-redactor.js';

export { usageJson } from './jsonl-fields.js';

/** Version of the JSONL stream; bumped on any incompatible change. */
export const JSONL_SCHEMA_VERSION = 2;

/** One JSONL line (before `seq` is assigned). */
export type JsonlRecord = { type: string; [key: string]: unknown };

interface ToolInfo {
  name: string;
  subject: ApprovalSubject;
  turnId: string;
  started: boolean;
  sandboxed: boolean;
}

/** Stateful translator; one per run. */
export class JsonlMapper {
  private readonly tools = new Map<string, ToolInfo>();
  /** Assistant/reasoning items started (by id) and not completed, per turn. */
  private readonly openItems = new Map<string, string>();
  /** Held-back streamed text per item (redaction across delta boundaries). */
  private readonly streams = new Map<string, StreamRedactor>();
  private readonly usage = new Map<string, { usage: UsageTotals; metrics: TurnMetrics }>();
  private errors = 0;

  /** Lines for one event (possibly none). */
  map(e: AgentEvent): JsonlRecord[] {
    switch (e.type) {
      case 'session_started':
        return [
          {
            type: 'session.started',
            schema_version: JSONL_SCHEMA_VERSION,
            session_id: e.sessionId,
            model: e.model,
            cwd: e.cwd,
            transport: e.transport,
            approval: e.approval,
            sandbox: e.sandboxMode ?? 'unavailable',
            sandbox_detail: e.sandbox,
            tools: e.tools,
            version: e.version,
            resumed: e.resumed,
            instruction_files: e.instructionFiles,
          },
        ];
      case 'user_message':
        return [];
      case 'turn_started':
        return [{ type: 'turn.started', turn_id: e.turnId, index: e.index }];
      case 'assistant_delta':
      case 'reasoning_delta': {
        const itemType = e.type === 'assistant_delta' ? 'agent_message' : 'reasoning';
        const out: JsonlRecord[] = [];
        let stream = this.streams.get(e.itemId);
        if (!stream) {
          stream = new StreamRedactor();
          this.streams.set(e.itemId, stream);
          this.openItems.set(e.itemId, e.turnId);
          out.push({
            type: 'item.started',
            turn_id: e.turnId,
            item: { id: e.itemId, type: itemType, text: '' },
          });
        }
        // Deltas are released through the redactor so a secret split across them never leaks.
        const delta = stream.push(e.text);
        if (delta) out.push({ type: 'item.delta', turn_id: e.turnId, item_id: e.itemId, delta });
        return out;
      }
      case 'assistant_item_done':
      case 'reasoning_done': {
        const itemType = e.type === 'assistant_item_done' ? 'agent_message' : 'reasoning';
        const out: JsonlRecord[] = [];
        if (!this.openItems.has(e.itemId))
          out.push({
            type: 'item.started',
            turn_id: e.turnId,
            item: { id: e.itemId, type: itemType, text: '' },
          });
        const rest = this.streams.get(e.itemId)?.end();
        if (rest) out.push({ type: 'item.delta', turn_id: e.turnId, item_id: e.itemId, delta: rest });
        this.streams.delete(e.itemId);
        this.openItems.delete(e.itemId);
        const citations = e.type === 'assistant_item_done' ? e.citations : undefined;
        out.push({
          type: 'item.completed',
          turn_id: e.turnId,
          item: {
            id: e.itemId,
            type: itemType,
            text: e.text,
            ...(citations?.length
              ? { citations: citations.map((c) => ({ url: c.url, title: c.title ?? null })) }
              : {}),
          },
        });
        return out;
      }
      case 'web_search': {
        const item = { id: e.itemId, type: 'web_search', query: e.query ?? '', status: e.status };
        if (e.status === 'in_progress') return [{ type: 'item.started', turn_id: e.turnId, item }];
        if (e.status === 'searching') return [];
        return [{ type: 'item.completed', turn_id: e.turnId, item }];
      }
      case 'turn_retrying':
        // Items of the failed attempt are abandoned: consumers drop them (and their text).
        for (const [id, turn] of this.openItems) {
          if (turn !== e.turnId) continue;
          this.openItems.delete(id);
          this.streams.delete(id);
        }
        return [
          { type: 'turn.retrying', turn_id: e.turnId, attempt: e.attempt, max: e.max, reason: e.reason },
        ];
      case 'tool_proposed':
        this.tools.set(e.callId, {
          name: e.name,
          subject: e.subject,
          turnId: e.turnId,
          started: false,
          sandboxed: false,
        });
        return [];
      case 'approval_requested':
        return [
          {
            type: 'item.started',
            turn_id: e.turnId,
            item: {
              id: `approval_${e.callId}`,
              type: 'approval_request',
              ...this.approvalFields(e.callId, e.name, e.subject),
              status: 'pending',
            },
          },
        ];
      case 'approval_resolved': {
        const info = this.tools.get(e.callId);
        return [
          {
            type: 'item.completed',
            turn_id: e.turnId,
            item: {
              id: `approval_${e.callId}`,
              type: 'approval_request',
              ...this.approvalFields(e.callId, info?.name ?? '', info?.subject),
              status: 'resolved',
              decision: e.decision,
              decided_by: e.by,
              ...(e.reason ? { reason: e.reason } : {}),
            },
          },
        ];
      }
      case 'tool_started': {
        const info = this.tools.get(e.callId) ?? {
          name: e.name,
          subject: e.subject,
          turnId: e.turnId,
          started: false,
          sandboxed: false,
        };
        info.started = true;
        info.sandboxed = e.sandboxed;
        info.subject = e.subject;
        this.tools.set(e.callId, info);
        return [{ type: 'item.started', turn_id: e.turnId, item: this.toolItem(e.callId, info, null) }];
      }
      case 'tool_output':
        // Live output is not streamed into JSONL (it can be megabytes); item.completed carries
        // the model-facing (truncated) output.
        return [];
      case 'tool_finished': {
        const info = this.tools.get(e.callId) ?? {
          name: e.name,
          subject: { kind: 'read' as const, summary: e.name, paths: [] },
          turnId: e.turnId,
          started: false,
          sandboxed: false,
        };
        const out: JsonlRecord[] = [];
        if (!info.started)
          out.push({ type: 'item.started', turn_id: e.turnId, item: this.toolItem(e.callId, info, null) });
        out.push({
          type: 'item.completed',
          turn_id: e.turnId,
          item: this.toolItem(e.callId, info, e.result),
        });
        this.tools.delete(e.callId);
        return out;
      }
      case 'transport':
        return [transportLine(e.event)];
      case 'usage':
        this.usage.set(e.turnId, { usage: e.usage, metrics: e.metrics });
        return [];
      case 'turn_finished': {
        const u = this.usage.get(e.turnId);
        this.usage.delete(e.turnId);
        const usage = u
          ? usageJson(u.usage)
          : usageJson({
              inputTokens: 0,
              cachedTokens: 0,
              outputTokens: 0,
              reasoningTokens: 0,
              totalTokens: 0,
            });
        if (e.status === 'completed') {
          return [
            {
              type: 'turn.completed',
              turn_id: e.turnId,
              usage,
              ...(u ? { metrics: metricsJson(u.metrics) } : {}),
            },
          ];
        }
        return [
          {
            type: 'turn.failed',
            turn_id: e.turnId,
            status: e.status,
            error: { message: e.error ?? e.status },
            usage,
          },
        ];
      }
      case 'compaction':
        return [
          { type: 'compaction', tokens_before: e.tokensBefore, tokens_after: e.tokensAfter, auto: e.auto },
        ];
      case 'warning':
        return [{ type: 'warning', message: e.message }];
      case 'processes_ended':
        return [
          {
            type: 'processes.ended',
            processes: e.processes.map((p) => ({ session_id: p.id, command: p.command, reason: p.reason })),
          },
        ];
      case 'error':
        this.errors++;
        return [
          {
            type: 'item.completed',
            item: {
              id: `error_${this.errors}`,
              type: 'error',
              message: e.message,
              ...(e.code ? { code: e.code } : {}),
            },
          },
        ];
      case 'run_finished':
        return [
          {
            type: 'session.completed',
            status: e.status,
            terminal_reason: e.terminalReason,
            result: e.result,
            num_turns: e.numTurns,
            usage: usageJson(e.usage),
            duration_ms: e.durationMs,
            exit_code: e.exitCode,
            permission_denials: e.permissionDenials.map((d) => ({
              call_id: d.callId,
              tool: d.tool,
              summary: d.summary,
              reason: d.reason,
            })),
          },
        ];
      default: {
        const unreachable: never = e;
        return unreachable;
      }
    }
  }

  private approvalFields(
    callId: string,
    name: string,
    subject: ApprovalSubject | undefined,
  ): Record<string, unknown> {
    return {
      call_id: callId,
      tool: name,
      // The summary is for people: control characters escaped. `command` stays byte-exact.
      summary: visibleText(subject?.summary ?? name),
      ...(subject?.command !== undefined ? { command: subject.command } : {}),
      paths: subject?.paths ?? [],
    };
  }

  private toolItem(callId: string, info: ToolInfo, result: ToolResult | null): Record<string, unknown> {
    const type = toolItemType(info.subject);
    const status = result ? toolStatus(result) : 'in_progress';
    const base = { id: callId, type, call_id: callId, status };
    switch (type) {
      case 'command_execution':
        return {
          ...base,
          command: info.subject.command ?? info.subject.summary,
          sandboxed: info.sandboxed,
          exit_code: result?.exitCode ?? null,
          // The model sees an "[exit code N]" footer; exit_code already says it here.
          output: withoutExitFooter(result?.output ?? ''),
          ...(result?.truncated ? { truncated: true } : {}),
          ...(result?.spillPath ? { spill_path: result.spillPath } : {}),
          ...(result ? { duration_ms: Math.round(result.durationMs) } : {}),
        };
      case 'file_change': {
        const changes = result?.fileChanges
          ? result.fileChanges.map((c) => ({
              path: c.path,
              kind: c.kind,
              ...(c.movedTo ? { moved_to: c.movedTo } : {}),
              diff: c.diff,
            }))
          : info.subject.paths.map((p, i) => ({
              path: p,
              diff: i === 0 && info.subject.diff ? info.subject.diff : '',
            }));
        return { ...base, tool: info.name, changes, ...(result ? { output: result.output } : {}) };
      }
      case 'tool_call':
        return {
          ...base,
          name: info.name,
          summary: info.subject.summary,
          ...(info.subject.kind === 'mcp'
            ? {
                server: info.subject.server ?? '',
                tool: info.subject.tool ?? '',
                arguments: info.subject.arguments ?? '{}',
              }
            : {}),
          output: result?.output ?? '',
          ...(result?.images?.length ? { images: result.images.length } : {}),
        };
      default: {
        const unreachable: never = type;
        return unreachable;
      }
    }
  }
}

/** The shell tool's model-facing output without its "[exit code N]" footer (and "(no output)"). */
export function withoutExitFooter(output: string): string {
  const m = /(?:^|\n)\[exit code -?\d+(?: \(killed by [A-Z0-9]+\))?\]$/.exec(output);
  if (!m) return output;
  const body = output.slice(0, m.index + (m[0].startsWith('\n') ? 1 : 0));
  return body === '(no output)\n' ? '' : body;
}

/**
 * `--output text` progress on stderr: tool activity, retries and transport changes, one short
 * line each. stdout is reserved for the final answer. Progress lines are written only when
 * enabled (stderr is a TTY, or --verbose); warnings, denials and errors are always written.
 */

import type { AgentEvent } from '../agent/events.js';
import { redact } from '../util/redact.js';
import { visibleText } from '../util/visible-text.js';

/** Styling hooks (print mode passes chalk functions on a TTY; identity otherwise). */
export interface ProgressStyle {
  dim(s: string): string;
  warn(s: string): string;
  error(s: string): string;
}

const plain: ProgressStyle = { dim: (s) => s, warn: (s) => s, error: (s) => s };

function oneLine(s: string, max = 160): string {
  // Control and invisible characters escaped (`\r`, `\x1b`), never written to the terminal.
  const line = visibleText(s).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Writes progress lines for AgentEvents. */
export class TextProgress {
  /**
   * @param sanitize applied to each line before styling: {@link terminalSafe} when stderr is a
   *   terminal (a command or message must not move the cursor, set the title or the clipboard).
   */
  constructor(
    private readonly write: (s: string) => void,
    private readonly progress: boolean,
    private readonly style: ProgressStyle = plain,
    private readonly sanitize: (s: string) => string = (s) => s,
  ) {}

  handle(e: AgentEvent): void {
    const line = this.lineFor(e);
    if (line) this.write(`${this.style[line[0]](this.sanitize(redact(line[1])))}\n`);
  }

  private lineFor(e: AgentEvent): [keyof ProgressStyle, string] | null {
    const dim = (s: string): [keyof ProgressStyle, string] => ['dim', s];
    const warn = (s: string): [keyof ProgressStyle, string] => ['warn', s];
    const error = (s: string): [keyof ProgressStyle, string] => ['error', s];
    const p = this.progress;
    switch (e.type) {
      case 'session_started':
        return p ? dim(`tether ${e.version} · ${e.model} · ${e.approval} · ${e.sandbox}`) : null;
      case 'tool_started':
        return p
          ? dim(
              e.subject.kind === 'command'
                ? `$ ${oneLine(e.subject.command ?? e.subject.summary)}`
                : `• ${oneLine(e.subject.summary)}`,
            )
          : null;
      case 'tool_finished': {
        if (!p || e.result.status === 'denied') return null;
        const secs = (e.result.durationMs / 1000).toFixed(1);
        const code = e.result.exitCode !== undefined ? `exit ${e.result.exitCode}, ` : '';
        return dim(`  ${e.result.status} (${code}${secs}s)`);
      }
      case 'approval_resolved':
        if (e.decision !== 'deny') return null;
        return warn(
          `denied${e.by === 'non_interactive' ? ' (non-interactive)' : ''}: ${oneLine(e.reason ?? e.callId)}`,
        );
      case 'turn_retrying':
        return p ? warn(`retrying (attempt ${e.attempt}/${e.max}): ${oneLine(e.reason)}`) : null;
      case 'transport':
        if (!p) return null;
        if (e.event.type === 'fallback_http')
          return warn(
            `falling back to ${e.event.scheme === 'http' ? 'HTTP' : 'HTTPS'} transport: ${oneLine(e.event.reason)}`,
          );
        if (e.event.type === 'reconnecting')
          return dim(`reconnecting (attempt ${e.event.attempt}/${e.event.max}): ${oneLine(e.event.reason)}`);
        return null;
      case 'compaction':
        return p ? dim(`context compacted: ${e.tokensBefore} → ${e.tokensAfter} tokens`) : null;
      case 'warning':
        return warn(`warning: ${e.message}`);
      case 'processes_ended':
        return warn(
          `ended ${e.processes.length} background process(es): ${e.processes.map((p) => oneLine(p.command)).join(', ')}`,
        );
      case 'error':
        return error(`tether: ${e.message}`);
      case 'web_search':
        return e.status === 'completed' || e.status === 'failed'
          ? dim(`web search${e.status === 'failed' ? ' failed' : ''}: ${oneLine(e.query ?? '')}`)
          : null;
      case 'user_message':
      case 'turn_started':
      case 'assistant_delta':
      case 'assistant_item_done':
      case 'reasoning_delta':
      case 'reasoning_done':
      case 'tool_proposed':
      case 'approval_requested':
      case 'tool_output':
      case 'usage':
      case 'turn_finished':
      case 'run_finished':
        return null;
      default: {
        const unreachable: never = e;
        return unreachable;
      }
    }
  }
}

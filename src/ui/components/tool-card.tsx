/** A tool call card: what runs, a spinner with elapsed time, the last output lines, the outcome. */
import { Box, Text } from 'ink';
import { visibleLine, visibleText } from '../../util/visible-text.js';
import { formatDuration } from '../format.js';
import { headByRows, hiddenNote } from '../rows.js';
import type { ToolView } from '../state/entries.js';
import { spinnerFrame, theme } from '../theme.js';
import { DiffView } from './diff-view.js';

/** Props of {@link ToolCard}. */
export interface ToolCardProps {
  tool: ToolView;
  /** UI clock (ms) for the spinner and elapsed time of a running call. */
  now: number;
  /** One line only (title, spinner, elapsed): used when several calls run at once. */
  compact?: boolean;
  /**
   * In the live region at this width: the title (a long command) is cut to its first
   * {@link LIVE_TITLE_ROWS} rows with a note of what is not shown, and a diff to a few lines, so
   * the region stays shorter than the terminal (the finished card in the scrollback is whole).
   */
  liveColumns?: number;
}

/** Rows of a live card's title (the command); the approval prompt shows a long one in full. */
export const LIVE_TITLE_ROWS = 4;

/** What the card is about; control and invisible characters escaped, never sent to the terminal. */
function title(t: ToolView, oneLine = false): string {
  const show = oneLine ? visibleLine : visibleText;
  if (t.subject.kind === 'command' && t.subject.command !== undefined) return `$ ${show(t.subject.command)}`;
  if (t.subject.kind === 'mcp') return `⚙ ${show(t.subject.summary)}`;
  return show(t.subject.summary || t.name);
}

function outcome(t: ToolView): { mark: string; color: string; text: string } {
  switch (t.status) {
    case 'proposed':
      return { mark: '○', color: theme.dim, text: 'queued' };
    case 'awaiting':
      return { mark: '?', color: theme.warn, text: 'awaiting approval' };
    case 'running':
      return { mark: '', color: theme.accent, text: 'running' };
    case 'denied':
      return { mark: '✗', color: theme.warn, text: `denied${t.reason ? `: ${visibleText(t.reason)}` : ''}` };
    case 'interrupted':
      return {
        mark: '■',
        color: theme.error,
        text: `interrupted${t.result ? ` after ${formatDuration(t.result.durationMs)}` : ''}`,
      };
    case 'done': {
      const r = t.result;
      if (!r) return { mark: '✓', color: theme.ok, text: 'done' };
      const code = r.exitCode !== undefined ? `exit ${r.exitCode} · ` : '';
      const ok = r.status === 'ok' && (r.exitCode === undefined || r.exitCode === 0);
      const label = r.status === 'ok' ? '' : `${r.status} · `;
      return {
        mark: ok ? '✓' : '✗',
        color: ok ? theme.ok : theme.error,
        text: `${label}${code}${formatDuration(r.durationMs)}`,
      };
    }
    default: {
      const unreachable: never = t.status;
      return unreachable;
    }
  }
}

/** Max lines of a failed call's reason shown on its card. */
const REASON_LINES = 4;

/**
 * Why a call failed, when nothing it printed says so: a call refused before it ran (invalid
 * arguments, a patch that does not apply, a path outside the workspace) or a file tool's error
 * has only its result text, which the model also gets.
 */
export function failureReason(t: ToolView): string[] {
  const r = t.result;
  if (t.status !== 'done' || !r || r.status === 'ok' || t.lines > 0) return [];
  // Errors quote model input (a patch line, a path): shown escaped, never interpreted.
  const lines = visibleText(r.output.trim()).split('\n');
  if (lines[0] === '') return [];
  return lines.length > REASON_LINES
    ? [...lines.slice(0, REASON_LINES), `… ${lines.length - REASON_LINES} more lines`]
    : lines;
}

/** Renders one tool card. */
export function ToolCard({ tool: t, now, compact = false, liveColumns }: ToolCardProps) {
  const o = outcome(t);
  const head = liveColumns ? headByRows(title(t), Math.max(1, liveColumns - 2), LIVE_TITLE_ROWS) : null;
  const cut = head ? hiddenNote(head) : null;
  const running = t.status === 'running';
  const elapsed = running && t.startedAt !== null ? formatDuration(now - t.startedAt) : '';
  const lines = running ? [...t.tail, ...(t.partial ? [t.partial] : [])].slice(-5) : t.tail.slice(-3);
  const hidden = t.lines - t.tail.length;
  const changes = t.result?.fileChanges ?? [];
  const reason = failureReason(t);
  if (compact) {
    return (
      <Text wrap="truncate-end">
        <Text color={o.color}>{running ? spinnerFrame(now) : o.mark} </Text>
        <Text bold>{title(t, true)}</Text>
        <Text color={theme.dim}> · {running ? elapsed : o.text}</Text>
      </Text>
    );
  }
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Box>
        <Text color={o.color}>{running ? spinnerFrame(now) : o.mark} </Text>
        <Text bold wrap="wrap">
          {head ? head.text : title(t)}
        </Text>
        {t.sandboxed ? <Text color={theme.dim}> [sandboxed]</Text> : null}
      </Box>
      {cut ? (
        <Text color={theme.dim} wrap="truncate-end">
          {'  '}
          {cut}
        </Text>
      ) : null}
      {lines.length > 0 ? (
        <Box flexDirection="column" paddingLeft={2}>
          {!running && hidden > 0 ? <Text color={theme.dim}>… {hidden} earlier lines</Text> : null}
          {lines.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: output lines are positional
            <Text key={i} color={theme.dim} wrap="truncate-end">
              {l === '' ? ' ' : l}
            </Text>
          ))}
        </Box>
      ) : null}
      {reason.length > 0 ? (
        <Box flexDirection="column" paddingLeft={2}>
          {reason.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: reason lines are positional
            <Text key={i} color={theme.error}>
              {l === '' ? ' ' : l}
            </Text>
          ))}
        </Box>
      ) : null}
      {changes.length === 0 && t.status === 'done' && t.subject.diff ? (
        <Box paddingLeft={2}>
          <DiffView diff={t.subject.diff} maxLines={liveColumns ? 6 : 40} />
        </Box>
      ) : null}
      {changes.map((c) => (
        <Box key={c.path} flexDirection="column" paddingLeft={2}>
          <Text color={theme.accent}>
            {c.kind} {visibleLine(c.path)}
            {c.movedTo ? ` → ${visibleLine(c.movedTo)}` : ''}
          </Text>
          <DiffView diff={c.diff} maxLines={liveColumns ? 6 : 40} />
        </Box>
      ))}
      <Box paddingLeft={2}>
        <Text color={o.color}>{running ? `running ${elapsed}` : o.text}</Text>
      </Box>
    </Box>
  );
}

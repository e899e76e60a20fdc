/**
 * The live tail of the answer being streamed (only the unfinished markdown block: complete blocks
 * are already in scrollback), the reasoning summary, and a "working" line. Kept small so a fast
 * stream costs little to redraw.
 */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { formatDuration } from '../format.js';
import { useUi } from '../hooks/use-ui.js';
import { renderMarkdown } from '../markdown/render.js';
import { sourceTail } from '../markdown/split.js';
import { wrapMarkdownToWidth } from '../markdown/wrap.js';
import { tailByRows } from '../rows.js';
import { pendingText } from '../state/stream.js';
import { spinnerFrame, theme } from '../theme.js';
import { ToolCard } from './tool-card.js';

/**
 * Max rows of the live tail shown (the whole block is printed once it completes). Every live
 * frame costs Ink a full cell grid of the live region, so it stays short.
 */
export const LIVE_TAIL_LINES = 10;

/**
 * Source lines of the live block that are rendered for its tail: a margin over the rows shown
 * (a source line is at least one row), so a long code block is not highlighted whole every frame.
 */
const LIVE_SOURCE_LINES = 2 * LIVE_TAIL_LINES + 4;

/** Max tool cards in the live region. */
export const MAX_LIVE_TOOLS = 8;

/** Renders the live part of the current answer. */
export function PendingTurn() {
  const stream = useUi((s) => s.transcript.stream);
  const reasoning = useUi((s) => s.transcript.reasoning);
  const columns = useUi((s) => s.view.columns);
  const rows = useUi((s) => s.view.rows);
  const maxLines = Math.max(4, Math.min(LIVE_TAIL_LINES, rows - 14));
  const source = stream ? pendingText(stream) : '';
  const rendered = useMemo(() => {
    if (!source.trim()) return '';
    const tail = tailByRows(
      renderMarkdown(sourceTail(source, LIVE_SOURCE_LINES), columns),
      columns,
      maxLines,
    );
    const text = wrapMarkdownToWidth(tail.text, columns);
    return tail.truncated ? `…\n${text}` : text;
  }, [source, columns, maxLines]);
  const thought = reasoning.trim().split('\n').filter(Boolean).pop() ?? '';
  return (
    <Box flexDirection="column">
      {thought ? (
        <Text color={theme.dim} italic wrap="truncate-end">
          {thought}
        </Text>
      ) : null}
      {rendered ? <Text>{rendered}</Text> : null}
    </Box>
  );
}

/** The "working" line: spinner, elapsed time, retry state, `!cmd` in progress. */
export function WorkingLine() {
  const running = useUi((s) => s.view.running);
  const busySince = useUi((s) => s.status.busySince);
  const retry = useUi((s) => s.status.retry);
  const shell = useUi((s) => s.view.shell);
  const now = useUi((s) => s.view.now);
  if (!running && !shell) return null;
  const elapsed = busySince !== null ? ` ${formatDuration(now - busySince)}` : '';
  return (
    <Box>
      <Text color={theme.accent}>{spinnerFrame(now)} </Text>
      <Text color={theme.dim}>
        {shell ? `running !${shell}` : `working${elapsed}`}
        {retry ? ` · retrying ${retry.attempt}/${retry.max} (${retry.reason})` : ''}
        {' · Esc to interrupt'}
      </Text>
    </Box>
  );
}

/** Tool cards still running or waiting. */
export function LiveTools() {
  const all = useUi((s) => s.transcript.tools);
  const now = useUi((s) => s.view.now);
  // A call awaiting approval is shown by the approval prompt itself.
  const tools = all.filter((t) => t.status !== 'awaiting');
  if (tools.length === 0) return null;
  // Parallel calls: full cards for the last two, one line for the others, at most eight shown,
  // so the live region keeps its height whatever the model fans out.
  const shown = tools.slice(-MAX_LIVE_TOOLS);
  const hidden = tools.length - shown.length;
  return (
    <Box flexDirection="column">
      {hidden > 0 ? <Text color={theme.dim}>… {hidden} more calls</Text> : null}
      {shown.map((t, i) => (
        <ToolCard key={t.callId} tool={t} now={now} compact={shown.length > 2 && i < shown.length - 2} />
      ))}
    </Box>
  );
}

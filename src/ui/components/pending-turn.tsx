/**
 * The live region's top: the reasoning summary's last line, the running tool cards and the
 * "working" line. The streamed answer's live tail is not here: the transcript printer draws it
 * above the live region (live-tail.ts), so a text delta costs no React render or Ink layout.
 */
import { Box, Text } from 'ink';
import { formatDuration } from '../format.js';
import { useUi } from '../hooks/use-ui.js';
import { spinnerFrame, theme } from '../theme.js';
import { ToolCard } from './tool-card.js';

/** Max tool cards in the live region. */
export const MAX_LIVE_TOOLS = 8;

/** The last line of the reasoning summary being streamed. */
export function PendingTurn() {
  const reasoning = useUi((s) => s.transcript.reasoning);
  const thought = reasoning.trim().split('\n').filter(Boolean).pop() ?? '';
  if (!thought) return null;
  return (
    <Text color={theme.dim} italic wrap="truncate-end">
      {thought}
    </Text>
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
      <Text color={theme.dim} wrap="truncate-end">
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
  const columns = useUi((s) => s.view.columns);
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
        <ToolCard
          key={t.callId}
          tool={t}
          now={now}
          compact={shown.length > 2 && i < shown.length - 2}
          liveColumns={columns}
        />
      ))}
    </Box>
  );
}

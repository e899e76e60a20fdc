/** The approval prompt: exactly what will run (the command) or change (the diff), and the keys. */
import { Box, Text } from 'ink';
import { hasHiddenChars, visibleLine, visibleText } from '../../util/visible-text.js';
import { useUi } from '../hooks/use-ui.js';
import { cursorWindow, diffRows, headByRows, hiddenNote } from '../rows.js';
import { theme } from '../theme.js';
import { DiffView } from './diff-view.js';

/** Renders the head of the approval queue (nothing when the queue is empty). */
export function ApprovalPrompt() {
  const approvals = useUi((s) => s.approvals);
  const rows = useUi((s) => s.view.rows);
  const columns = useUi((s) => s.view.columns);
  const head = approvals.queue[0];
  if (!head) return null;
  const sub = head.subject;
  // A long command is cut to what fits (the live region must stay shorter than the terminal).
  // Control and invisible characters are shown escaped, never interpreted: nothing is hidden.
  const command =
    sub.command !== undefined
      ? headByRows(
          visibleText(sub.command).replace(/\t/g, '    '),
          Math.max(10, columns - 6),
          Math.max(3, rows - 16),
        )
      : null;
  const mcpArgs =
    sub.kind === 'mcp'
      ? headByRows(
          visibleText(sub.arguments ?? '{}').replace(/\t/g, '    '),
          Math.max(10, columns - 6),
          Math.max(3, rows - 16),
        )
      : null;
  const hidden = sub.command !== undefined && hasHiddenChars(sub.command);
  const more = approvals.queue.length - 1;
  const edit = approvals.edit;
  // Newlines shown as ⏎ (same length, so the cursor offset still matches), in a bounded window.
  const editView = edit
    ? cursorWindow(edit.text.replace(/\n/g, '⏎'), edit.cursor, Math.max(10, (columns - 12) * 3))
    : null;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.warn} paddingX={1}>
      <Text bold color={theme.warn}>
        Allow{' '}
        {sub.kind === 'command'
          ? 'this command'
          : sub.kind === 'edit'
            ? 'this change'
            : sub.kind === 'mcp'
              ? `MCP tool ${visibleLine(sub.tool ?? '')} of server ${visibleLine(sub.server ?? '')}`
              : 'this read'}
        ?{more > 0 ? <Text color={theme.dim}> (+{more} more waiting)</Text> : null}
      </Text>
      {sub.kind === 'command' && command ? (
        <Box flexDirection="column">
          <Text>
            <Text color={theme.dim}>$ </Text>
            <Text bold>{command.text}</Text>
          </Text>
          {hiddenNote(command) ? (
            <Text color={theme.warn}>{hiddenNote(command)} (e shows the whole command)</Text>
          ) : null}
          {hidden ? (
            <Text color={theme.warn}>
              ⚠ contains control or invisible characters, shown escaped (\r, \x1b, \u202e…)
            </Text>
          ) : null}
        </Box>
      ) : sub.kind === 'mcp' && mcpArgs ? (
        <Box flexDirection="column">
          <Text>{mcpArgs.text}</Text>
          {hiddenNote(mcpArgs) ? <Text color={theme.warn}>{hiddenNote(mcpArgs)}</Text> : null}
        </Box>
      ) : (
        <Text bold>{visibleLine(sub.summary)}</Text>
      )}
      {sub.kind !== 'command' && sub.paths.length > 0 ? (
        <Text color={theme.dim}>{sub.paths.map(visibleLine).join(', ')}</Text>
      ) : null}
      {sub.diff ? (
        <DiffView
          diff={sub.diff}
          maxLines={diffRows(rows, approvals.diffExpanded)}
          offset={approvals.diffExpanded ? approvals.diffScroll : 0}
          width={Math.max(10, columns - 4)}
          moreHint={approvals.diffExpanded ? '↓/PgDn scrolls' : 'v shows all'}
        />
      ) : null}
      {edit ? (
        <Box flexDirection="column">
          <Text>
            <Text color={theme.accent}>edit $ </Text>
            {editView?.cutStart ? '…' : ''}
            {/* The buffer starts as the model's command: hidden characters stay escaped here too. */}
            <Text>{visibleText(editView?.before ?? '')}</Text>
            <Text inverse>{visibleText(editView?.at ?? '')}</Text>
            <Text>{visibleText(editView?.after ?? '')}</Text>
            {editView?.cutEnd ? '…' : ''}
          </Text>
          <Text color={theme.dim}>Enter run the edited command · Esc back · Ctrl+C stop the turn</Text>
        </Box>
      ) : (
        <Text>
          <Text color={theme.ok}>[y]</Text> yes <Text color={theme.error}>[n]</Text> no{' '}
          {sub.kind === 'command' ? (
            <>
              {head.allowRule ? (
                <>
                  <Text color={theme.accent}>[a]</Text> always allow{' '}
                  <Text bold>{visibleText(head.allowRule)}</Text>{' '}
                </>
              ) : null}
              <Text color={theme.accent}>[e]</Text> edit
            </>
          ) : sub.kind === 'mcp' ? (
            <>
              <Text color={theme.accent}>[a]</Text> always allow this tool of this server
            </>
          ) : null}
          {sub.diff ? (
            <>
              {' '}
              <Text color={theme.accent}>[v]</Text> {approvals.diffExpanded ? 'shorter diff' : 'full diff'}
            </>
          ) : null}{' '}
          <Text color={theme.dim}>· Esc stop the turn</Text>
        </Text>
      )}
    </Box>
  );
}

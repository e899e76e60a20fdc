/** The composer: the input text with its cursor, the completion menu, queued messages and hints. */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { completionFor } from '../completion.js';
import { useUi } from '../hooks/use-ui.js';
import { liveTailRows } from '../live-tail.js';
import { cursorWindow } from '../rows.js';
import { EXIT_HINT } from '../state/interrupt.js';
import { theme } from '../theme.js';

/** Max composer lines shown (a large paste shows its tail with a count). */
export const COMPOSER_MAX_LINES = 10;

function CursorLine({ line, cursorCol, width }: { line: string; cursorCol: number | null; width: number }) {
  // Other lines are cut at the edge; the cursor line shows a window of at most three rows around
  // the cursor, so one huge pasted line cannot make the live region taller than the terminal.
  if (cursorCol === null) return <Text wrap="truncate-end">{line === '' ? ' ' : line}</Text>;
  const w = cursorWindow(line, cursorCol, Math.max(10, width * 3 - 2));
  return (
    <Text>
      {w.cutStart ? '…' : ''}
      {w.before}
      <Text inverse>{w.at}</Text>
      {w.after}
      {w.cutEnd ? '…' : ''}
    </Text>
  );
}

/** Queued prompts listed above the composer; more are counted on one row. */
export const MAX_QUEUED_SHOWN = 3;

/**
 * Draft lines the composer may show while a turn runs on a terminal `rows` high: the rows left
 * for the live region below the tail (live-tail.ts) less everything else in it — reasoning and
 * working lines, the box's borders and its "lines above/below" rows, queued prompts, completion
 * items, hints, the status bar — at least 1, at most {@link COMPOSER_MAX_LINES}.
 */
export function composerLinesWhileRunning(
  rows: number,
  other: { queued: number; completion: number; hints: number },
): number {
  const region = rows - 1 - liveTailRows(rows);
  const fixed = 1 + 1 + 2 + 2 + 1 + other.queued + other.completion + other.hints;
  return Math.max(1, Math.min(COMPOSER_MAX_LINES, region - fixed));
}

/** Renders the composer. */
export function Composer() {
  const composer = useUi((s) => s.composer);
  const files = useUi((s) => s.view.files);
  const index = useUi((s) => s.view.completionIndex);
  const queued = useUi((s) => s.view.queued);
  const hint = useUi((s) => s.view.hint);
  const exitArmed = useUi((s) => s.view.exitArmedAt !== null);
  const columns = useUi((s) => s.view.columns);
  const rows = useUi((s) => s.view.rows);
  const running = useUi((s) => s.view.running);
  const { text, cursor } = composer;
  const completion = useMemo(() => completionFor(text, cursor, files), [text, cursor, files]);
  const lines = text.split('\n');
  const before = text.slice(0, cursor).split('\n');
  const cLine = before.length - 1;
  const cCol = (before[before.length - 1] ?? '').length;
  const queuedShown = queued.slice(0, MAX_QUEUED_SHOWN);
  // While a turn runs, the streamed answer's tail is drawn above the live region and both must
  // fit on the screen (live-tail.ts): the draft gets the rows the rest leaves.
  const maxLines = running
    ? composerLinesWhileRunning(rows, {
        queued: queuedShown.length + (queued.length > queuedShown.length ? 1 : 0),
        completion: completion?.items.length ?? 0,
        hints: (hint ? 1 : 0) + (exitArmed ? 1 : 0),
      })
    : COMPOSER_MAX_LINES;
  const first = Math.max(0, Math.min(cLine - maxLines + 1, lines.length - maxLines));
  const shown = lines.slice(first, first + maxLines);
  return (
    <Box flexDirection="column">
      {queuedShown.map((q, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: queue order is the identity
        <Text key={i} color={theme.dim} wrap="truncate-end">
          queued: {q.split('\n')[0]}
        </Text>
      ))}
      {queued.length > queuedShown.length ? (
        <Text color={theme.dim}>… {queued.length - queuedShown.length} more queued</Text>
      ) : null}
      <Box borderStyle="round" borderColor={theme.dim} paddingX={1} flexDirection="column">
        {first > 0 ? (
          <Text color={theme.dim}>
            … {first} lines above ({text.length} chars)
          </Text>
        ) : null}
        {shown.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
          <Box key={i}>
            <Text color={theme.user}>{i + first === 0 ? '› ' : '  '}</Text>
            <CursorLine
              line={line}
              cursorCol={i + first === cLine ? cCol : null}
              width={Math.max(10, columns - 6)}
            />
          </Box>
        ))}
        {first + maxLines < lines.length ? (
          <Text color={theme.dim}>… {lines.length - first - maxLines} lines below</Text>
        ) : null}
      </Box>
      {completion ? (
        <Box flexDirection="column" paddingLeft={2}>
          {completion.kind === 'slash'
            ? completion.items.map((c, i) => (
                <Text key={c.name} inverse={i === index} wrap="truncate-end">
                  /{c.name}
                  {c.args ? ` ${c.args}` : ''} <Text color={theme.dim}>{c.description}</Text>
                </Text>
              ))
            : completion.items.map((p, i) => (
                <Text key={p} inverse={i === index} wrap="truncate-end">
                  @{p}
                </Text>
              ))}
        </Box>
      ) : null}
      {hint ? (
        <Text color={theme.warn} wrap="truncate-end">
          {hint}
        </Text>
      ) : null}
      {exitArmed ? <Text color={theme.warn}>{EXIT_HINT}</Text> : null}
    </Box>
  );
}

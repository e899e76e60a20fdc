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
 * How many draft lines and completion items the composer shows on a terminal `rows` high, so
 * the whole live region fits on the screen with the cursor's row: Ink clears the screen and the
 * scrollback on every frame once its output is as tall as the terminal, and while a turn runs the
 * streamed answer's tail (live-tail.ts) takes its rows above the region. From what is left go
 * the reasoning and working lines, the box's borders, its "lines above/below" rows, the cursor
 * line's wrap (up to four rows), queued prompts, hints and the status bar; completion items get
 * what remains but one draft line, the draft the rest (1 to {@link COMPOSER_MAX_LINES} lines).
 */
export function composerLayout(
  rows: number,
  running: boolean,
  other: { queued: number; completion: number; hints: number },
): { lines: number; completion: number } {
  const region = rows - 1 - (running ? liveTailRows(rows) : 0);
  const avail = region - (1 + 1 + 2 + 2 + 3 + 1 + other.queued + other.hints);
  const completion = Math.min(other.completion, Math.max(0, avail - 1));
  return { lines: Math.max(1, Math.min(COMPOSER_MAX_LINES, avail - completion)), completion };
}

/** The `count` items of `length` to show so that `index` is among them. */
function windowAround(index: number, length: number, count: number): number {
  return Math.max(0, Math.min(index - count + 1, length - count));
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
  const layout = composerLayout(rows, running, {
    queued: queuedShown.length + (queued.length > queuedShown.length ? 1 : 0),
    completion: completion?.items.length ?? 0,
    hints: (hint ? 1 : 0) + (exitArmed ? 1 : 0),
  });
  const maxLines = layout.lines;
  const menuFirst = completion ? windowAround(index, completion.items.length, layout.completion) : 0;
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
        <Text color={theme.dim} wrap="truncate-end">
          … {queued.length - queuedShown.length} more queued
        </Text>
      ) : null}
      <Box borderStyle="round" borderColor={theme.dim} paddingX={1} flexDirection="column">
        {first > 0 ? (
          <Text color={theme.dim} wrap="truncate-end">
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
          <Text color={theme.dim} wrap="truncate-end">
            … {lines.length - first - maxLines} lines below
          </Text>
        ) : null}
      </Box>
      {completion && layout.completion > 0 ? (
        <Box flexDirection="column" paddingLeft={2}>
          {completion.kind === 'slash'
            ? completion.items.slice(menuFirst, menuFirst + layout.completion).map((c, i) => (
                <Text key={c.name} inverse={i + menuFirst === index} wrap="truncate-end">
                  /{c.name}
                  {c.args ? ` ${c.args}` : ''} <Text color={theme.dim}>{c.description}</Text>
                </Text>
              ))
            : completion.items.slice(menuFirst, menuFirst + layout.completion).map((p, i) => (
                <Text key={p} inverse={i + menuFirst === index} wrap="truncate-end">
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
      {exitArmed ? (
        <Text color={theme.warn} wrap="truncate-end">
          {EXIT_HINT}
        </Text>
      ) : null}
    </Box>
  );
}

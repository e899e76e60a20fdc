/**
 * A coloured unified diff (added green, removed red, hunk headers cyan), capped in height. The
 * diff is model-controlled text (an approval shows it before the change is made): every control,
 * escape, bidi and zero-width character is shown as a visible escape (`\r`, `\x1b`, `\u202e`) and
 * no part of a line is ever cut off — long lines wrap, so a `\r` or a run of spaces cannot push
 * the rest of a line out of sight.
 */
import { Box, Text } from 'ink';
import { visibleText } from '../../util/visible-text.js';
import { theme } from '../theme.js';

/** Props of {@link DiffView}. */
export interface DiffViewProps {
  diff: string;
  /** Max lines shown; the rest is summarised. Default 60. */
  maxLines?: number;
  /** First line shown (a scrolled, expanded diff). Default 0. */
  offset?: number;
  /** What the "more lines" note tells the user to press, e.g. "v shows all". */
  moreHint?: string;
  /**
   * Columns available: long lines are wrapped into rows of this width here, so `maxLines` and
   * `offset` count terminal rows (the live region's height stays bounded). Without it Ink wraps.
   */
  width?: number;
}

/** One shown row: its text and the diff line it belongs to (for the colour). */
interface DiffRow {
  text: string;
  line: string;
}

/** The diff as rows: every hidden character escaped, tabs as spaces, long lines wrapped at `width`. */
export function diffViewRows(diff: string, width?: number): DiffRow[] {
  const out: DiffRow[] = [];
  for (const raw of diff.replace(/\n$/, '').split('\n')) {
    const line = visibleText(raw).replace(/\t/g, '    ');
    const chars = [...line];
    if (width === undefined || chars.length <= width) {
      out.push({ text: line, line });
      continue;
    }
    const w = Math.max(1, width);
    for (let i = 0; i < chars.length; i += w) out.push({ text: chars.slice(i, i + w).join(''), line });
  }
  return out;
}

/** The colour of one unified-diff line (undefined: default colour). */
export function diffLineColor(line: string): string | undefined {
  if (line.startsWith('+++') || line.startsWith('---')) return undefined;
  if (line.startsWith('+')) return theme.added;
  if (line.startsWith('-')) return theme.removed;
  if (line.startsWith('@@')) return theme.hunk;
  return undefined;
}

/** Renders a unified diff. */
export function DiffView({ diff, maxLines = 60, offset = 0, moreHint, width }: DiffViewProps) {
  const lines = diffViewRows(diff, width);
  const first = Math.max(0, Math.min(offset, lines.length - maxLines));
  const shown = lines.slice(first, first + maxLines);
  const rest = lines.length - first - shown.length;
  return (
    <Box flexDirection="column">
      {first > 0 ? (
        <Text color={theme.dim}>
          ↑ {first} lines above · lines {first + 1}–{first + shown.length} of {lines.length}
        </Text>
      ) : null}
      {shown.map((row, i) => {
        const { line } = row;
        const color = diffLineColor(line);
        const bold = line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ');
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: diff lines are static and positional
          <Text key={i} color={color} bold={bold} wrap="wrap">
            {row.text === '' ? ' ' : row.text}
          </Text>
        );
      })}
      {rest > 0 ? (
        <Text color={theme.dim}>
          … {rest} more diff lines{moreHint ? ` (${moreHint})` : ''}
        </Text>
      ) : null}
    </Box>
  );
}

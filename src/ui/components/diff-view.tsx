/** A coloured unified diff (added green, removed red, hunk headers cyan), capped in height. */
import { Box, Text } from 'ink';
import { sanitizeText } from '../sanitize.js';
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
export function DiffView({ diff, maxLines = 60, offset = 0, moreHint }: DiffViewProps) {
  const lines = sanitizeText(diff).replace(/\n$/, '').split('\n');
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
      {shown.map((line, i) => {
        const color = diffLineColor(line);
        const bold = line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ');
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: diff lines are static and positional
          <Text key={i} color={color} bold={bold} wrap="truncate-end">
            {line === '' ? ' ' : line}
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

/** One committed transcript entry (rendered once, to a string, by the transcript printer). */
import { Box, Text } from 'ink';
import { visibleText } from '../../util/visible-text.js';
import { renderMarkdown } from '../markdown/render.js';
import { wrapMarkdownToWidth } from '../markdown/wrap.js';
import { sanitizeText } from '../sanitize.js';
import type { Entry } from '../state/entries.js';
import { theme } from '../theme.js';
import { DiffView } from './diff-view.js';
import { ToolCard } from './tool-card.js';

/** Props of {@link EntryView}. */
export interface EntryViewProps {
  entry: Entry;
  columns: number;
}

/** Renders a committed entry. */
export function EntryView({ entry: e, columns }: EntryViewProps) {
  switch (e.kind) {
    case 'banner': {
      const b = e.banner;
      return (
        <Box
          flexDirection="column"
          marginBottom={1}
          borderStyle="round"
          borderColor={theme.accent}
          paddingX={1}
        >
          <Text>
            <Text bold color={theme.accent}>
              tether
            </Text>
            <Text>
              {' '}
              · {b.model} · {b.approval} ·{' '}
              {/^sandbox\b/i.test(b.sandbox) ? b.sandbox : `sandbox ${b.sandbox}`}
            </Text>
          </Text>
          <Text color={theme.dim}>
            {b.resumed ? 'resumed ' : ''}session {b.sessionId} · {b.cwd}
          </Text>
          {b.instructionFiles.length > 0 ? (
            <Text color={theme.dim}>instructions: {b.instructionFiles.join(', ')}</Text>
          ) : null}
          {b.simulated ? (
            <Text color={theme.warn}>
              Demo: the model is simulated (no API key, no network); tools really run in a scratch copy.
            </Text>
          ) : null}
          <Text color={theme.dim}>/help for commands · Esc interrupts · Ctrl+C twice exits</Text>
        </Box>
      );
    }
    case 'user':
      return (
        <Box marginBottom={1}>
          <Text color={theme.user} bold>
            {'› '}
          </Text>
          <Text color={theme.user}>{sanitizeText(e.text)}</Text>
        </Box>
      );
    case 'markdown':
      return (
        <Box marginBottom={1}>
          <Text>{wrapMarkdownToWidth(renderMarkdown(e.text, columns), columns)}</Text>
        </Box>
      );
    case 'reasoning':
      return (
        <Box marginBottom={1}>
          <Text color={theme.dim} italic>
            {sanitizeText(e.text)}
          </Text>
        </Box>
      );
    case 'tool':
      return <ToolCard tool={e.tool} now={0} />;
    case 'notice': {
      const color = e.level === 'error' ? theme.error : e.level === 'warn' ? theme.warn : theme.dim;
      const mark = e.level === 'error' ? '✗ ' : e.level === 'warn' ? '! ' : '· ';
      return (
        <Box marginBottom={1}>
          <Text color={color}>
            {mark}
            {/* Notices quote names from servers and files (MCP tools, paths): escaped, never cut. */}
            {visibleText(e.text).replace(/\t/g, '    ')}
          </Text>
        </Box>
      );
    }
    case 'diff':
      return (
        <Box flexDirection="column" marginBottom={1}>
          <Text bold>{e.title}</Text>
          <DiffView diff={e.diff} maxLines={400} />
        </Box>
      );
    case 'shell': {
      const all = sanitizeText(e.output).replace(/\n+$/, '').split('\n');
      const out = (all.length > 200 ? [`… ${all.length - 200} earlier lines`, ...all.slice(-200)] : all).join(
        '\n',
      );
      return (
        <Box flexDirection="column" marginBottom={1}>
          <Text bold>! {e.command}</Text>
          {out ? <Text color={theme.dim}>{out}</Text> : null}
          <Text color={e.exitCode === 0 ? theme.ok : theme.error}>
            {e.exitCode === null ? 'killed' : `exit ${e.exitCode}`}
          </Text>
        </Box>
      );
    }
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

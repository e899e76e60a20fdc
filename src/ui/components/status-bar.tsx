/**
 * The status bar: model · approval mode · transport state and socket age · tokens in/out with
 * cached % · context used % · last turn latency · session id.
 */
import { Box, Text } from 'ink';
import { formatAge, formatDuration, formatTokens } from '../format.js';
import { useUi } from '../hooks/use-ui.js';
import type { ConnectionView } from '../state/status.js';
import { theme } from '../theme.js';

/** The transport segment as text, e.g. "websocket ● 3m12s" or "websocket ↻ reconnecting 2/5". */
export function transportLabel(c: ConnectionView, now: number): { text: string; color: string } {
  const rot = c.rotations > 0 ? ` · rotated ×${c.rotations}` : '';
  switch (c.state) {
    case 'idle':
      return { text: `${c.transport} ○ not connected`, color: theme.dim };
    case 'connecting':
      return {
        text: `${c.transport} … connecting${c.attempt > 1 ? ` (attempt ${c.attempt})` : ''}`,
        color: theme.warn,
      };
    case 'connected': {
      const age = c.connectedAt !== null ? ` ${formatAge(now - c.connectedAt)}` : '';
      return {
        text: `${c.transport} ● connected${age}${rot}${c.fellBack ? ' (fallback)' : ''}`,
        color: c.fellBack ? theme.warn : theme.ok,
      };
    }
    case 'reconnecting':
      return { text: `${c.transport} ↻ reconnecting ${c.attempt}/${c.max}${rot}`, color: theme.warn };
    case 'failed': {
      const status = c.failure?.status !== undefined ? ` (${c.failure.status})` : '';
      const what = c.failure?.kind === 'auth' ? 'auth refused' : 'connection failed';
      return { text: `${c.transport} ✗ ${what}${status}`, color: theme.error };
    }
    case 'closed':
      return { text: `${c.transport} ○ closed`, color: theme.dim };
    default: {
      const unreachable: never = c.state;
      return unreachable;
    }
  }
}

/** Renders the status bar. */
export function StatusBar() {
  const st = useUi((s) => s.status);
  // The label, not the clock: the bar re-renders when its text changes (the socket's age moves
  // once a second at most), not on every spinner tick.
  const label = useUi((s) => transportLabel(s.status.conn, s.view.now).text);
  const simulated = useUi((s) => s.view.simulated);
  const t = { text: label, color: transportLabel(st.conn, 0).color };
  const u = st.usage;
  const cached = u.inputTokens > 0 ? Math.round((u.cachedTokens / u.inputTokens) * 100) : 0;
  const ctx =
    st.contextWindow > 0 ? Math.min(100, Math.round((st.contextTokens / st.contextWindow) * 100)) : 0;
  const sep = <Text color={theme.dim}> · </Text>;
  return (
    <Box>
      <Text wrap="truncate-end">
        <Text color={theme.accent}>{st.model}</Text>
        {simulated ? <Text color={theme.warn}> (simulated)</Text> : null}
        {sep}
        <Text>{st.approval}</Text>
        {sep}
        <Text color={t.color}>{t.text}</Text>
        {sep}
        <Text>
          ↑{formatTokens(u.inputTokens)} ↓{formatTokens(u.outputTokens)} ({cached}% cached)
        </Text>
        {sep}
        <Text>ctx {ctx}%</Text>
        {st.processes > 0 ? (
          <>
            {sep}
            <Text color={theme.warn}>
              {st.processes} process{st.processes === 1 ? '' : 'es'} running (/ps)
            </Text>
          </>
        ) : null}
        {st.lastLatencyMs !== null ? (
          <>
            {sep}
            <Text>{formatDuration(st.lastLatencyMs)}</Text>
          </>
        ) : null}
        {sep}
        <Text color={theme.dim}>{st.sessionId || '…'}</Text>
      </Text>
    </Box>
  );
}

/**
 * The session picker: a bare `--resume` shows it as a small screen of its own before the session
 * starts (`pickSession`); `/resume` shows the same list in place of the composer (`PickerList`,
 * keys routed by the UI controller). ↑/↓ choose, Enter resumes, Esc cancels. Keys resolve
 * through the keymap's `picker` context.
 */
import { Box, render, Text, useInput } from 'ink';
import { useCallback, useRef, useState } from 'react';
import { visibleLine } from '../util/visible-text.js';
import { formatAge } from './format.js';
import { Command, type InkKeyFlags, normalizeInkKey, resolveCommand } from './keymap.js';
import { firstVisibleRow, PICKER_ROWS, type PickItem } from './state/picker.js';
import { theme } from './theme.js';

export type { PickItem } from './state/picker.js';
export { PICKER_ROWS } from './state/picker.js';

/** Props of {@link PickerList}. */
export interface PickerListProps {
  items: readonly PickItem[];
  index: number;
  /** Wall clock now (Unix ms) for the ages. */
  now: number;
}

/** The list of sessions with the selected row highlighted (no input handling). */
export function PickerList({ items, index, now }: PickerListProps) {
  const first = firstVisibleRow(index, items.length);
  return (
    <Box flexDirection="column">
      <Text bold>Resume which session? (↑/↓ choose · Enter resume · Esc cancel)</Text>
      {items.slice(first, first + PICKER_ROWS).map((s, i) => (
        <Text key={s.id} inverse={first + i === index} wrap="truncate-end">
          {first + i === index ? '› ' : '  '}
          {/* Titles and ids come from session files (a hostile one too): escaped, never interpreted. */}
          {visibleLine(s.title.split('\n')[0] ?? '') || '(no prompt)'}
          <Text color={theme.dim}>
            {' '}
            · {formatAge(now - s.updatedAt)} ago · {s.turns} turns · {visibleLine(s.id)}
          </Text>
        </Text>
      ))}
      {items.length > PICKER_ROWS ? (
        <Text color={theme.dim}>
          {index + 1}/{items.length}
        </Text>
      ) : null}
    </Box>
  );
}

/** Props of {@link SessionPicker}. */
export interface SessionPickerProps {
  items: readonly PickItem[];
  /** Wall clock now (Unix ms) for the ages. */
  now: number;
  onDone: (id: string | null) => void;
}

/** The start-up picker: {@link PickerList} with its own keys. */
export function SessionPicker({ items, now, onDone }: SessionPickerProps) {
  const [index, setIndex] = useState(0);
  // Keys can arrive faster than React re-renders: read the selection from a ref, not a closure.
  const current = useRef(0);
  const move = useCallback(
    (delta: number) => {
      current.current = (current.current + delta + items.length) % items.length;
      setIndex(current.current);
    },
    [items.length],
  );
  const onInput = useCallback(
    (input: string, key: InkKeyFlags) => {
      const cmd = resolveCommand('picker', normalizeInkKey(input, key));
      if (cmd === Command.PICK_UP) move(-1);
      else if (cmd === Command.PICK_DOWN) move(1);
      else if (cmd === Command.PICK_CONFIRM) onDone(items[current.current]?.id ?? null);
      else if (cmd === Command.PICK_CANCEL) onDone(null);
    },
    [items, onDone, move],
  );
  useInput(onInput);
  return <PickerList items={items} index={index} now={now} />;
}

/** Shows the picker on the terminal; resolves with the chosen id, or null when cancelled. */
export async function pickSession(
  items: readonly PickItem[],
  io: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream },
): Promise<string | null> {
  let done: (id: string | null) => void = () => {};
  const chosen = new Promise<string | null>((r) => {
    done = r;
  });
  const instance = render(<SessionPicker items={items} now={Date.now()} onDone={(id) => done(id)} />, {
    stdout: io.stdout,
    stdin: io.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const id = await chosen;
  instance.unmount();
  instance.cleanup();
  return id;
}

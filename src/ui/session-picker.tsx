/**
 * The session picker for a bare `--resume`: a small screen of its own, shown before the session
 * starts. ↑/↓ choose, Enter resumes, Esc cancels. Keys resolve through the keymap's `picker` context.
 */
import { Box, render, Text, useInput } from 'ink';
import { useCallback, useRef, useState } from 'react';
import { formatAge } from './format.js';
import { Command, type InkKeyFlags, normalizeInkKey, resolveCommand } from './keymap.js';
import { theme } from './theme.js';

/** One session offered by the picker. */
export interface PickItem {
  id: string;
  title: string;
  /** Last activity (Unix ms). */
  updatedAt: number;
  turns: number;
}

/** Rows shown at once. */
export const PICKER_ROWS = 12;

/** Props of {@link SessionPicker}. */
export interface SessionPickerProps {
  items: readonly PickItem[];
  /** Wall clock now (Unix ms) for the ages. */
  now: number;
  onDone: (id: string | null) => void;
}

/** The picker component. */
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
  const first = Math.max(0, Math.min(index - Math.floor(PICKER_ROWS / 2), items.length - PICKER_ROWS));
  return (
    <Box flexDirection="column">
      <Text bold>Resume which session? (↑/↓ choose · Enter resume · Esc cancel)</Text>
      {items.slice(first, first + PICKER_ROWS).map((s, i) => (
        <Text key={s.id} inverse={first + i === index} wrap="truncate-end">
          {first + i === index ? '› ' : '  '}
          {s.title.split('\n')[0] || '(no prompt)'}
          <Text color={theme.dim}>
            {' '}
            · {formatAge(now - s.updatedAt)} ago · {s.turns} turns · {s.id}
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

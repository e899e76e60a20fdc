/**
 * The one-time project trust prompt (issue 13 §4), shown before the session starts when the
 * project's own files would change security-relevant settings. ↑/↓ choose, Enter confirms,
 * y/n answer directly, Esc leaves the project untrusted for this run without remembering.
 */
import { Box, render, Text, useInput } from 'ink';
import { useCallback, useRef, useState } from 'react';
import { Command, type InkKeyFlags, normalizeInkKey, resolveCommand } from './keymap.js';
import { theme } from './theme.js';

/**
 * Control characters and bidirectional overrides shown as `\xNN` / `\uNNNN`, never interpreted
 * (a directory name is untrusted text: it could move the cursor or reorder what is shown).
 */
export function visible(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The user's answer: remembered trust, remembered distrust, or nothing (Esc). */
export type TrustAnswer = 'trust' | 'untrust' | null;

/** Props of {@link TrustPrompt}. */
export interface TrustPromptProps {
  /** The project's real path. */
  dir: string;
  /** `.tether/config.json` keys that need trust. */
  keys: readonly string[];
  /** Other project files that need trust (e.g. `.mcp.json`). */
  files: readonly string[];
  onDone: (answer: TrustAnswer) => void;
}

const CHOICES: Array<{ answer: Exclude<TrustAnswer, null>; label: string }> = [
  { answer: 'untrust', label: "No, don't trust it: ignore those settings (remembered)" },
  { answer: 'trust', label: 'Yes, trust this project: apply them (remembered)' },
];

/** The prompt component. The safe answer is preselected. */
export function TrustPrompt({ dir, keys, files, onDone }: TrustPromptProps) {
  const [index, setIndex] = useState(0);
  const current = useRef(0);
  const onInput = useCallback(
    (input: string, key: InkKeyFlags) => {
      if (input === 'y' || input === 'Y') return onDone('trust');
      if (input === 'n' || input === 'N') return onDone('untrust');
      const cmd = resolveCommand('picker', normalizeInkKey(input, key));
      if (cmd === Command.PICK_UP || cmd === Command.PICK_DOWN) {
        current.current = 1 - current.current;
        setIndex(current.current);
      } else if (cmd === Command.PICK_CONFIRM) onDone(CHOICES[current.current]?.answer ?? null);
      else if (cmd === Command.PICK_CANCEL) onDone(null);
      return undefined;
    },
    [onDone],
  );
  useInput(onInput);
  return (
    <Box flexDirection="column">
      <Text bold>Do you trust the files in {visible(dir)}?</Text>
      {keys.length > 0 ? (
        <Text>
          Its .tether/config.json sets security-relevant settings:{' '}
          <Text color={theme.warn}>{keys.map(visible).join(', ')}</Text>
        </Text>
      ) : null}
      {files.length > 0 ? (
        <Text>
          It ships <Text color={theme.warn}>{files.map(visible).join(', ')}</Text> (MCP servers to start,
          custom commands), used only in a trusted project.
        </Text>
      ) : null}
      <Text color={theme.dim}>
        A cloned repository can use these to send your API key elsewhere or run commands without asking.
      </Text>
      {CHOICES.map((c, i) => (
        <Text key={c.answer} inverse={i === index}>
          {i === index ? '› ' : '  '}
          {c.label}
        </Text>
      ))}
      <Text color={theme.dim}>↑/↓ choose · Enter confirm · y/n · Esc ignore them this time</Text>
    </Box>
  );
}

/** Shows the prompt on the terminal; resolves with the answer. */
export async function askTrust(
  info: { dir: string; keys: readonly string[]; files: readonly string[] },
  io: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream },
): Promise<TrustAnswer> {
  let done: (a: TrustAnswer) => void = () => {};
  const answered = new Promise<TrustAnswer>((r) => {
    done = r;
  });
  const instance = render(<TrustPrompt {...info} onDone={(a) => done(a)} />, {
    stdout: io.stdout,
    stdin: io.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const answer = await answered;
  instance.unmount();
  instance.cleanup();
  return answer;
}

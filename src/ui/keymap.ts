/**
 * Keybindings are data: every key the UI reacts to is listed here, per focus context, and the
 * single input router resolves a key press to a {@link Command} through {@link resolveCommand}.
 * Printable text that matches no binding is inserted by the composer.
 */

/** Everything a key can ask the UI to do. */
export enum Command {
  SUBMIT = 'composer.submit',
  NEWLINE = 'composer.newline',
  COMPLETE = 'composer.complete',
  CURSOR_LEFT = 'cursor.left',
  CURSOR_RIGHT = 'cursor.right',
  CURSOR_UP = 'cursor.up',
  CURSOR_DOWN = 'cursor.down',
  HOME = 'cursor.home',
  END = 'cursor.end',
  WORD_LEFT = 'cursor.wordLeft',
  WORD_RIGHT = 'cursor.wordRight',
  BACKSPACE = 'edit.backspace',
  DELETE_FORWARD_OR_EXIT = 'edit.deleteForwardOrExit',
  DELETE_WORD_BACK = 'edit.deleteWordBack',
  KILL_LINE_BACK = 'edit.killLineBack',
  KILL_LINE_FORWARD = 'edit.killLineForward',
  INTERRUPT = 'app.interrupt',
  CLEAR_OR_EXIT = 'app.clearOrExit',
  APPROVE = 'approval.yes',
  DENY = 'approval.no',
  ALWAYS = 'approval.always',
  EDIT_COMMAND = 'approval.edit',
  EDIT_CONFIRM = 'approval.editConfirm',
  EDIT_CANCEL = 'approval.editCancel',
  DIFF_TOGGLE = 'approval.diffToggle',
  DIFF_SCROLL_UP = 'approval.diffUp',
  DIFF_SCROLL_DOWN = 'approval.diffDown',
  DIFF_PAGE_UP = 'approval.diffPageUp',
  DIFF_PAGE_DOWN = 'approval.diffPageDown',
  PASTE = 'composer.paste',
  PICK_UP = 'picker.up',
  PICK_DOWN = 'picker.down',
  PICK_CONFIRM = 'picker.confirm',
  PICK_CANCEL = 'picker.cancel',
}

/** A normalised key press (what the router matches bindings against). */
export interface KeyPress {
  /**
   * Named key ('return', 'escape', 'tab', 'up', 'backspace', 'paste', …) or the letter for
   * Ctrl/Meta combos; '' for text of several characters.
   */
  name: string;
  /** Text to insert for printable input (possibly many characters); a paste's text. */
  text: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
}

/** One binding: the key name plus the modifiers that must be held (unlisted ones must not be). */
export interface KeyBinding {
  name: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
}

/** Where focus is; bindings are looked up in the context, then in `global`. */
export type KeyContext = 'global' | 'composer' | 'approval' | 'approvalEdit' | 'picker';

type Bindings = ReadonlyArray<readonly [Command, readonly KeyBinding[]]>;

/** Line editing, shared by the composer and the approval's edit field (one composer reducer). */
const EDITING: Bindings = [
  [Command.CURSOR_LEFT, [{ name: 'left' }, { name: 'b', ctrl: true }]],
  [Command.CURSOR_RIGHT, [{ name: 'right' }, { name: 'f', ctrl: true }]],
  [Command.CURSOR_UP, [{ name: 'up' }, { name: 'p', ctrl: true }]],
  [Command.CURSOR_DOWN, [{ name: 'down' }, { name: 'n', ctrl: true }]],
  [Command.HOME, [{ name: 'home' }, { name: 'a', ctrl: true }]],
  [Command.END, [{ name: 'end' }, { name: 'e', ctrl: true }]],
  [
    Command.WORD_LEFT,
    [
      { name: 'left', meta: true },
      { name: 'left', ctrl: true },
      { name: 'b', meta: true },
    ],
  ],
  [
    Command.WORD_RIGHT,
    [
      { name: 'right', meta: true },
      { name: 'right', ctrl: true },
      { name: 'f', meta: true },
    ],
  ],
  [Command.BACKSPACE, [{ name: 'backspace' }, { name: 'h', ctrl: true }]],
  [Command.DELETE_FORWARD_OR_EXIT, [{ name: 'd', ctrl: true }]],
  [
    Command.DELETE_WORD_BACK,
    [
      { name: 'w', ctrl: true },
      { name: 'backspace', meta: true },
    ],
  ],
  [Command.KILL_LINE_BACK, [{ name: 'u', ctrl: true }]],
  [Command.KILL_LINE_FORWARD, [{ name: 'k', ctrl: true }]],
  [Command.PASTE, [{ name: 'paste' }]],
];

/** The default keymap. Order matters only for readability; lookups are exact. */
export const DEFAULT_KEYMAP: Readonly<Record<KeyContext, Bindings>> = {
  global: [
    [Command.INTERRUPT, [{ name: 'escape' }]],
    [Command.CLEAR_OR_EXIT, [{ name: 'c', ctrl: true }]],
  ],
  composer: [
    [Command.SUBMIT, [{ name: 'return' }]],
    // Shift+Enter where the terminal reports it (CSI u / modifyOtherKeys), Alt+Enter, Ctrl+J
    // everywhere. `\`+Enter is handled by the composer (it depends on the text before the cursor).
    [
      Command.NEWLINE,
      [
        { name: 'return', shift: true },
        { name: 'return', meta: true },
        { name: 'linefeed' },
        { name: 'j', ctrl: true },
      ],
    ],
    [Command.COMPLETE, [{ name: 'tab' }]],
    ...EDITING,
  ],
  // Esc is not bound here: it falls through to the global INTERRUPT and cancels the turn.
  approval: [
    [Command.APPROVE, [{ name: 'y' }, { name: 'return' }]],
    [Command.DENY, [{ name: 'n' }]],
    [Command.ALWAYS, [{ name: 'a' }]],
    [Command.EDIT_COMMAND, [{ name: 'e' }]],
    [Command.DIFF_TOGGLE, [{ name: 'v' }, { name: 'o', ctrl: true }]],
    [Command.DIFF_SCROLL_UP, [{ name: 'up' }, { name: 'k' }]],
    [Command.DIFF_SCROLL_DOWN, [{ name: 'down' }, { name: 'j' }]],
    [Command.DIFF_PAGE_UP, [{ name: 'pageup' }, { name: 'b' }]],
    [Command.DIFF_PAGE_DOWN, [{ name: 'pagedown' }, { name: ' ' }]],
  ],
  picker: [
    [Command.PICK_UP, [{ name: 'up' }, { name: 'k' }, { name: 'p', ctrl: true }]],
    [Command.PICK_DOWN, [{ name: 'down' }, { name: 'j' }, { name: 'n', ctrl: true }]],
    [Command.PICK_CONFIRM, [{ name: 'return' }]],
    [Command.PICK_CANCEL, [{ name: 'escape' }, { name: 'q' }, { name: 'c', ctrl: true }]],
  ],
  approvalEdit: [
    [Command.EDIT_CONFIRM, [{ name: 'return' }]],
    [Command.EDIT_CANCEL, [{ name: 'escape' }]],
    [
      Command.NEWLINE,
      [
        { name: 'return', shift: true },
        { name: 'return', meta: true },
        { name: 'linefeed' },
        { name: 'j', ctrl: true },
      ],
    ],
    ...EDITING,
  ],
};

function matches(b: KeyBinding, k: KeyPress): boolean {
  return b.name === k.name && !!b.ctrl === k.ctrl && !!b.meta === k.meta && !!b.shift === k.shift;
}

/**
 * The command bound to `key` in `context` (falling back to `global`, except that a context's own
 * binding of the same key wins: Escape denies in the approval prompt instead of interrupting).
 */
export function resolveCommand(
  context: KeyContext,
  key: KeyPress,
  keymap: typeof DEFAULT_KEYMAP = DEFAULT_KEYMAP,
): Command | null {
  for (const ctx of context === 'global' ? ['global' as const] : [context, 'global' as const]) {
    for (const [command, bindings] of keymap[ctx]) if (bindings.some((b) => matches(b, key))) return command;
  }
  return null;
}

/** Named-key flags as Ink's `useInput` reports them (a structural subset of Ink's `Key`). */
export interface InkKeyFlags {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  pageUp: boolean;
  pageDown: boolean;
  home: boolean;
  end: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  shift: boolean;
  tab: boolean;
  backspace: boolean;
  delete: boolean;
  meta: boolean;
}

// xterm modifyOtherKeys form of Shift+Enter (Ink leaves it unparsed, minus the ESC).
const MODIFY_OTHER_KEYS_SHIFT_ENTER = /^\[27;2;13~$/;

/** Converts Ink's `(input, key)` into a {@link KeyPress}. */
export function normalizeInkKey(input: string, key: InkKeyFlags): KeyPress {
  const base = { ctrl: key.ctrl, meta: key.meta, shift: key.shift, text: '' };
  if (key.return) return { ...base, name: 'return' };
  if (key.escape) return { ...base, name: 'escape', meta: false };
  if (key.tab) return { ...base, name: 'tab' };
  // Ink reports DEL (0x7f, what Backspace sends on most terminals) as `delete`.
  if (key.backspace || key.delete) return { ...base, name: 'backspace' };
  if (key.upArrow) return { ...base, name: 'up' };
  if (key.downArrow) return { ...base, name: 'down' };
  if (key.leftArrow) return { ...base, name: 'left' };
  if (key.rightArrow) return { ...base, name: 'right' };
  if (key.home) return { ...base, name: 'home' };
  if (key.end) return { ...base, name: 'end' };
  if (key.pageUp) return { ...base, name: 'pageup' };
  if (key.pageDown) return { ...base, name: 'pagedown' };
  if (input === '\n') return { ...base, name: 'linefeed' };
  if (MODIFY_OTHER_KEYS_SHIFT_ENTER.test(input)) return { ...base, name: 'return', shift: true };
  if (key.ctrl || key.meta)
    return {
      ...base,
      name: input.toLowerCase(),
      shift: key.shift && input.length === 1 && /[A-Z]/.test(input),
    };
  // Printable text (a keystroke or a whole paste): the shift flag is irrelevant for insertion.
  return { name: input.length === 1 ? input : '', text: input, ctrl: false, meta: false, shift: false };
}

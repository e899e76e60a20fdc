/** Slash commands: the catalogue (data) and prefix completion (pure). */

/** A slash command. */
export interface SlashCommand {
  name: string;
  /** Argument hint shown in completion, e.g. "[model]". */
  args?: string;
  description: string;
  /** Custom commands (Markdown prompt files): the prompt template sent to the model. */
  prompt?: string;
}

/** Custom commands of this session, set once at start-up (see src/config/custom-commands.ts). */
let customCommands: readonly SlashCommand[] = [];

export function setCustomCommands(list: readonly SlashCommand[]): void {
  customCommands = list;
}

/** Built-in commands, then custom ones. */
export function allSlashCommands(): readonly SlashCommand[] {
  return customCommands.length === 0 ? SLASH_COMMANDS : [...SLASH_COMMANDS, ...customCommands];
}

/** Every slash command, in menu order. */
export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: 'help', description: 'Show keys and commands' },
  { name: 'model', args: '[name]', description: 'Show or switch the model' },
  {
    name: 'approval',
    args: '[suggest|auto-edit|full-auto]',
    description: 'Show or switch the approval mode',
  },
  { name: 'status', description: 'Transport, chain, rotations and usage' },
  { name: 'diff', description: 'Show the git diff of the workspace' },
  { name: 'compact', description: 'Compact the conversation context now' },
  { name: 'new', description: 'Start a fresh session' },
  { name: 'resume', args: '[id]', description: 'Switch to a saved session of this directory (picker)' },
  { name: 'copy', description: 'Copy the last answer to the clipboard (OSC 52)' },
  { name: 'quit', description: 'Exit tether' },
  { name: 'mcp', description: 'MCP servers, their state and tools' },
  {
    name: 'ps',
    args: '[kill <id>]',
    description: 'Background processes the model started; kill <id> ends one',
  },
];

/** A parsed slash command line. */
export interface ParsedSlash {
  name: string;
  args: string;
}

/** Parses "/name args" (null when `text` is not a slash command). */
export function parseSlash(text: string): ParsedSlash | null {
  const m = /^\/([a-z0-9_:-]*)(?:\s+([\s\S]*))?$/i.exec(text.trim());
  if (!m) return null;
  return { name: (m[1] ?? '').toLowerCase(), args: (m[2] ?? '').trim() };
}

/**
 * Commands completing the text typed so far: only while the composer holds "/prefix" with no
 * space yet. Exact-prefix matches come first, then commands containing the text.
 */
export function completeSlash(text: string): SlashCommand[] {
  if (!text.startsWith('/') || /\s/.test(text)) return [];
  const q = text.slice(1).toLowerCase();
  const all = allSlashCommands();
  const starts = all.filter((c) => c.name.startsWith(q));
  const contains = all.filter((c) => !c.name.startsWith(q) && c.name.includes(q));
  return [...starts, ...contains];
}

/** Looks a command up by exact name. */
export function findSlash(name: string): SlashCommand | undefined {
  return allSlashCommands().find((c) => c.name === name);
}

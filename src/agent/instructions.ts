/**
 * The request's `instructions`: a built-in system prompt for a coding agent plus project
 * instructions from AGENTS.md files (global first, then git root → cwd, so the most specific
 * file comes last and wins on conflicts). `instructions` do not carry over between chained
 * responses (PROTOCOL §5.5), so the session resends this text with every create.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { globalInstructionsPath } from '../util/paths.js';
import type { ApprovalMode } from './events.js';

/** Names tried in each directory, in order; the first that exists is used. */
export const INSTRUCTION_FILE_NAMES = ['AGENTS.md', 'CLAUDE.md', 'GEMINI.md'] as const;

/** What the built-in prompt mentions about the environment. */
export interface PromptContext {
  cwd: string;
  approval: ApprovalMode;
  /** One line describing the sandbox tier. */
  sandbox: string;
  /** Tool names available to the model. */
  tools: string[];
  interactive: boolean;
}

/** The loaded instructions. */
export interface LoadedInstructions {
  /** Full `instructions` text (built-in prompt + project instructions). */
  text: string;
  /** Absolute paths of the instruction files used, in load order. */
  files: string[];
  /** Visible warnings (e.g. truncation). */
  warnings: string[];
}

const APPROVAL_TEXT: Record<ApprovalMode, string> = {
  suggest:
    "suggest: reads run automatically; edits and shell commands that are not known-safe need the user's approval",
  'auto-edit':
    'auto-edit: reads and edits inside the workspace run automatically; shell commands that are not known-safe need approval',
  'full-auto':
    'full-auto: tools run without asking (shell commands run sandboxed when a sandbox is available); dangerous commands still ask',
};

/** The built-in system prompt. */
export function builtinPrompt(ctx: PromptContext): string {
  return [
    "You are tether, a coding agent running in the user's terminal. You help with software engineering tasks in the workspace: reading and changing code, running commands and tests, and explaining what you find.",
    '',
    '# Environment',
    `- Workspace (current directory): ${ctx.cwd}`,
    `- Approval mode: ${APPROVAL_TEXT[ctx.approval]}.`,
    `- Sandbox: ${ctx.sandbox.replace(/^sandbox:\s*/i, '')}`,
    `- Tools: ${ctx.tools.join(', ') || '(none)'}`,
    ctx.interactive
      ? '- Session: interactive; the user sees your tool calls and may approve, edit or deny them.'
      : '- Session: non-interactive (a script or CI run); nobody can answer questions or approve calls, so finish the task on your own and end with a final answer.',
    '',
    '# How to work',
    '- Inspect before you change: read the relevant files, search with grep/glob, and run the tests when they exist.',
    '- Prefer apply_patch or edit for changes to existing files; keep changes minimal and in the style of the surrounding code.',
    '- Paths are relative to the workspace. Do not touch files outside it, .git internals or .tether/.',
    '- When a tool call is denied, do not retry it in another form; continue without it or explain what the user must do.',
    '- Never print or write secrets (API keys, tokens) you come across.',
    '',
    '# Answering',
    '- Be concise and direct. Use Markdown sparingly: short paragraphs, lists, and fenced code blocks with a language.',
    '- When you changed files, end with a short summary of what changed and how it was verified.',
  ].join('\n');
}

/** The git repository root containing `dir` (a folder with `.git`), or null. */
export function findGitRoot(dir: string): string | null {
  let cur = resolve(dir);
  for (;;) {
    if (existsSync(join(cur, '.git'))) return cur;
    const parent = dirname(cur);
    if (parent === cur) return null;
    cur = parent;
  }
}

/** Directories from the git root (or `cwd` when outside a repository) down to `cwd`. */
export function projectDirs(cwd: string): string[] {
  const start = resolve(cwd);
  const root = findGitRoot(start) ?? start;
  const dirs: string[] = [];
  let cur = start;
  for (;;) {
    dirs.unshift(cur);
    if (cur === root) break;
    const parent = dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  return dirs;
}

function firstExisting(dir: string): string | null {
  for (const name of INSTRUCTION_FILE_NAMES) {
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* not there */
    }
  }
  return null;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  // Step back over continuation bytes (10xxxxxx) so a multi-byte character is not split.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/**
 * Finds and reads the instruction files for `cwd`. Project instructions are capped at
 * `maxBytes` in total (UTF-8); files beyond the cap are cut or skipped with a warning.
 */
export function loadProjectInstructions(
  cwd: string,
  maxBytes: number,
  env: NodeJS.ProcessEnv = process.env,
): { sections: Array<{ path: string; text: string }>; files: string[]; warnings: string[] } {
  const candidates: string[] = [];
  const global = globalInstructionsPath(env);
  if (existsSync(global)) candidates.push(global);
  for (const dir of projectDirs(cwd)) {
    const f = firstExisting(dir);
    if (f && !candidates.includes(f)) candidates.push(f);
  }
  const sections: Array<{ path: string; text: string }> = [];
  const files: string[] = [];
  const warnings: string[] = [];
  let used = 0;
  for (const path of candidates) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (err) {
      warnings.push(`could not read ${path}: ${(err as Error).message}`);
      continue;
    }
    if (!text) continue;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (used + bytes > maxBytes) {
      const room = maxBytes - used;
      if (room > 0) {
        sections.push({ path, text: `${truncateUtf8(text, room)}\n[… truncated]` });
        files.push(path);
      }
      warnings.push(
        `project instructions truncated at ${maxBytes} bytes (instructionsMaxBytes): ${path} ${room > 0 ? 'was cut' : 'was skipped'}` +
          `${candidates.indexOf(path) < candidates.length - 1 ? ' and later files were skipped' : ''}`,
      );
      break;
    }
    used += bytes;
    sections.push({ path, text });
    files.push(path);
  }
  return { sections, files, warnings };
}

/** Builds the full `instructions` text for a session. */
export function buildInstructions(
  ctx: PromptContext & { maxBytes: number; env?: NodeJS.ProcessEnv },
): LoadedInstructions {
  const project = loadProjectInstructions(ctx.cwd, ctx.maxBytes, ctx.env);
  let text = builtinPrompt(ctx);
  if (project.sections.length > 0) {
    text +=
      '\n\n# Project instructions\nThese come from instruction files; later (more specific) files take precedence.';
    for (const s of project.sections) {
      const rel = relative(ctx.cwd, s.path);
      const label = rel.startsWith('..') || rel === '' ? s.path : rel;
      text += `\n\n## ${label}\n\n${s.text}`;
    }
  }
  return { text, files: project.files, warnings: project.warnings };
}

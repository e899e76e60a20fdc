/**
 * Custom slash commands: Markdown prompt files, like Codex's custom prompts and Claude Code's
 * commands. `<dir>/review.md` becomes `/review`; `<dir>/git/commit.md` becomes `/git:commit`.
 * Sources: the user's `<config dir>/commands/` and, in a trusted project only, the project's
 * `.tether/commands/` (a project command replaces a user command of the same name). A file may
 * start with a front matter block (`description:`, `argument-hint:`). In the body, `$ARGUMENTS`
 * is replaced by everything typed after the name and `$1`…`$9` by single words; a body with
 * neither gets the arguments appended.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface CustomCommand {
  /** Name typed after `/`. */
  name: string;
  description: string;
  argumentHint?: string;
  /** The prompt template (front matter removed). */
  body: string;
  /** `user` or `project`. */
  source: 'user' | 'project';
  path: string;
}

/** Largest prompt file read (bytes); bigger files are skipped. */
const MAX_FILE_BYTES = 64 * 1024;
const MAX_DEPTH = 3;
const NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;

/** Splits an optional `---` front matter block from the body. Pure. */
export function parseCommandFile(text: string): { meta: Record<string, string>; body: string } {
  const t = text.replace(/^\uFEFF/, '');
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(t);
  if (!m) return { meta: {}, body: t.trim() };
  const meta: Record<string, string> = {};
  for (const line of (m[1] ?? '').split(/\r?\n/)) {
    const kv = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (kv?.[1]) meta[kv[1].toLowerCase()] = (kv[2] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return { meta, body: t.slice(m[0].length).trim() };
}

/** Splits arguments like a shell would for `$1`…`$9` (quotes group words). Pure. */
export function splitArgs(args: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of args.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** The prompt a custom command sends for `args`. Pure. */
export function expandCommand(body: string, args: string): string {
  const words = splitArgs(args);
  const usesArgs = /\$ARGUMENTS\b|\$[1-9]\b/.test(body);
  // One pass, so text coming from the arguments is never expanded again.
  let out = body.replace(/\$ARGUMENTS\b|\$([1-9])\b/g, (_m, d: string | undefined) =>
    d === undefined ? args : (words[Number(d) - 1] ?? ''),
  );
  if (!usesArgs && args.trim()) out = `${out}\n\n${args.trim()}`;
  return out;
}

function scan(
  dir: string,
  source: 'user' | 'project',
  prefix: string,
  depth: number,
  out: Map<string, CustomCommand>,
  warnings: string[],
): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      const sub = e.name.toLowerCase();
      if (depth < MAX_DEPTH && NAME_RE.test(sub))
        scan(path, source, `${prefix}${sub}:`, depth + 1, out, warnings);
      continue;
    }
    if (!e.isFile() || !e.name.toLowerCase().endsWith('.md')) continue;
    const base = e.name.slice(0, -3).toLowerCase();
    if (!NAME_RE.test(base)) {
      warnings.push(`custom command ${path} skipped: the name must use a-z, 0-9, - and _`);
      continue;
    }
    try {
      if (statSync(path).size > MAX_FILE_BYTES) {
        warnings.push(`custom command ${path} skipped: larger than ${MAX_FILE_BYTES} bytes`);
        continue;
      }
      const { meta, body } = parseCommandFile(readFileSync(path, 'utf8'));
      if (!body) continue;
      const firstLine =
        body
          .split('\n')
          .find((l) => l.trim())
          ?.replace(/^#+\s*/, '') ?? '';
      out.set(`${prefix}${base}`, {
        name: `${prefix}${base}`,
        description: (meta['description'] ?? firstLine).slice(0, 100),
        ...(meta['argument-hint'] ? { argumentHint: meta['argument-hint'] } : {}),
        body,
        source,
        path,
      });
    } catch {
      // unreadable: skipped
    }
  }
}

/**
 * Loads the user's and (when `projectDir` is given, i.e. the project is trusted) the project's
 * commands. Names in `reserved` (the built-in commands) are skipped with a warning.
 */
export function loadCustomCommands(opts: {
  userDir: string;
  projectDir?: string | null;
  reserved: readonly string[];
}): { commands: CustomCommand[]; warnings: string[] } {
  const byName = new Map<string, CustomCommand>();
  const warnings: string[] = [];
  scan(opts.userDir, 'user', '', 0, byName, warnings);
  if (opts.projectDir) scan(opts.projectDir, 'project', '', 0, byName, warnings);
  for (const name of [...byName.keys()]) {
    if (opts.reserved.includes(name)) {
      warnings.push(`custom command /${name} (${byName.get(name)?.path}) skipped: /${name} is built in`);
      byName.delete(name);
    }
  }
  return { commands: [...byName.values()], warnings };
}

/**
 * Files that need the user's approval in every approval mode (issue 13 §7), by name only (pure,
 * no file system access; callers pass real paths and, for symlinks, the requested path too):
 *
 * - dotenv files hold secrets: reading or grepping `.env`, `.env.local`, `.env.production`, …
 *   asks (denied in `--prompt` runs unless `allowDotenv` is set). Templates that hold no secrets
 *   (last suffix `example`, `sample`, `template` or `dist`) are ordinary files.
 * - "autorun" files make a program run code on the user's next routine action without showing
 *   it: entering the directory (direnv), committing (git hook managers), opening the folder in
 *   an editor or dev container, the next npm/yarn/cargo command, pushing (CI workflows), the
 *   next session of an agent or MCP client. Writing one asks in every mode, full-auto included.
 *   `.git/` and `.tether/` are not listed: file tools cannot write there at all.
 *
 * Names are compared case-folded with trailing dots and spaces trimmed, the way case-insensitive
 * file systems (macOS, Windows) resolve them.
 */

/** Folds one path segment for comparison. */
export function foldName(segment: string): string {
  return segment.replace(/[. ]+$/, (m) => (m.length === segment.length ? m : '')).toLowerCase();
}

const DOTENV = /^\.env(\..+)?$/;

/**
 * Last suffixes that make a dotenv name a template, not a secret (`.env.example`,
 * `.env.local.sample`, `.env.production.template`, `.env.dist`).
 */
export const DOTENV_TEMPLATE_SUFFIXES: readonly string[] = ['example', 'sample', 'template', 'dist'];

/**
 * Whether a file name (one segment) is a dotenv file that may hold secrets. The one predicate
 * for the file tools, grep and the sandbox's dotenv masks.
 */
export function isDotenvName(name: string): boolean {
  const folded = foldName(name);
  if (!DOTENV.test(folded)) return false;
  return folded === '.env' || !DOTENV_TEMPLATE_SUFFIXES.includes(folded.slice(folded.lastIndexOf('.') + 1));
}

/** Whether the last segment of `path` (either separator) is a dotenv file name. */
export function isDotenvPath(path: string): boolean {
  const segments = path.split(/[\\/]+/).filter((s) => s !== '');
  const last = segments[segments.length - 1];
  return last !== undefined && isDotenvName(last);
}

/** File names that configure code to run automatically, wherever they are. */
const AUTORUN_NAMES: ReadonlyMap<string, string> = new Map([
  ['.envrc', 'direnv runs it on entering the directory'],
  ['.npmrc', 'npm reads it on the next npm command (script-shell, node-options)'],
  ['.yarnrc', 'yarn reads it on the next yarn command'],
  ['.yarnrc.yml', 'yarn reads it on the next yarn command (yarnPath)'],
  ['.pre-commit-config.yaml', 'pre-commit runs its hooks on the next commit'],
  ['lefthook.yml', 'lefthook runs its hooks on the next commit'],
  ['lefthook.yaml', 'lefthook runs its hooks on the next commit'],
  ['.lefthook.yml', 'lefthook runs its hooks on the next commit'],
  ['.lefthook.yaml', 'lefthook runs its hooks on the next commit'],
  ['.gitlab-ci.yml', 'CI runs it on the next push'],
  ['.mcp.json', 'MCP clients start its servers in the next session'],
  ['.bashrc', 'the shell runs it on start'],
  ['.bash_profile', 'the shell runs it on start'],
  ['.zshrc', 'the shell runs it on start'],
  ['.zprofile', 'the shell runs it on start'],
  ['.profile', 'the shell runs it on start'],
  ['.gitconfig', 'git reads it on every command'],
  ['mise.toml', 'mise runs its hooks on entering the directory'],
  ['.mise.toml', 'mise runs its hooks on entering the directory'],
  ['mise.local.toml', 'mise runs its hooks on entering the directory'],
  ['.mise.local.toml', 'mise runs its hooks on entering the directory'],
  ['.pnpmfile.cjs', 'pnpm runs it on the next install'],
]);

/** Directories whose every file configures code to run automatically. */
const AUTORUN_DIRS: ReadonlyMap<string, string> = new Map([
  ['.husky', 'git hooks run on the next commit'],
  ['.githooks', 'git hooks run on the next commit'],
  ['.devcontainer', 'the dev container runs it when the folder is opened'],
  ['.idea', 'the JetBrains IDE reads it when the project is opened'],
]);

/** `dir/name` pairs (parent directory + file name). */
const AUTORUN_PAIRS: ReadonlyMap<string, string> = new Map([
  ['.vscode/settings.json', 'the editor applies it when the folder is opened'],
  ['.vscode/tasks.json', 'the editor can run its tasks when the folder is opened'],
  ['.vscode/launch.json', 'the editor runs it on the next debug start'],
  ['.cargo/config', 'cargo reads it on the next build (runner, rustc-wrapper)'],
  ['.cargo/config.toml', 'cargo reads it on the next build (runner, rustc-wrapper)'],
  ['.claude/settings.json', 'Claude Code runs its hooks in the next session'],
  ['.claude/settings.local.json', 'Claude Code runs its hooks in the next session'],
  ['.vscode/mcp.json', 'the editor starts its MCP servers when the folder is opened'],
  ['.cursor/mcp.json', 'Cursor starts its MCP servers when the folder is opened'],
  ['.cursor/hooks.json', 'Cursor runs its hooks in the next session'],
  ['.cursor/environment.json', 'Cursor runs its install command in the next session'],
  ['.mise/config.toml', 'mise runs its hooks on entering the directory'],
  ['mise/config.toml', 'mise runs its hooks on entering the directory'],
  ['.config/mise.toml', 'mise runs its hooks on entering the directory'],
]);

/** `mise.<env>.toml`, `.mise.<env>.toml` (mise reads them for MISE_ENV). */
const MISE_ENV = /^\.?mise\.[^./]+\.toml$/;

/**
 * Why writing `path` would make code run on the user's next action without review, or null.
 * `path` may be absolute or relative; any depth counts (nested packages have their own hooks).
 */
export function autorunReason(path: string): string | null {
  const segs = path
    .split(/[\\/]+/)
    .filter((s) => s !== '')
    .map(foldName);
  const name = segs[segs.length - 1];
  if (name === undefined) return null;
  const byName = AUTORUN_NAMES.get(name);
  if (byName) return byName;
  if (name.endsWith('.code-workspace')) return 'the editor applies it when the workspace is opened';
  if (MISE_ENV.test(name)) return 'mise runs its hooks on entering the directory';
  const parent = segs[segs.length - 2];
  if (name.endsWith('.pth') && parent === 'site-packages')
    return 'python runs its import lines on every start';
  if (parent === 'mise' && segs[segs.length - 3] === '.config' && name.endsWith('.toml'))
    return 'mise runs its hooks on entering the directory';
  if (parent === 'conf.d' && segs[segs.length - 3] === 'mise' && name.endsWith('.toml'))
    return 'mise runs its hooks on entering the directory';
  if (parent !== undefined) {
    const pair = AUTORUN_PAIRS.get(`${parent}/${name}`);
    if (pair) return pair;
  }
  for (let i = 0; i < segs.length - 1; i++) {
    const dir = AUTORUN_DIRS.get(segs[i] as string);
    if (dir) return dir;
    if (segs[i] === '.github' && segs[i + 1] === 'workflows' && i + 1 < segs.length - 1)
      return 'CI runs it on the next push';
  }
  return null;
}

/** Every name, `dir/name` pair and directory {@link autorunReason} matches (for docs and tests). */
export const AUTORUN_PATTERNS: readonly string[] = [
  ...AUTORUN_NAMES.keys(),
  '*.code-workspace',
  'mise.*.toml',
  '.mise.*.toml',
  '.config/mise/*.toml',
  'mise/conf.d/*.toml',
  'site-packages/*.pth',
  ...AUTORUN_PAIRS.keys(),
  ...[...AUTORUN_DIRS.keys()].map((d) => `${d}/**`),
  '.github/workflows/**',
];

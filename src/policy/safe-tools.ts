/**
 * The known-safe tools and, for each, every flag it may be given. A flag not listed here (or an
 * abbreviation of one: GNU tools accept `--out` for `--output`) makes the command not known-safe;
 * so do the write and execute forms of these "read-only" tools (`sort -o`, `uniq IN OUT`,
 * `find -exec/-delete/-fprint…`, `rg --pre`, `sed` other than `-n Np`). git is deliberately not
 * here: even `git status` can run programs a repository configures (core.fsmonitor).
 */

import { checkFlags, type FlagSpec } from './safe-flag-spec.js';
import { SEARCH_SPECS } from './safe-search-specs.js';

const LINUX_ONLY = new Set(['numfmt', 'tac']);

const SPECS: Record<string, FlagSpec> = {
  ...SEARCH_SPECS,
  cat: {
    short: 'AbeEnstTuv',
    long: [
      'show-all',
      'number-nonblank',
      'show-ends',
      'number',
      'squeeze-blank',
      'show-tabs',
      'show-nonprinting',
    ],
  },
  cd: { short: 'LP', maxOperands: 1 },
  cut: {
    short: 'nsz',
    shortArg: 'bcdf',
    long: ['complement', 'only-delimited', 'zero-terminated'],
    longArg: ['bytes', 'characters', 'delimiter', 'fields', 'output-delimiter'],
  },
  echo: { any: true },
  expr: { any: true },
  false: { any: true },
  true: { any: true },
  head: {
    short: 'qvz',
    shortArg: 'nc',
    numeric: true,
    long: ['quiet', 'silent', 'verbose', 'zero-terminated'],
    longArg: ['lines', 'bytes'],
  },
  // No -f/-F/--follow: they never end.
  tail: {
    short: 'qvz',
    shortArg: 'nc',
    numeric: true,
    long: ['quiet', 'silent', 'verbose', 'zero-terminated'],
    longArg: ['lines', 'bytes'],
  },
  id: { short: 'agGnruzZ', long: ['group', 'groups', 'name', 'real', 'user', 'zero', 'context'] },
  nl: {
    short: 'p',
    shortArg: 'bdfhilnsvw',
    long: ['no-renumber'],
    longArg: [
      'body-numbering',
      'section-delimiter',
      'footer-numbering',
      'header-numbering',
      'line-increment',
      'join-blank-lines',
      'number-format',
      'number-separator',
      'starting-line-number',
      'number-width',
    ],
  },
  paste: { short: 'sz', shortArg: 'd', long: ['serial', 'zero-terminated'], longArg: ['delimiters'] },
  pwd: { short: 'LP', maxOperands: 0 },
  rev: { maxOperands: 64 },
  seq: { any: true },
  stat: {
    short: 'Lft',
    shortArg: 'c',
    long: ['dereference', 'file-system', 'terse'],
    longArg: ['format', 'printf', 'cached'],
  },
  tr: { any: true },
  uname: {
    short: 'asnrvmpio',
    long: [
      'all',
      'kernel-name',
      'nodename',
      'kernel-release',
      'kernel-version',
      'machine',
      'processor',
      'hardware-platform',
      'operating-system',
    ],
    maxOperands: 0,
  },
  // uniq [IN [OUT]]: a second operand is a file it writes.
  uniq: {
    short: 'cdDiuz',
    shortArg: 'fsw',
    long: ['count', 'repeated', 'unique', 'zero-terminated', 'ignore-case'],
    longArg: ['skip-fields', 'skip-chars', 'check-chars'],
    longOptArg: ['all-repeated', 'group'],
    maxOperands: 1,
  },
  wc: {
    short: 'clmwL',
    long: ['bytes', 'chars', 'lines', 'words', 'max-line-length'],
    longArg: ['files0-from', 'total'],
  },
  which: { short: 'as' },
  whoami: { maxOperands: 0 },
  numfmt: {
    shortArg: 'd',
    long: ['debug', 'grouping', 'zero-terminated'],
    longArg: [
      'delimiter',
      'field',
      'format',
      'from',
      'from-unit',
      'header',
      'invalid',
      'padding',
      'round',
      'suffix',
      'to',
      'to-unit',
    ],
  },
  tac: { short: 'br', shortArg: 's', long: ['before', 'regex'], longArg: ['separator'] },
  // -o/--output, --compress-program, -T/--temporary-directory and --random-source are left out.
  sort: {
    short: 'bdfgiMhnRrVcCsuz',
    shortArg: 'ktS',
    long: [
      'ignore-leading-blanks',
      'dictionary-order',
      'ignore-case',
      'general-numeric-sort',
      'ignore-nonprinting',
      'month-sort',
      'human-numeric-sort',
      'numeric-sort',
      'random-sort',
      'reverse',
      'version-sort',
      'stable',
      'unique',
      'zero-terminated',
    ],
    longArg: ['key', 'field-separator', 'buffer-size', 'parallel'],
    longOptArg: ['check'],
  },
  // GNU base64 [FILE]; BSD base64 writes with -o.
  base64: {
    short: 'di',
    shortArg: 'w',
    long: ['decode', 'ignore-garbage'],
    longArg: ['wrap'],
    maxOperands: 1,
  },
  // No --pre/--pre-glob (runs a program per file), -z/--search-zip (runs decompressors),
  // --hostname-bin, -L/--follow.
};

// find: tests, options and actions that only read and print to stdout.
const FIND_NO_ARG = new Set([
  '-print',
  '-print0',
  '-ls',
  '-prune',
  '-quit',
  '-true',
  '-false',
  '-empty',
  '-readable',
  '-writable',
  '-executable',
  '-nouser',
  '-nogroup',
  '-depth',
  '-xdev',
  '-mount',
  '-noleaf',
  '-daystart',
  '-follow',
  '-ignore_readdir_race',
  '-noignore_readdir_race',
  '-not',
  '!',
  '-a',
  '-and',
  '-o',
  '-or',
  '(',
  ')',
  ',',
  '-d',
  '-H',
  '-L',
  '-P',
]);
const FIND_ONE_ARG = new Set([
  '-name',
  '-iname',
  '-path',
  '-ipath',
  '-wholename',
  '-iwholename',
  '-lname',
  '-ilname',
  '-regex',
  '-iregex',
  '-regextype',
  '-type',
  '-xtype',
  '-maxdepth',
  '-mindepth',
  '-size',
  '-perm',
  '-user',
  '-group',
  '-uid',
  '-gid',
  '-links',
  '-inum',
  '-samefile',
  '-newer',
  '-anewer',
  '-cnewer',
  '-mtime',
  '-atime',
  '-ctime',
  '-mmin',
  '-amin',
  '-cmin',
  '-used',
  '-fstype',
  '-printf',
  '-context',
]);

function checkFind(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (FIND_NO_ARG.has(a)) continue;
    if (FIND_ONE_ARG.has(a) || /^-newer[aBcmt][aBcmt]$/.test(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-') && a !== '-') return `find ${a} is not on its allow-list`;
    // A starting point (or a stray operand that find itself rejects).
  }
  return '';
}

/** `sed -n Np` / `sed -n M,Np` with at most one file (Codex `is_valid_sed_n_arg`). */
function checkSed(args: readonly string[]): string {
  if (args.length >= 2 && args.length <= 3 && args[0] === '-n' && /^(\d+,)?\d+p$/.test(args[1] as string))
    return '';
  return 'sed other than `sed -n Np [FILE]`';
}

/**
 * Why the literal argv of one simple command is not known-safe ('' when it is). The name must be
 * a bare tool name (not `./ls`, `bin/cat` or `/usr/bin/cat`).
 */
export function unsafeArgvReason(
  argv: readonly string[],
  platform: NodeJS.Platform = process.platform,
): string {
  const cmd = argv[0];
  if (cmd === undefined || cmd === '') return 'empty command';
  if (cmd.includes('/')) return `path-qualified executable ${cmd}`;
  const args = argv.slice(1);
  if (cmd === 'find') return checkFind(args);
  if (cmd === 'sed') return checkSed(args);
  if (LINUX_ONLY.has(cmd) && platform !== 'linux') return `${cmd} is only known-safe on Linux`;
  const spec = SPECS[cmd];
  if (!spec) return `${cmd} is not a known-safe tool`;
  return checkFlags(cmd, spec, args);
}

/** The names of the known-safe tools (for documentation and tests). */
export function knownSafeTools(): string[] {
  return [...Object.keys(SPECS), 'find', 'sed'].sort();
}

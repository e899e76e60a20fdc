/** Matching command-line options as getopt/git parse them (for the destructive-command checks). */

export function baseName(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

/**
 * `--name` is `long` or an abbreviation of it: git accepts any unambiguous prefix of two letters
 * or more; GNU getopt_long any unambiguous prefix at all (`rm --f` is `--force`: pass `min` 1).
 */
export function longIs(arg: string, long: string, min = 2): boolean {
  if (!arg.startsWith('--')) return false;
  const name = arg.slice(2).split('=')[0] as string;
  return name.length >= min && long.startsWith(name);
}

/** A short-flag group (`-fdx`) containing `flag`, before any `--`. */
export function shortHas(args: readonly string[], flag: string): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (/^-[A-Za-z0-9]+$/.test(a) && a.slice(1).includes(flag)) return true;
  }
  return false;
}

/** The options before any `--`. */
export function optionsOf(args: readonly string[]): readonly string[] {
  const end = args.indexOf('--');
  return end >= 0 ? args.slice(0, end) : args;
}

/** Any option before `--` is one of `longs` (or its abbreviation, see {@link longIs}). */
export function anyLong(args: readonly string[], ...longs: string[]): boolean {
  return optionsOf(args).some((a) => longs.some((l) => longIs(a, l)));
}

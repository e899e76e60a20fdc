/** The flag allow-list format of the known-safe tools (safe-tools.ts) and its checker. */

/** How one tool's argv is checked. */
export interface FlagSpec {
  /** Short flags without a value (each may be grouped: `-la`). */
  short?: string;
  /** Short flags taking a value (`-n 5`, `-n5`). */
  shortArg?: string;
  /** Long flags without a value. */
  long?: readonly string[];
  /** Long flags taking a value (`--lines=5`, `--lines 5`). */
  longArg?: readonly string[];
  /** Long flags that may take `=value` but never consume the next word (`--color[=WHEN]`). */
  longOptArg?: readonly string[];
  /** `-5` style numeric flags (head, tail, grep context). */
  numeric?: boolean;
  /** Most operands allowed (`uniq IN [OUT]` writes OUT: 1). */
  maxOperands?: number;
  /** Accept any argv (echo, true…: nothing in their arguments writes or runs anything). */
  any?: boolean;
}

function isNumeric(arg: string): boolean {
  return /^-[0-9]+$/.test(arg);
}

/** Checks `args` (after the command name) against `spec`; returns the first problem or ''. */
export function checkFlags(cmd: string, spec: FlagSpec, args: readonly string[]): string {
  if (spec.any) return '';
  let operands = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      operands += args.length - i - 1;
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (spec.long?.includes(name) && eq < 0) continue;
      if (spec.longOptArg?.includes(name)) continue;
      if (spec.longArg?.includes(name)) {
        if (eq < 0) i++;
        continue;
      }
      return `${cmd} flag ${a.slice(0, eq >= 0 ? eq : undefined)} is not on its allow-list`;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (spec.numeric && isNumeric(a)) continue;
      for (let j = 1; j < a.length; j++) {
        const f = a[j] as string;
        if (spec.shortArg?.includes(f)) {
          if (j === a.length - 1) i++;
          break;
        }
        if (!spec.short?.includes(f)) return `${cmd} flag -${f} is not on its allow-list`;
      }
      continue;
    }
    operands++;
  }
  if (spec.maxOperands !== undefined && operands > spec.maxOperands)
    return `${cmd} with ${operands} operands (at most ${spec.maxOperands})`;
  return '';
}

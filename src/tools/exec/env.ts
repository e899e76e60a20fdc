/**
 * Child environment sanitisation (RELIABILITY B4, R23; gemini's `environmentSanitization.ts`):
 * drop variables whose name looks secret, or whose value looks like a credential, but always
 * keep the basics a shell needs.
 */
import { SECRET_NAME_RE } from '../../util/redact.js';

const ALWAYS_KEEP = new Set([
  'PATH',
  'HOME',
  'LANG',
  'SHELL',
  'TMPDIR',
  'USER',
  'LOGNAME',
  'TERM',
  'COLORTERM',
  'PWD',
  'TZ',
]);

const SECRET_VALUE_PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@/i,
  /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bAIzaSy[A-Za-z0-9_-]{20,}/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
  /\bsk_live_[A-Za-z0-9]{10,}/,
  /\bxox[baprs]-[A-Za-z0-9-]{10,}/,
  /\bsk-[A-Za-z0-9_-]{20,}/,
];

/** Whether a variable would be removed by {@link sanitizeEnv}. */
export function isSecretVar(name: string, value: string): boolean {
  if (ALWAYS_KEEP.has(name) || name.startsWith('LC_')) return false;
  if (SECRET_NAME_RE.test(name)) return true;
  return SECRET_VALUE_PATTERNS.some((re) => re.test(value));
}

/** A copy of `env` without secrets. */
export function sanitizeEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (!isSecretVar(name, value)) out[name] = value;
  }
  return out;
}

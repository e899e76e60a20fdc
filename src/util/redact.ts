/**
 * Secret redaction for everything tether writes (logs, JSONL, session files, errors).
 * Known values (the API key and secret env values) are replaced first, longest first, so one
 * secret being a prefix of another leaves no fragment; then pattern redaction catches the rest.
 */

const known = new Set<string>();

/** Env var names whose values are secrets (gemini's name filter). */
export const SECRET_NAME_RE = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|AUTH|CREDENTIAL|CREDS|PRIVATE|CERT/i;

const PATTERNS: RegExp[] = [
  /sk-[A-Za-z0-9_-]{20,}/g,
  /Bearer\s+[^\s"']+/g,
  /gh[pousr]_[A-Za-z0-9]{20,}/g,
  /github_pat_[A-Za-z0-9_]{20,}/g,
  /AIzaSy[A-Za-z0-9_-]{20,}/g,
  /AKIA[0-9A-Z]{16}/g,
  /xox[baprs]-[A-Za-z0-9-]{10,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // The scheme is anchored (no scheme character before it) and bounded, which keeps this linear
  // on long alphanumeric runs (unanchored, it was quadratic: 100k chars took 10 s).
  /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s:/@]+:[^\s@/]+@/gi,
];

/** Registers a literal secret to redact everywhere (values shorter than 6 chars are ignored). */
export function addSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) known.add(value);
}

/**
 * Values that are plain absolute paths (`SSH_AUTH_SOCK=/run/user/1000/keyring/ssh`,
 * `XAUTHORITY=/home/u/.Xauthority`) name where a secret lives, not the secret; redacting them
 * would blank paths in every tool output the model reads.
 */
const PATH_VALUE = /^(\/[\w.@+-]+)+\/?$/;

/**
 * A bare origin (`NEXTAUTH_URL=http://localhost:3000`) is an address, not a secret; redacting it
 * (and its fragments) would mangle every output naming the host. A URL with a path, query or
 * credentials stays a secret (webhook URLs carry their token in the path).
 */
const PLAIN_URL_VALUE = /^[a-z][a-z0-9+.-]*:\/\/[^\s@?#/]*\/?$/i;

/** Registers the values of secret-looking env vars (and OPENAI_API_KEY) from `env`. */
export function addSecretsFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(env)) {
    if (value && SECRET_NAME_RE.test(name) && !PATH_VALUE.test(value) && !PLAIN_URL_VALUE.test(value))
      addSecret(value);
  }
}

/** Replaces every known secret and secret-shaped substring with `[REDACTED]`. */
export function redact(text: string): string {
  let out = text;
  if (known.size > 0) {
    const list = [...known].sort((a, b) => b.length - a.length);
    for (const secret of list) {
      if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    }
  }
  for (const re of PATTERNS) {
    out = out.replace(re, (match, scheme: unknown) =>
      typeof scheme === 'string' && match.endsWith('@') ? `${scheme}[REDACTED]@` : '[REDACTED]',
    );
  }
  return out;
}

/** Length of the longest registered secret (0 when none), for streaming hold-back. */
export function maxSecretLength(): number {
  let max = 0;
  for (const s of known) if (s.length > max) max = s.length;
  return max;
}

/**
 * Replaces only the registered secret values (no patterns), for text whose shape must survive,
 * such as spill files the model reads back: a pattern would also mangle legitimate content.
 */
export function redactKnown(text: string): string {
  let out = text;
  for (const secret of [...known].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}

/** Shortest piece of a registered secret that {@link redactForModel} treats as a cut fragment. */
export const MIN_SECRET_FRAGMENT = 12;

/**
 * Redaction of tool output before it is sent to the model (issue 13 §7): every registered
 * secret value, plus the pieces a cut leaves behind — truncation (head/tail windows, long-line
 * caps) can split a secret so that only its start or its end survives. A run of at least
 * {@link MIN_SECRET_FRAGMENT} characters that is a proper prefix of a secret (followed by
 * something else) or a proper suffix of one (preceded by something else) is replaced too.
 * No patterns: the model must see legitimate content (test fixtures, docs) unchanged.
 * Transformed secrets (base64, hex, reversed, split over lines) are not recognised.
 */
export function redactForModel(text: string): string {
  if (known.size === 0) return text;
  let out = redactKnown(text);
  for (const secret of known) {
    if (secret.length <= MIN_SECRET_FRAGMENT) continue;
    out = redactFragments(out, secret);
  }
  return out;
}

/** Replaces proper prefixes and suffixes (>= MIN_SECRET_FRAGMENT chars) of `secret` in `text`. */
function redactFragments(text: string, secret: string): string {
  const spans: Array<[number, number]> = [];
  const head = secret.slice(0, MIN_SECRET_FRAGMENT);
  for (let i = text.indexOf(head); i >= 0; i = text.indexOf(head, i + 1)) {
    let n = MIN_SECRET_FRAGMENT;
    while (n < secret.length && text[i + n] === secret[n]) n++;
    spans.push([i, i + n]);
  }
  const tail = secret.slice(-MIN_SECRET_FRAGMENT);
  for (let j = text.indexOf(tail); j >= 0; j = text.indexOf(tail, j + 1)) {
    const end = j + MIN_SECRET_FRAGMENT;
    let n = MIN_SECRET_FRAGMENT;
    while (n < secret.length && end - n - 1 >= 0 && text[end - n - 1] === secret[secret.length - n - 1]) n++;
    spans.push([end - n, end]);
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [from, to] of spans) {
    if (to <= at) continue;
    out += `${text.slice(at, Math.max(at, from))}[REDACTED]`;
    at = to;
  }
  return out + text.slice(at);
}

/** True when any secret value is registered. */
export function hasKnownSecrets(): boolean {
  return known.size > 0;
}

/**
 * The largest index <= `cut` at which `text` can be split without cutting a registered secret
 * in two (so a streamed writer can redact each part on its own).
 */
export function safeCutIndex(text: string, cut: number): number {
  let at = Math.max(0, Math.min(cut, text.length));
  for (const secret of known) {
    let i = text.indexOf(secret, Math.max(0, at - secret.length + 1));
    while (i >= 0 && i < at) {
      if (i + secret.length > at) at = i;
      i = text.indexOf(secret, i + 1);
    }
  }
  return at;
}

/** Test hook-free reset for unit tests that register their own secrets. */
export function clearSecrets(): void {
  known.clear();
}

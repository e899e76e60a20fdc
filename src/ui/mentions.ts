/** `@file` mentions: finding the token at the cursor and fuzzy-ranking workspace paths (pure). */

/** The `@token` the cursor is in: its start offset (at the `@`) and the query after it. */
export interface MentionToken {
  start: number;
  end: number;
  query: string;
}

/** Finds an `@query` token ending at the cursor (preceded by start of text or whitespace). */
export function mentionAt(text: string, cursor: number): MentionToken | null {
  let i = cursor;
  while (i > 0 && !/\s/.test(text[i - 1] ?? '')) i--;
  if (text[i] !== '@') return null;
  if (i > 0 && !/\s/.test(text[i - 1] ?? '')) return null;
  return { start: i, end: cursor, query: text.slice(i + 1, cursor) };
}

/**
 * Subsequence score of `query` in `path` (higher is better), or null when it does not match.
 * Rewards consecutive runs, matches at segment starts and in the basename; shorter paths win ties.
 */
export function fuzzyScore(query: string, path: string): number | null {
  if (query === '') return 1000 - path.length;
  const p = path.toLowerCase();
  const q = query.toLowerCase();
  const base = p.lastIndexOf('/') + 1;
  const whole = subsequenceScore(q, p, 0);
  if (whole === null) return null;
  // A match inside the basename alone is what people usually mean ("sts" → stats.js).
  const inBase = subsequenceScore(q, p.slice(base), 0);
  const score = Math.max(whole, inBase === null ? 0 : inBase + 20);
  const prefix = p.slice(base).startsWith(q) ? 10 : 0;
  return (score + prefix) * 100 - path.length;
}

/** Greedy subsequence score: consecutive runs and segment starts earn bonuses. */
function subsequenceScore(q: string, p: string, from: number): number | null {
  let score = 0;
  let pi = from;
  let prev = -2;
  for (const ch of q) {
    const found = p.indexOf(ch, pi);
    if (found === -1) return null;
    score += 1;
    if (found === prev + 1) score += 5;
    const before = p[found - 1];
    if (found === 0 || before === '/' || before === '.' || before === '-' || before === '_') score += 3;
    prev = found;
    pi = found + 1;
  }
  return score;
}

/** The best `limit` paths for `query`, best first. */
export function rankPaths(query: string, paths: readonly string[], limit = 8): string[] {
  const scored: Array<[number, string]> = [];
  for (const path of paths) {
    const s = fuzzyScore(query, path);
    if (s !== null) scored.push([s, path]);
  }
  scored.sort((a, b) => b[0] - a[0] || a[1].localeCompare(b[1]));
  return scored.slice(0, limit).map(([, p]) => p);
}

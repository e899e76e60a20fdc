/** Unified diffs for approval previews and FileChange records. */
import { createTwoFilesPatch } from 'diff';

/** A unified diff of `before` → `after` labelled with workspace-relative names (`null` = no file). */
export function unifiedDiff(
  oldName: string | null,
  newName: string | null,
  before: string,
  after: string,
): string {
  const a = oldName === null ? '/dev/null' : `a/${oldName}`;
  const b = newName === null ? '/dev/null' : `b/${newName}`;
  const patch = createTwoFilesPatch(a, b, before, after, '', '', { context: 3 });
  // Drop the "Index:"/"===" preamble createTwoFilesPatch adds; keep ---/+++ and hunks.
  return patch.replace(/^(Index:.*\n)?=+\n/, '');
}

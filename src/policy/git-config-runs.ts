/**
 * Which settings of a git config file (`.git/config`, a submodule's config, `config.worktree`)
 * could make git run a program (issue 13 §7). Git has dozens of such settings and adds more
 * (`diff.external`, `pager.<cmd>`, `interactive.diffFilter`, `core.alternateRefsCommand`,
 * `url.<ext::…>.insteadOf`, `include.path`, `alias.x = !…`…), so this is an allow list: every
 * setting is a runner unless its key is on the short list of keys git writes in ordinary work
 * (`git init`, `git remote add`, `git push -u`, `git config user.name`) and its value is plain.
 * Pure.
 */

/** Keys (lower-cased `section.key`, subsection removed) that never make git run a program. */
const HARMLESS_KEYS = new Set([
  'core.repositoryformatversion',
  'core.filemode',
  'core.bare',
  'core.logallrefupdates',
  'core.ignorecase',
  'core.precomposeunicode',
  'core.symlinks',
  'core.autocrlf',
  'core.eol',
  'core.safecrlf',
  'core.quotepath',
  'core.sparsecheckout',
  'core.sparsecheckoutcone',
  'core.untrackedcache',
  'core.abbrev',
  'core.longpaths',
  'core.worktree',
  'branch.remote',
  'branch.merge',
  'branch.rebase',
  'branch.pushremote',
  'branch.description',
  'remote.url',
  'remote.pushurl',
  'remote.fetch',
  'remote.push',
  'remote.prune',
  'remote.tagopt',
  'remote.mirror',
  'remote.promisor',
  'remote.partialclonefilter',
  'submodule.url',
  'submodule.active',
  'submodule.branch',
  'user.name',
  'user.email',
  'init.defaultbranch',
  'pull.rebase',
  'pull.ff',
  'push.default',
  'push.autosetupremote',
  'fetch.prune',
  'rebase.autostash',
  'rebase.autosquash',
  'gc.auto',
  'maintenance.auto',
  'maintenance.strategy',
  'extensions.objectformat',
  'lfs.repositoryformatversion',
]);

/** A value that names a transport helper (`ext::sh -c …`, `fd::`) or a shell command (`!…`). */
const RUNNING_VALUE = /::|^"?\s*!/;

/** The parsed settings: the runners (as `section.sub.key=value`) and `core.hooksPath`. */
export interface GitConfigFacts {
  runs: string[];
  hooksPath?: string;
}

function stripComment(v: string): string {
  let out = '';
  let quoted = false;
  for (const ch of v) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '#' || ch === ';')) break;
    out += ch;
  }
  return out.trim();
}

/** Reads a git config text; anything it does not understand counts as a runner. */
export function gitConfigFacts(text: string): GitConfigFacts {
  const facts: GitConfigFacts = { runs: [] };
  // Continuation lines (`value \` newline) join first.
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\\\r?\n/g, '')
    .split(/\r?\n/);
  let section = '';
  let sub = '';
  for (const raw of lines) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[\s*([A-Za-z0-9.-]+)\s*(?:"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (head) {
      const name = head[1] ?? '';
      const dot = name.indexOf('.');
      section = (dot < 0 ? name : name.slice(0, dot)).toLowerCase();
      sub = head[2] ?? (dot < 0 ? '' : name.slice(dot + 1));
      line = line.slice(head[0].length).trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=(.*))?$/.exec(line);
    if (!kv || section === '') {
      facts.runs.push(`?${line}`);
      continue;
    }
    const key = (kv[1] ?? '').toLowerCase();
    const value = stripComment(kv[2] ?? 'true');
    const full = `${section}.${sub ? `${sub}.` : ''}${key}`;
    if (full === 'core.hookspath') facts.hooksPath = value.replace(/^"(.*)"$/, '$1');
    if (HARMLESS_KEYS.has(`${section}.${key}`) && !RUNNING_VALUE.test(value)) continue;
    facts.runs.push(`${full}=${value}`);
  }
  return facts;
}

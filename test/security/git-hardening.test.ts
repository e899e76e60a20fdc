/**
 * Security §6: tether's own git calls (`/diff`, the `@` file list, branch detection) never run a
 * program a repository configured. A real repository is armed with traps — every program-valued
 * git setting points at a script that leaves a mark — and a plain `git diff` first proves the
 * traps fire; tether's calls must then leave no mark while still producing the diff.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { gitBranch } from '../../src/store/index.js';
import { createNodeServices } from '../../src/ui/services/node-services.js';
import { driverOverrides, safeGit } from '../../src/util/safe-git.js';

let root: string;
let repo: string;
let marks: string;
const trap = (name: string) => join(root, 'bin', name);

/** A clean environment for building the repository: no user or system config, no hooks. */
const buildEnv = () => ({
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: root,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@t',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@t',
});
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'core.hooksPath=/dev/null', ...args], { cwd, env: buildEnv(), stdio: 'pipe' });

const TRAPS = [
  'fsmonitor',
  'pager',
  'hook',
  'ssh',
  'askpass',
  'editor',
  'filter-process',
  'filter-clean',
  'filter-smudge',
  'filter-eq-clean',
  'filter-included',
  'textconv',
  'diff-command',
  'diff-external',
  'credential',
  'gpg',
  'sub-filter-clean',
  'env-external-diff',
  'env-config-parameters',
];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tether-git-traps-'));
  marks = join(root, 'marks');
  mkdirSync(marks);
  mkdirSync(join(root, 'bin'));
  for (const name of TRAPS) {
    // Leaves a mark, then behaves like `cat` so filters and textconv do not fail loudly.
    writeFileSync(
      trap(name),
      `#!/bin/sh\ntouch '${marks}/${name}'\nif [ -f "$1" ]; then cat "$1"; else cat; fi\n`,
    );
    chmodSync(trap(name), 0o755);
  }
  repo = join(root, 'repo');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, '.gitattributes'), '*.txt filter=x diff=y\n*.md filter=z\n*.dat filter=x=y\n');
  writeFileSync(join(repo, 'a.txt'), 'one\n');
  writeFileSync(join(repo, 'b.md'), 'one\n');
  writeFileSync(join(repo, 'c.dat'), 'one\n');
  // A submodule (gitlink) whose own config has a filter of its own.
  const sub = join(repo, 'sub');
  mkdirSync(sub);
  git(sub, 'init', '-q', '-b', 'main');
  writeFileSync(join(sub, '.gitattributes'), '*.txt filter=s\n');
  writeFileSync(join(sub, 's.txt'), 'one\n');
  git(sub, 'add', '-A');
  git(sub, 'commit', '-qm', 'sub');
  const subHead = git(sub, 'rev-parse', 'HEAD').toString().trim();
  git(repo, 'add', '.gitattributes', 'a.txt', 'b.md', 'c.dat');
  git(repo, 'update-index', '--add', '--cacheinfo', `160000,${subHead},sub`);
  git(repo, 'commit', '-qm', 'init');
  // Arm the traps only now.
  const hooks = join(root, 'hooks');
  mkdirSync(hooks);
  for (const h of [
    'pre-commit',
    'post-checkout',
    'post-index-change',
    'reference-transaction',
    'fsmonitor-watchman',
  ])
    writeFileSync(join(hooks, h), `#!/bin/sh\ntouch '${marks}/hook'\n`, { mode: 0o755 });
  writeFileSync(join(repo, '.git', 'extra.cfg'), `[filter "z"]\n\tclean = ${trap('filter-included')}\n`);
  writeFileSync(
    join(repo, '.git', 'config'),
    readFileSync(join(repo, '.git', 'config'), 'utf8') +
      [
        '[core]',
        `\tfsmonitor = ${trap('fsmonitor')}`,
        `\tpager = ${trap('pager')}`,
        `\thooksPath = ${hooks}`,
        `\tsshCommand = ${trap('ssh')}`,
        `\taskPass = ${trap('askpass')}`,
        `\teditor = ${trap('editor')}`,
        '[filter "x"]',
        `\tprocess = ${trap('filter-process')}`,
        `\tclean = ${trap('filter-clean')}`,
        `\tsmudge = ${trap('filter-smudge')}`,
        '\trequired = true',
        '[filter "x=y"]',
        `\tclean = ${trap('filter-eq-clean')}`,
        '[diff "y"]',
        `\ttextconv = ${trap('textconv')}`,
        `\tcommand = ${trap('diff-command')}`,
        '[diff]',
        `\texternal = ${trap('diff-external')}`,
        '[credential]',
        `\thelper = !${trap('credential')}`,
        '[log]',
        '\tshowSignature = true',
        '[gpg]',
        `\tprogram = ${trap('gpg')}`,
        '[include]',
        '\tpath = extra.cfg',
        '',
      ].join('\n'),
  );
  writeFileSync(
    join(sub, '.git', 'config'),
    `${readFileSync(join(sub, '.git', 'config'), 'utf8')}[filter "s"]\n\tclean = ${trap('sub-filter-clean')}\n[core]\n\tfsmonitor = ${trap('sub-filter-clean')}\n`,
  );
  // Dirty worktree: every filter would have to run to compare.
  for (const f of ['a.txt', 'b.md', 'c.dat']) writeFileSync(join(repo, f), 'two\n');
  writeFileSync(join(sub, 's.txt'), 'two\n');
});

const marked = () => readdirSync(marks).sort();
const clearMarks = () => {
  for (const m of readdirSync(marks)) rmSync(join(marks, m));
};

/** tether's environment, including inherited GIT_* variables that would run programs. */
const tetherEnv = () => ({
  ...buildEnv(),
  GIT_EXTERNAL_DIFF: trap('env-external-diff'),
  GIT_CONFIG_PARAMETERS: `'filter.x.clean'='${trap('env-config-parameters')}'`,
  GIT_DIR: join(root, 'nowhere'),
});

describe('security: tether’s git calls run no repository-configured program', () => {
  it('the traps are armed: plain git runs them', () => {
    clearMarks();
    const plain = (cwd: string, ...args: string[]) => {
      try {
        execFileSync('git', args, { cwd, env: buildEnv(), stdio: 'pipe' });
      } catch {
        /* a failing filter may fail the command; the marks are what count */
      }
    };
    for (const f of ['a.txt', 'b.md', 'c.dat']) plain(repo, 'diff', '--', f);
    plain(repo, 'status');
    plain(join(repo, 'sub'), 'diff');
    const hit = marked();
    for (const t of ['fsmonitor', 'filter-process', 'filter-included', 'filter-eq-clean', 'sub-filter-clean'])
      expect(hit, `trap ${t} did not fire for plain git`).toContain(t);
  });

  it.each([
    [
      '/diff',
      async () => createNodeServices({ cwd: repo, env: tetherEnv(), stdout: new PassThrough() }).gitDiff(),
    ],
    [
      '@ file list',
      async () => createNodeServices({ cwd: repo, env: tetherEnv(), stdout: new PassThrough() }).listFiles(),
    ],
    ['branch detection', async () => gitBranch(repo)],
  ])('%s leaves no mark', async (_name, call) => {
    clearMarks();
    await call();
    expect(marked()).toEqual([]);
  });

  it('/diff still shows the change (contents compared without the filters)', async () => {
    const diff = await createNodeServices({
      cwd: repo,
      env: tetherEnv(),
      stdout: new PassThrough(),
    }).gitDiff();
    expect(diff).toContain('-one');
    expect(diff).toContain('+two');
    expect(diff).toContain('a.txt');
    expect(gitBranch(repo)).toBe('main');
  });

  it('driver names are read from the config, odd names included; GIT_* from the environment is dropped', () => {
    const list =
      'filter.x.clean\na\0filter.x=y.clean\nb\0diff.a.b.textconv\nc\0merge.m.driver\nd\0core.pager\ne\0filter\0';
    expect(driverOverrides(list)).toEqual(
      expect.arrayContaining([
        ['filter.x.process', ''],
        ['filter.x.required', 'false'],
        ['filter.x=y.clean', ''],
        ['diff.a.b.textconv', ''],
        ['merge.m.driver', ''],
      ]),
    );
    const g = safeGit(['diff'], { PATH: '/bin', GIT_DIR: '/x', GIT_EXTERNAL_DIFF: 'evil' }, list);
    expect(g.env['GIT_DIR']).toBeUndefined();
    expect(g.env['GIT_EXTERNAL_DIFF']).toBeUndefined();
    expect(g.env['GIT_CONFIG_KEY_0']).toBeDefined();
    expect(g.args).toContain('core.fsmonitor=false');
  });
});

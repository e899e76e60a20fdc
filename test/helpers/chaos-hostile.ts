/**
 * Builds the hostile repository of fixtures/hostile (see its README) in a temporary directory:
 * copies the working tree, creates `.git` with every program-running setting and hook pointed
 * at `evil.sh` (which appends to a sentinel outside the repository), commits, then dirties a
 * file so `git diff` has work to do. Setup git runs with hooks and fsmonitor disabled so only
 * the code under test can trip the sentinel.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A built hostile repository. */
export interface HostileRepo {
  /** Temporary root holding `ws/`, `outside/` and the sentinel. */
  root: string;
  /** The repository (workspace) directory. */
  ws: string;
  /** Directory outside the workspace the symlinks point into. */
  outside: string;
  /** File every hostile program appends to; must never exist. */
  sentinel: string;
  /** What the sentinel recorded (empty when it does not exist). */
  ran(): string;
}

const HOOKS = [
  'pre-commit',
  'post-commit',
  'post-checkout',
  'post-index-change',
  'reference-transaction',
  'pre-auto-gc',
  'post-rewrite',
  'fsmonitor-watchman',
];

/** Builds a fresh hostile repository. */
export function buildHostileRepo(): HostileRepo {
  const root = mkdtempSync(join(tmpdir(), 'tether-hostile-'));
  const ws = join(root, 'ws');
  const outside = join(root, 'outside');
  const sentinel = join(root, 'SENTINEL.log');
  mkdirSync(outside);
  writeFileSync(join(outside, 'outside-secret.txt'), 'outside secret\n');
  cpSync(resolve(import.meta.dirname, '../../fixtures/hostile/repo'), ws, { recursive: true });
  const evil = join(ws, 'evil.sh');
  writeFileSync(evil, readFileSync(evil, 'utf8').replace('__SENTINEL__', sentinel));
  chmodSync(evil, 0o755);

  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', ...args], {
      cwd: ws,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    });
  git('init', '-q', '-b', 'hostile-branch');
  git('add', '-A');
  git('commit', '-q', '-m', 'hostile');
  // Only now arm the repository: every setting that makes git run a program.
  const cfg = join(ws, '.git', 'config');
  writeFileSync(
    cfg,
    `${readFileSync(cfg, 'utf8')}[core]\n\tfsmonitor = ${evil}\n\tpager = ${evil}\n\thooksPath = ${join(ws, '.git', 'hooks')}\n` +
      `[diff]\n\texternal = ${evil}\n[diff "evil"]\n\ttextconv = ${evil}\n\tcommand = ${evil}\n` +
      `[pager]\n\tdiff = ${evil}\n\tstatus = ${evil}\n[alias]\n\tstatus = !${evil}\n`,
  );
  const hooks = join(ws, '.git', 'hooks');
  mkdirSync(hooks, { recursive: true });
  for (const h of HOOKS) {
    writeFileSync(join(hooks, h), `#!/bin/sh\n"${evil}" hook-${h}\n`);
    chmodSync(join(hooks, h), 0o755);
  }
  symlinkSync('/etc', join(ws, 'link-etc'));
  symlinkSync('../..', join(ws, 'link-up'));
  symlinkSync(join(outside, 'outside-secret.txt'), join(ws, 'src', 'link-outside'));
  // A dirty tracked file and an untracked one, so diff and ls-files have work to do.
  writeFileSync(join(ws, 'src', 'index.js'), 'export function add(a, b) {\n  return a - b;\n}\n');
  writeFileSync(join(ws, 'src', 'new.js'), 'export const x = 1;\n');
  return {
    root,
    ws,
    outside,
    sentinel,
    ran: () => (existsSync(sentinel) ? readFileSync(sentinel, 'utf8') : ''),
  };
}

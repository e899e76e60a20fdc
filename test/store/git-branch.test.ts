import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitBranch } from '../../src/store/git-branch.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tether-git-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });

describe('gitBranch', () => {
  it('reads the branch (even before the first commit) without running repository programs', () => {
    const repo = join(root, 'repo');
    execFileSync('mkdir', ['-p', repo]);
    git(repo, 'init', '-q', '-b', 'feature-x');
    // A hostile repository config: an fsmonitor hook that leaves a marker if it ever runs.
    const marker = join(root, 'hook-ran');
    const hook = join(root, 'fsmonitor.sh');
    writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(hook, 0o755);
    git(repo, 'config', 'core.fsmonitor', hook);
    expect(gitBranch(repo)).toBe('feature-x');
    git(
      repo,
      '-c',
      'user.email=t@t',
      '-c',
      'user.name=t',
      '-c',
      'core.fsmonitor=false',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'x',
    );
    expect(gitBranch(repo)).toBe('feature-x');
    expect(existsSync(marker)).toBe(false);
  });

  it('is null outside a repository', () => {
    const plain = mkdtempSync(join(tmpdir(), 'tether-nogit-'));
    try {
      expect(gitBranch(plain)).toBeNull();
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

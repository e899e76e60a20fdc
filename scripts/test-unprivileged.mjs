#!/usr/bin/env node
/**
 * `npm test`'s second pass (posttest): when the suite ran as root, run the sandbox tests again as
 * an unprivileged user (uid/gid 65534, `nobody`), so the sandbox is proven both ways (issue 13).
 * The tree is copied to a fresh temp directory owned by that user (the checkout may sit in a
 * 0700 home). Under CI=true a missing `setpriv` or a sandbox that cannot run fails; elsewhere
 * non-root runs and non-Linux machines print why the pass is not needed and exit 0.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const FILES = [
  'test/security/sandbox-root.test.ts',
  'test/tools/sandbox.test.ts',
  'test/security/process-bounds.test.ts',
  'test/security/process-bounds-exec.test.ts',
  'test/security/pid-namespace.test.ts',
  'test/security/bang-command-bounds.test.ts',
  'test/security/autorun-guard.test.ts',
  'test/security/autorun-guard-edges.test.ts',
];
const UID = 65534;
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const root = resolve(import.meta.dirname, '..');

if (process.platform !== 'linux') {
  console.log(`unprivileged sandbox pass: not needed on ${process.platform} (no bubblewrap sandbox)`);
  process.exit(0);
}
if (process.getuid() !== 0) {
  console.log(`unprivileged sandbox pass: the suite already ran unprivileged (uid ${process.getuid()})`);
  process.exit(0);
}
if (spawnSync('setpriv', ['--version']).status !== 0) {
  const msg = 'unprivileged sandbox pass: setpriv (util-linux) is not installed';
  if (inCi) {
    console.error(`${msg}; required under CI`);
    process.exit(1);
  }
  console.log(`${msg}; skipped`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'tether-unprivileged-'));
chmodSync(dir, 0o755);
const sh = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    console.error(`unprivileged sandbox pass: ${cmd} ${args.join(' ')} failed`);
    process.exit(1);
  }
};
console.log(`unprivileged sandbox pass: copying the tree to ${dir} for uid ${UID}`);
sh('sh', ['-c', `tar -C "$0" --exclude=./.git -cf - . | tar -C "$1" -xf -`, root, dir]);
sh('chown', ['-R', `${UID}:${UID}`, dir]);
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: join(dir, '.home'),
  LANG: process.env.LANG ?? 'C.UTF-8',
  ...(process.env.CI ? { CI: process.env.CI } : {}),
};
const r = spawnSync(
  'setpriv',
  [
    `--reuid=${UID}`,
    `--regid=${UID}`,
    '--clear-groups',
    '--',
    process.execPath,
    join(dir, 'node_modules/vitest/vitest.mjs'),
    'run',
    ...FILES,
  ],
  { cwd: dir, env, stdio: 'inherit' },
);
rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 1);

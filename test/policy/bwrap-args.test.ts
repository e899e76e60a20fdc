/** Pure parts of the sandbox set-up (bwrap-args.ts); the sandbox itself is red-teamed in test/security. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bwrapArgs,
  hardeningProfiles,
  isDotenvName,
  listUnixSockets,
  scanRoot,
} from '../../src/policy/bwrap-args.js';
import { tempDir } from '../tools/helpers.js';

describe('bwrap arguments', () => {
  it.each([
    ['.env', true],
    ['.env.local', true],
    ['.env.production', true],
    ['.env.example', false],
    ['.env.sample', false],
    ['.env.template', false],
    ['.env.local.example', false],
    ['.env.EXAMPLE', false],
    ['.envrc', false],
    ['env', false],
    ['prod.env', false],
  ])('dotenv name %s → masked %s', (name, masked) => {
    expect(isDotenvName(name)).toBe(masked);
  });

  it('scan: nested .git dirs and files, dotenv at depth, symlink targets; node_modules pruned; bounded', () => {
    const root = tempDir('tether-scan-');
    const outside = tempDir('tether-scan-out-');
    mkdirSync(join(root, 'a/b/c/d/e/.git'), { recursive: true });
    writeFileSync(join(root, 'a/b/c/d/e/.env.local'), 'x');
    writeFileSync(join(root, 'a/sub.git'), 'x');
    mkdirSync(join(root, 'mod'));
    writeFileSync(join(root, 'mod/.git'), 'gitdir: ../.git/modules/mod');
    mkdirSync(join(root, 'node_modules/p/.git'), { recursive: true });
    writeFileSync(join(root, 'node_modules/p/.env'), 'x');
    writeFileSync(join(outside, 'real.env'), 'x');
    symlinkSync(join(outside, 'real.env'), join(root, '.env'));
    writeFileSync(join(outside, '.env'), 'x');
    symlinkSync(join(outside, '.env'), join(root, 'cfg'));
    mkdirSync(join(root, 'py/.env'), { recursive: true }); // a virtualenv called .env stays a directory
    const s = scanRoot(root);
    expect(s.gitPaths.sort()).toEqual([join(root, 'a/b/c/d/e/.git'), join(root, 'mod/.git')]);
    expect(s.envFiles.sort()).toEqual(
      [join(root, 'a/b/c/d/e/.env.local'), join(outside, '.env'), join(outside, 'real.env')].sort(),
    );
    expect(s.truncated).toBe(false);
    expect(scanRoot(root, 3).truncated).toBe(true);
  });

  it('unix sockets from /proc/net/unix: paths (with spaces), not abstract or unbound ones', () => {
    const dir = tempDir('tether-unix-');
    const f = join(dir, 'unix');
    writeFileSync(
      f,
      [
        'Num       RefCount Protocol Flags    Type St Inode Path',
        '0000000000000000: 00000002 00000000 00010000 0001 01 12345 /run/docker.sock',
        '0000000000000000: 00000002 00000000 00010000 0001 01 12346 @/tmp/.X11-unix/X0',
        '0000000000000000: 00000003 00000000 00000000 0001 03 12347',
        '0000000000000000: 00000002 00000000 00010000 0001 01 12348 /home/u/my dir/agent.sock',
      ].join('\n'),
    );
    expect(listUnixSockets(f)).toEqual(['/run/docker.sock', '/home/u/my dir/agent.sock']);
  });

  it('privilege profiles: user namespace + no caps first; root alone also gets caps-dropped-only', () => {
    expect(hardeningProfiles(1000, 1000)[0]).toEqual([
      '--unshare-user',
      '--uid',
      '1000',
      '--gid',
      '1000',
      '--disable-userns',
      '--cap-drop',
      'ALL',
    ]);
    expect(hardeningProfiles(1000, 1000)).toHaveLength(2);
    expect(hardeningProfiles(0, 0).at(-1)).toEqual(['--cap-drop', 'ALL']);
  });

  it('argv order: privileges first, /proc/sys read-only, private /tmp, binds, then masks win', () => {
    const root = tempDir('tether-argv-');
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, '.env'), 'x');
    const a = bwrapArgs({ writableRoots: [root], cwd: root, network: false, tmpDir: '/some/private' });
    const at = (...seq: string[]) => a.findIndex((_, i) => seq.every((s, k) => a[i + k] === s));
    expect(at('--cap-drop', 'ALL')).toBeGreaterThanOrEqual(0);
    expect(at('--ro-bind-try', '/proc/sys', '/proc/sys')).toBeGreaterThan(at('--proc', '/proc'));
    expect(at('--bind', '/some/private', '/tmp')).toBeGreaterThan(0);
    expect(at('--bind', root, root)).toBeGreaterThan(at('--bind', '/some/private', '/tmp'));
    expect(at('--ro-bind', join(root, '.git'), join(root, '.git'))).toBeGreaterThan(at('--bind', root, root));
    expect(at('--ro-bind', '/dev/null', join(root, '.env'))).toBeGreaterThan(at('--bind', root, root));
    expect(a).toContain('--unshare-net');
  });
});

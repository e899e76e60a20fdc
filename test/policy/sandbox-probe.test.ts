import { describe, expect, it } from 'vitest';
import { usernsFlags, wrapInPidNamespace } from '../../src/platform/pid-namespace.js';
import { classifyProbeFailure, sandboxInfoFor, withPidNamespace } from '../../src/policy/sandbox.js';
import { TetherError } from '../../src/util/errors.js';

describe('sandbox probe classification', () => {
  it.each([
    ['bwrap: setting up uid map: Permission denied', { apparmorRestrictUserns: '1' }, false, /AppArmor/],
    [
      'bwrap: No permissions to creating new namespace',
      { maxUserNamespaces: '0' },
      false,
      /max_user_namespaces=0/,
    ],
    [
      'bwrap: creating new namespace failed',
      { unprivilegedUsernsClone: '0' },
      false,
      /unprivileged_userns_clone=1/,
    ],
    ['bwrap: loopback: Failed RTM_NEWADDR: Operation not permitted', {}, false, /RTM_NEWADDR/],
    ['bwrap: Creating new namespace failed: Operation not permitted', {}, false, /container seccomp/],
    ['', {}, true, /apt-get install bubblewrap/],
    ['weird failure\nmore', {}, false, /bwrap probe failed: weird failure/],
  ])('%j → remedy', (stderr, sys, missing, re) => {
    expect(classifyProbeFailure(stderr, sys, missing)).toMatch(re);
  });

  it('on without a sandbox is a usage error (exit 2); auto degrades loudly', () => {
    const fail = { ok: false, reason: 'bubblewrap (bwrap) is not installed' };
    try {
      sandboxInfoFor('on', fail);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TetherError);
      expect((err as TetherError).exitCode).toBe(2);
    }
    const auto = sandboxInfoFor('auto', fail);
    expect(auto.tier).toBe('none');
    expect(auto.message).toMatch(/unavailable.*not installed.*unsandboxed/);
    expect(sandboxInfoFor('on', { ok: true, reason: '' }).tier).toBe('bwrap');
    expect(sandboxInfoFor('off', { ok: true, reason: '' }).tier).toBe('none');
  });
});

describe('PID namespace for unsandboxed commands (one notice when there is none)', () => {
  const ns = { bwrap: '/usr/bin/bwrap', env: '/usr/bin/env', userns: [] };
  it('keeps the message and records the namespace when the probe worked', () => {
    const info = withPidNamespace(sandboxInfoFor('off', null), { ok: true, ns });
    expect(info.pidNamespace).toEqual(ns);
    expect(info.message).not.toMatch(/PID namespace/);
  });
  it.each([
    [{ ok: false as const, reason: 'darwin has no PID namespaces' }, /darwin has no PID namespaces/],
    [null, /processNamespace off/],
  ])('says once why a detached process can outlive tether (%#)', (probe, why) => {
    const info = withPidNamespace(sandboxInfoFor('off', null), probe);
    expect(info.pidNamespace).toBeUndefined();
    expect(info.message).toMatch(why);
    expect(info.message).toMatch(/can outlive tether/);
    expect(info.message.match(/no PID namespace for/g)).toHaveLength(1);
  });
  it('wraps a command so the outer bwrap ignores INT/TERM and the command gets defaults and its PWD back', () => {
    const w = wrapInPidNamespace(ns, 'bash', ['-c', 'x'], { PWD: '/w' });
    expect(w.file).toBe('/usr/bin/env');
    expect(w.args.slice(0, 2)).toEqual(['--ignore-signal=INT,TERM,HUP,QUIT', '/usr/bin/bwrap']);
    expect(w.args).toContain('--unshare-pid');
    expect(w.args).toContain('--die-with-parent');
    expect(w.args.slice(w.args.indexOf('--'))).toEqual([
      '--',
      '/usr/bin/env',
      '--default-signal',
      'PWD=/w',
      'bash',
      '-c',
      'x',
    ]);
    expect(wrapInPidNamespace(ns, 'sh', [], {}).args).toContain('-u');
    expect(wrapInPidNamespace(null, 'sh', ['-c', 'y'], {})).toEqual({ file: 'sh', args: ['-c', 'y'] });
    expect(usernsFlags(1000, 1000)).toEqual(['--unshare-user', '--uid', '1000', '--gid', '1000']);
    expect(usernsFlags(0, 0)).toEqual([]);
  });
});

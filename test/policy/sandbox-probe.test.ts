import { describe, expect, it } from 'vitest';
import { classifyProbeFailure, sandboxInfoFor } from '../../src/policy/sandbox.js';
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

/** `tether config rules`: lists and removes the user's "always allow" rules, never a repo's. */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addAllowRule } from '../../src/policy/allow-rules.js';
import { runTether, tempDir } from '../agent/cli-harness.js';

describe('tether config rules', () => {
  it('lists this project’s rules (and --all every project), ignoring a repository file with a warning', async () => {
    const home = tempDir('tether-rules-home-');
    const ws = tempDir('tether-rules-ws-');
    const other = tempDir('tether-rules-other-');
    const env = { TETHER_HOME: home };
    addAllowRule(ws, ['npm', 'run', 'test'], { ...process.env, ...env });
    addAllowRule(ws, ['node', '--test'], { ...process.env, ...env });
    addAllowRule(other, ['make', 'check'], { ...process.env, ...env });
    mkdirSync(join(ws, '.tether'));
    writeFileSync(join(ws, '.tether', 'approvals.json'), '{"prefixes":[["curl"]]}');
    const r = await runTether(['config', 'rules'], { cwd: ws, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(realpathSync(ws));
    expect(r.stdout).toContain('  npm run test\n');
    expect(r.stdout).toContain('  node --test\n');
    expect(r.stdout).not.toContain('make check');
    expect(r.stdout).not.toContain('curl');
    expect(r.stderr).toMatch(/ignoring .tether\/approvals.json/);
    const all = await runTether(['config', 'rules', '--all'], { cwd: ws, env });
    expect(all.stdout).toContain('make check');
    const rm = await runTether(['config', 'rules', 'remove', 'node', '--test'], { cwd: ws, env });
    expect(rm.code).toBe(0);
    expect(rm.stdout).toBe('removed: node --test\n');
    const after = await runTether(['config', 'rules'], { cwd: ws, env });
    expect(after.stdout).not.toContain('node --test');
    const quoted = await runTether(['config', 'rules', 'remove', 'npm run test'], { cwd: ws, env });
    expect(quoted.stdout).toBe('removed: npm run test\n');
    const bad = await runTether(['config', 'rules', 'remove', 'rm -rf'], { cwd: ws, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no rule "rm -rf"/);
  });

  it('shows the project’s trust and where it came from, in `config rules` and `config list`', async () => {
    const home = tempDir('tether-rules-trust-home-');
    const ws = tempDir('tether-rules-trust-ws-');
    const env = { TETHER_HOME: home };
    const rules = async (extra: Record<string, string> = {}) =>
      (await runTether(['config', 'rules'], { cwd: ws, env: { ...env, ...extra } })).stdout;
    expect(await rules()).toContain('  trust: not trusted (not decided yet: untrusted until you trust it)\n');
    expect(await rules({ TETHER_TRUST: '1' })).toContain('  trust: trusted (TETHER_TRUST)\n');
    expect(await rules({ TETHER_TRUST: '0' })).toContain('  trust: not trusted (TETHER_TRUST)\n');
    expect((await runTether(['config', 'trust'], { cwd: ws, env })).code).toBe(0);
    expect(await rules()).toContain('  trust: trusted (the trustedProjects list in the user config)\n');
    const list = await runTether(['config', 'list'], { cwd: ws, env });
    expect(list.stdout).toContain(
      `this project  ${realpathSync(ws)}  trusted (the trustedProjects list in the user config)\n`,
    );
    expect((await runTether(['config', 'untrust'], { cwd: ws, env })).code).toBe(0);
    expect(await rules()).toContain('  trust: not trusted (the untrustedProjects list in the user config)\n');
  });
});

import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkspace, resolveToolPath } from '../../src/tools/fs/workspace.js';
import { harness, tempDir } from './helpers.js';

/** A workspace with the symlink fixtures of R16/R22, plus a file outside it. */
function setup() {
  const h = harness();
  const outside = tempDir('tether-outside-');
  writeFileSync(join(outside, 'victim.txt'), 'original\n');
  mkdirSync(join(h.ws, '.git'));
  writeFileSync(join(h.ws, '.git', 'config'), '[core]\n');
  mkdirSync(join(h.ws, '.tether'));
  writeFileSync(join(h.ws, '.tether', 'approvals.json'), '{"prefixes":[]}\n');
  symlinkSync('/etc', join(h.ws, 'link_to_etc'));
  symlinkSync(outside, join(h.ws, 'link_out'));
  symlinkSync(join(outside, 'new-file.txt'), join(h.ws, 'dangling'));
  symlinkSync(join(h.ws, '.git', 'config'), join(h.ws, 'cfg'));
  writeFileSync(join(h.ws, 'ok.txt'), 'ok\n');
  return { h, outside };
}

const ESCAPES: string[] = [
  '../x',
  'a/../../x',
  '%2e%2e/x',
  '/etc/passwd',
  'file:///etc/passwd',
  'link_to_etc/passwd',
  'link_to_etc/tether-new',
  'link_out/victim.txt',
  'dangling',
  '.git/config',
  '.GIT/config',
  '.git./config',
  '.tether/approvals.json',
  '.Tether/approvals.json',
  'cfg',
  'sub\0dir/x',
  '~/x',
];

describe('workspace confinement', () => {
  it.each(ESCAPES)('write_file refuses %j and leaves files untouched', async (p) => {
    const { h, outside } = setup();
    const r = await h.call('write_file', { path: p, content: 'pwned\n' });
    expect(r.status).toBe('error');
    expect(r.output).toMatch(/outside the workspace|protected|NUL|encoded|relative to the workspace/);
    expect(readFileSync(join(outside, 'victim.txt'), 'utf8')).toBe('original\n');
    expect(existsSync(join(outside, 'new-file.txt'))).toBe(false);
    expect(readFileSync(join(h.ws, '.git', 'config'), 'utf8')).toBe('[core]\n');
    expect(readFileSync(join(h.ws, '.tether', 'approvals.json'), 'utf8')).toBe('{"prefixes":[]}\n');
    expect(existsSync('/etc/tether-new')).toBe(false);
  });

  it.each(ESCAPES.filter((p) => !p.includes('.git') && !p.toLowerCase().includes('.tether') && p !== 'cfg'))(
    'edit and apply_patch refuse %j too',
    async (p) => {
      const { h, outside } = setup();
      const e = await h.call('edit', { path: p, old_string: 'original', new_string: 'pwned' });
      expect(e.status).toBe('error');
      const a = await h.call('apply_patch', {
        patch: `*** Begin Patch\n*** Add File: ${p}\n+pwned\n*** End Patch`,
      });
      expect(a.status).toBe('error');
      expect(readFileSync(join(outside, 'victim.txt'), 'utf8')).toBe('original\n');
    },
  );

  it.each(['../x', '/etc/passwd', 'link_to_etc/passwd', 'link_out/victim.txt'])(
    'read_file refuses %j',
    async (p) => {
      const { h } = setup();
      const r = await h.call('read_file', { path: p, start_line: null, end_line: null });
      expect(r.status).toBe('error');
      expect(r.output).toMatch(/outside the workspace/);
      expect(r.output).not.toContain('root:');
    },
  );

  it('allows normal paths, absolute paths inside, and reading .git', async () => {
    const { h } = setup();
    expect((await h.call('write_file', { path: 'src/deep/new.ts', content: 'x\n' })).status).toBe('ok');
    expect(readFileSync(join(h.ws, 'src/deep/new.ts'), 'utf8')).toBe('x\n');
    expect((await h.call('write_file', { path: join(h.ws, 'abs.txt'), content: 'y' })).status).toBe('ok');
    expect((await h.call('write_file', { path: 'a/../inside.txt', content: 'z' })).status).toBe('ok');
    expect(
      (await h.call('read_file', { path: '.git/config', start_line: null, end_line: null })).output,
    ).toContain('[core]');
    expect((await h.call('write_file', { path: '.gitignore', content: 'node_modules\n' })).status).toBe('ok');
  });

  it('extra writable dirs are writable, others are not', () => {
    const ws = tempDir();
    const extra = tempDir();
    const w = createWorkspace(ws, [extra]);
    expect(resolveToolPath(w, join(extra, 'f'), 'write').ok).toBe(true);
    expect(resolveToolPath(w, join(tempDir(), 'f'), 'write').ok).toBe(false);
  });

  it('writes atomically and keeps the file mode', async () => {
    const { h } = setup();
    const { chmodSync, statSync, readdirSync } = await import('node:fs');
    chmodSync(join(h.ws, 'ok.txt'), 0o755);
    expect((await h.call('write_file', { path: 'ok.txt', content: 'new\n' })).status).toBe('ok');
    expect(statSync(join(h.ws, 'ok.txt')).mode & 0o777).toBe(0o755);
    expect(readdirSync(h.ws).filter((n) => n.includes('.tmp'))).toEqual([]);
  });
});

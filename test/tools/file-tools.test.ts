import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FunctionToolSpec } from '../../src/protocol/client-events.js';
import { grepNode, hasRipgrep } from '../../src/tools/builtin/grep.js';
import { fixturesDir } from '../../src/util/paths.js';
import { harness, SETTINGS, tempDir } from './helpers.js';

function sample() {
  const ws = tempDir();
  cpSync(join(fixturesDir(), 'workspaces', 'sample'), ws, { recursive: true });
  return harness({ workspace: ws });
}

describe('read_file', () => {
  it('returns numbered lines and ranges', async () => {
    const h = sample();
    const all = await h.call('read_file', { path: 'src/lib/math.ts', start_line: null, end_line: null });
    expect(all.output).toBe(
      '     1\texport function add(a: number, b: number): number {\n     2\t  return a + b;\n     3\t}',
    );
    const part = await h.call('read_file', { path: 'src/lib/math.ts', start_line: 2, end_line: 2 });
    expect(part.output).toBe(
      '     2\t  return a + b;\n[showing lines 2-2 of 3; use start_line=3 to continue]',
    );
    const past = await h.call('read_file', { path: 'src/lib/math.ts', start_line: 10, end_line: null });
    expect(past.status).toBe('error');
  });

  it('strips CR, detects binary, caps lines and output size', async () => {
    const h = sample();
    expect((await h.call('read_file', { path: 'crlf.txt', start_line: null, end_line: null })).output).toBe(
      '     1\tline one\n     2\tline two',
    );
    writeFileSync(join(h.ws, 'bin.dat'), Buffer.from([0x7f, 0x45, 0x00, 0x01]));
    expect((await h.call('read_file', { path: 'bin.dat', start_line: null, end_line: null })).output).toMatch(
      /binary file, 4 bytes/,
    );
    writeFileSync(
      join(h.ws, 'big.txt'),
      Array.from({ length: 5000 }, (_, i) => `line ${i + 1} ${'x'.repeat(30)}`).join('\n'),
    );
    const big = await h.call('read_file', { path: 'big.txt', start_line: null, end_line: null });
    expect(big.output.length).toBeLessThanOrEqual(SETTINGS.toolOutputMaxChars);
    expect(big.output).toMatch(
      /\[showing lines 1-\d+ of 5000 \(output size limit\); use start_line=\d+ to continue\]$/,
    );
    expect((await h.call('read_file', { path: 'src', start_line: null, end_line: null })).output).toMatch(
      /is a directory/,
    );
    expect((await h.call('read_file', { path: 'missing', start_line: null, end_line: null })).output).toMatch(
      /does not exist/,
    );
  });
});

describe('list_dir / glob / grep', () => {
  it('lists a directory', async () => {
    const h = sample();
    expect((await h.call('list_dir', { path: 'src' })).output).toBe('lib/\nmain.ts');
    expect((await h.call('list_dir', { path: null })).output).toContain('docs/');
  });

  it('glob honours .gitignore and both pattern styles', async () => {
    const h = sample();
    expect((await h.call('glob', { pattern: '*.ts', path: null })).output).toBe(
      'src/main.ts\nsrc/lib/math.ts',
    );
    expect((await h.call('glob', { pattern: 'src/**/*.ts', path: null })).output).toBe(
      'src/main.ts\nsrc/lib/math.ts',
    );
    expect((await h.call('glob', { pattern: '*.{log,js}', path: null })).output).toBe('keep.log');
    expect((await h.call('glob', { pattern: '*.py', path: null })).output).toBe('No files matched.');
  });

  it.each([['rg'], ['node']])('grep (%s) honours .gitignore', async (engine) => {
    const h = sample();
    let lines: string[];
    if (engine === 'rg') {
      if (!hasRipgrep()) return;
      lines = (await h.call('grep', { pattern: 'TODO', path: null })).output.split('\n').sort();
    } else {
      lines = grepNode(h.ws, /TODO/, h.ws).lines.sort();
    }
    expect(lines).toEqual([
      'docs/README.md:3:A tiny project for tool tests. TODO: nothing.',
      'keep.log:1:TODO kept log',
      'src/main.ts:2:console.log(add(1, 2)); // TODO: remove',
    ]);
  });

  it('grep reports no matches and bad paths', async () => {
    const h = sample();
    expect((await h.call('grep', { pattern: 'zzz_nothing', path: null })).output).toBe('No matches found.');
    expect((await h.call('grep', { pattern: 'x', path: '../' })).status).toBe('error');
    expect((await h.call('grep', { pattern: 'add', path: 'src/lib/math.ts' })).output).toContain(
      'src/lib/math.ts:1:',
    );
  });
});

describe('write_file / edit', () => {
  it('write_file creates and overwrites with file changes', async () => {
    const h = sample();
    const created = await h.call('write_file', { path: 'new/dir/a.txt', content: 'a\n' });
    expect(created.status).toBe('ok');
    expect(created.fileChanges?.[0]?.kind).toBe('add');
    const updated = await h.call('write_file', { path: 'new/dir/a.txt', content: 'b\n' });
    expect(updated.fileChanges?.[0]?.kind).toBe('update');
    expect(updated.fileChanges?.[0]?.diff).toMatch(/-a\n\+b/);
    expect(updated.prepared?.subject.kind).toBe('edit');
  });

  it('edit requires a unique match', async () => {
    const h = sample();
    writeFileSync(join(h.ws, 'e.txt'), 'foo\nbar\nfoo\n');
    expect((await h.call('edit', { path: 'e.txt', old_string: 'foo', new_string: 'x' })).output).toMatch(
      /occurs 2 times/,
    );
    expect((await h.call('edit', { path: 'e.txt', old_string: 'nope', new_string: 'x' })).output).toMatch(
      /not found/,
    );
    expect((await h.call('edit', { path: 'e.txt', old_string: '', new_string: 'x' })).output).toMatch(
      /empty/,
    );
    expect(readFileSync(join(h.ws, 'e.txt'), 'utf8')).toBe('foo\nbar\nfoo\n');
    const ok = await h.call('edit', { path: 'e.txt', old_string: 'foo\nbar', new_string: 'foo\nBAR' });
    expect(ok.status).toBe('ok');
    expect(readFileSync(join(h.ws, 'e.txt'), 'utf8')).toBe('foo\nBAR\nfoo\n');
  });

  it('edit matches LF text against a CRLF file', async () => {
    const h = sample();
    const r = await h.call('edit', {
      path: 'crlf.txt',
      old_string: 'line one\nline two',
      new_string: 'first\nsecond',
    });
    expect(r.status).toBe('ok');
    expect(readFileSync(join(h.ws, 'crlf.txt'), 'utf8')).toBe('first\r\nsecond\r\n');
  });
});

describe('wrapper', () => {
  it('specs are strict with every property required', () => {
    const h = harness();
    const specs = h.rt.specs();
    expect(specs.map((s) => s.name).sort()).toEqual([
      'apply_patch',
      'edit',
      'glob',
      'grep',
      'list_dir',
      'read_file',
      'shell',
      'write_file',
    ]);
    for (const spec of specs) {
      expect(spec.type).toBe('function');
      const s = spec as FunctionToolSpec;
      expect(s.strict).toBe(true);
      const p = s.parameters as {
        properties: Record<string, unknown>;
        required: string[];
        additionalProperties: boolean;
      };
      expect(Object.keys(p.properties).sort()).toEqual([...p.required].sort());
      expect(p.additionalProperties).toBe(false);
    }
  });

  it('truncates long non-shell output head+tail and spills the rest', async () => {
    const spill = tempDir();
    const h = harness({ spillDir: spill, settings: { ...SETTINGS, toolOutputMaxChars: 1000 } });
    for (let i = 0; i < 300; i++) writeFileSync(join(h.ws, `file-${String(i).padStart(3, '0')}.txt`), '');
    const r = await h.call('list_dir', { path: null });
    expect(r.truncated).toBe(true);
    expect(r.output.startsWith('file-000.txt')).toBe(true);
    expect(r.output.endsWith('file-299.txt')).toBe(true);
    expect(r.output).toContain(r.spillPath as string);
    expect(readFileSync(r.spillPath as string, 'utf8').split('\n')).toHaveLength(300);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });
});

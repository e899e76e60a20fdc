import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApplyPatchTool, planPatch } from '../../src/tools/builtin/apply-patch.js';
import { createWorkspace } from '../../src/tools/fs/workspace.js';
import { parsePatch } from '../../src/tools/patch/parse.js';
import { realClock } from '../../src/util/clock.js';
import { harness, NO_SANDBOX, SETTINGS, tempDir } from './helpers.js';

const P = (...body: string[]) => ['*** Begin Patch', ...body, '*** End Patch'].join('\n');

interface Case {
  name: string;
  files: Record<string, string>;
  patch: string;
  expect: Record<string, string | null>;
  error?: RegExp;
}

const CASES: Case[] = [
  {
    name: 'add file',
    files: {},
    patch: P('*** Add File: src/new.txt', '+hello', '+world'),
    expect: { 'src/new.txt': 'hello\nworld\n' },
  },
  {
    name: 'delete file',
    files: { 'old.txt': 'bye\n' },
    patch: P('*** Delete File: old.txt'),
    expect: { 'old.txt': null },
  },
  {
    name: 'update with one hunk',
    files: { 'a.py': 'def f():\n    return 1\n\nprint(f())\n' },
    patch: P('*** Update File: a.py', '@@ def f():', '-    return 1', '+    return 2'),
    expect: { 'a.py': 'def f():\n    return 2\n\nprint(f())\n' },
  },
  {
    name: 'update without @@ line',
    files: { 'a.txt': 'one\ntwo\nthree\n' },
    patch: P('*** Update File: a.txt', ' one', '-two', '+TWO', ' three'),
    expect: { 'a.txt': 'one\nTWO\nthree\n' },
  },
  {
    name: 'multi-hunk update',
    files: { 'm.txt': 'a\nb\nc\nd\ne\nf\ng\nh\n' },
    patch: P('*** Update File: m.txt', '@@', ' a', '-b', '+B', ' c', '@@', ' f', '-g', '+G', '+G2', ' h'),
    expect: { 'm.txt': 'a\nB\nc\nd\ne\nf\nG\nG2\nh\n' },
  },
  {
    name: 'move with edit',
    files: { 'from.txt': 'x\ny\n' },
    patch: P('*** Update File: from.txt', '*** Move to: dir/to.txt', '@@', '-x', '+X', ' y'),
    expect: { 'from.txt': null, 'dir/to.txt': 'X\ny\n' },
  },
  {
    name: 'CRLF file keeps CRLF',
    files: { 'w.txt': 'one\r\ntwo\r\nthree\r\n' },
    patch: P('*** Update File: w.txt', ' one', '-two', '+2', ' three'),
    expect: { 'w.txt': 'one\r\n2\r\nthree\r\n' },
  },
  {
    name: 'CRLF patch text',
    files: { 'c.txt': 'one\ntwo\n' },
    patch: P('*** Update File: c.txt', '-one', '+1', ' two').replace(/\n/g, '\r\n'),
    expect: { 'c.txt': '1\ntwo\n' },
  },
  {
    name: 'no trailing newline preserved',
    files: { 'n.txt': 'alpha\nbeta' },
    patch: P('*** Update File: n.txt', ' alpha', '-beta', '+gamma'),
    expect: { 'n.txt': 'alpha\ngamma' },
  },
  {
    name: 'end of file anchor',
    files: { 'e.txt': 'x\nend\nx\nend\n' },
    patch: P('*** Update File: e.txt', ' x', '-end', '+END', '*** End of File'),
    expect: { 'e.txt': 'x\nend\nx\nEND\n' },
  },
  {
    name: 'whitespace-tolerant match',
    files: { 't.txt': 'keep   \nold\n' },
    patch: P('*** Update File: t.txt', ' keep', '-old', '+new'),
    expect: { 't.txt': 'keep   \nnew\n' },
  },
  {
    name: 'context mismatch changes nothing',
    files: { 'a.txt': 'one\ntwo\n' },
    patch: P('*** Update File: a.txt', ' one', '-three', '+3'),
    expect: { 'a.txt': 'one\ntwo\n' },
    error: /a\.txt: hunk 1 did not match[\s\S]*three/,
  },
  {
    name: 'second file fails → first file untouched (all or nothing)',
    files: { 'ok.txt': 'a\n', 'bad.txt': 'b\n' },
    patch: P(
      '*** Update File: ok.txt',
      '-a',
      '+A',
      '*** Update File: bad.txt',
      '@@ nothing here',
      '-zzz',
      '+y',
      '*** Add File: new.txt',
      '+n',
    ),
    expect: { 'ok.txt': 'a\n', 'bad.txt': 'b\n', 'new.txt': null },
    error: /bad\.txt: hunk 1 \(@@ nothing here\)/,
  },
  {
    name: 'second hunk fails names hunk 2',
    files: { 'h.txt': 'a\nb\nc\n' },
    patch: P('*** Update File: h.txt', '@@', '-a', '+A', '@@', '-q', '+Q'),
    expect: { 'h.txt': 'a\nb\nc\n' },
    error: /h\.txt: hunk 2 did not match/,
  },
  {
    name: 'update of a missing file',
    files: {},
    patch: P('*** Update File: nope.txt', '-a', '+b'),
    expect: { 'nope.txt': null },
    error: /cannot update nope\.txt: it does not exist/,
  },
  {
    name: 'delete of a missing file',
    files: {},
    patch: P('*** Delete File: nope.txt'),
    expect: { 'nope.txt': null },
    error: /cannot delete nope\.txt/,
  },
  {
    name: 'path escape refused',
    files: {},
    patch: P('*** Add File: ../escape.txt', '+x'),
    expect: {},
    error: /outside the workspace/,
  },
  {
    name: 'protected path refused',
    files: { '.git/config': '[core]\n' },
    patch: P('*** Update File: .git/config', '-[core]', '+[core]', '+\tfsmonitor = evil'),
    expect: { '.git/config': '[core]\n' },
    error: /protected/,
  },
];

describe('apply_patch (table)', () => {
  it.each(CASES)('$name', async (c) => {
    const h = harness();
    for (const [p, content] of Object.entries(c.files)) {
      mkdirSync(join(h.ws, p, '..'), { recursive: true });
      writeFileSync(join(h.ws, p), content);
    }
    const r = await h.call('apply_patch', { patch: c.patch });
    if (c.error) {
      expect(r.status).toBe('error');
      expect(r.output).toMatch(c.error);
    } else {
      expect(r.output).toMatch(/^Success/);
      expect(r.status).toBe('ok');
    }
    for (const [p, want] of Object.entries(c.expect)) {
      const abs = join(h.ws, p);
      if (want === null) expect(existsSync(abs), p).toBe(false);
      else expect(readFileSync(abs, 'utf8'), p).toBe(want);
    }
  });

  it('rolls back every file when a write fails mid-commit', async () => {
    const ws = tempDir();
    writeFileSync(join(ws, 'a.txt'), 'a\n');
    writeFileSync(join(ws, 'b.txt'), 'b\n');
    writeFileSync(join(ws, 'gone.txt'), 'g\n');
    const tool = createApplyPatchTool({
      beforeStep: (step) => {
        if (step === 2) throw new Error('injected disk failure');
      },
    });
    const ctx = {
      ws: createWorkspace(ws),
      spillDir: tempDir(),
      env: {},
      settings: SETTINGS,
      sandbox: NO_SANDBOX,
      clock: realClock,
    };
    const patch = P(
      '*** Update File: a.txt',
      '-a',
      '+A',
      '*** Update File: b.txt',
      '-b',
      '+B',
      '*** Add File: sub/c.txt',
      '+c',
      '*** Delete File: gone.txt',
    );
    const out = await tool.execute({ patch }, ctx, {
      signal: new AbortController().signal,
      sandboxed: false,
    });
    expect(out.status).toBe('error');
    expect(out.output).toMatch(/rolled back/);
    expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(ws, 'b.txt'), 'utf8')).toBe('b\n');
    expect(readFileSync(join(ws, 'gone.txt'), 'utf8')).toBe('g\n');
    expect(existsSync(join(ws, 'sub'))).toBe(false);
  });

  it('reports file changes with diffs and an approval preview', async () => {
    const h = harness();
    writeFileSync(join(h.ws, 'a.txt'), 'one\n');
    const patch = P('*** Update File: a.txt', '-one', '+two', '*** Add File: b.txt', '+b');
    const prepared = await h.rt.prepare({
      callId: 'c1',
      name: 'apply_patch',
      arguments: JSON.stringify({ patch }),
    });
    expect(prepared.ok).toBe(true);
    if (!prepared.ok) return;
    expect(prepared.kind).toBe('edit');
    expect(prepared.subject.diff).toContain('-one');
    expect(prepared.subject.diff).toContain('+two');
    expect(prepared.touches).toEqual([join(h.ws, 'a.txt'), join(h.ws, 'b.txt')]);
    // prepare has no side effects
    expect(existsSync(join(h.ws, 'b.txt'))).toBe(false);
    const r = await h.rt.run(prepared, { signal: new AbortController().signal, sandboxed: false });
    expect(r.fileChanges?.map((c) => c.kind)).toEqual(['update', 'add']);
  });
});

describe('parsePatch', () => {
  it.each([
    ['', /must start with/],
    ['*** Begin Patch\n*** Add File: a\n+x', /must end with/],
    [P('*** Frobnicate File: a'), /line 2: expected/],
    [P('*** Add File: a', 'x'), /line 3: in Add File a, every line must start with '\+'/],
    [P('*** Update File: a'), /has no hunks/],
    [P('*** Update File: a', '@@', '@@', '-x'), /empty hunk/],
    [P('*** Update File: a', '@@', '?x'), /unexpected line in hunk/],
    [P(), /no file operations/],
    [P('*** Add File: a', '+x', '*** Delete File: a'), /appears more than once/],
  ])('rejects %j', (text, re) => {
    const r = parsePatch(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(re);
  });

  it('accepts a heredoc wrapper and parses every op', () => {
    const r = parsePatch(
      `apply_patch <<'EOF'\n${P('*** Add File: a', '+1', '*** Delete File: b', '*** Update File: c', '*** Move to: d', '@@ ctx', ' k', '-o', '+n', '*** End of File')}\nEOF\n`,
    );
    expect(r).toEqual({
      ok: true,
      ops: [
        { type: 'add', path: 'a', content: '1\n' },
        { type: 'delete', path: 'b' },
        {
          type: 'update',
          path: 'c',
          moveTo: 'd',
          hunks: [
            {
              header: 'ctx',
              endOfFile: true,
              lines: [
                { op: ' ', text: 'k' },
                { op: '-', text: 'o' },
                { op: '+', text: 'n' },
              ],
            },
          ],
        },
      ],
    });
  });

  it('never throws on arbitrary input', () => {
    for (const s of [
      '\0',
      '*** Begin Patch',
      '*** Begin Patch\n*** End Patch\n*** End Patch',
      '@@\n+x',
      'x'.repeat(10000),
    ]) {
      expect(() => parsePatch(s)).not.toThrow();
    }
    expect(parsePatch(42 as unknown as string).ok).toBe(false);
  });

  it('planPatch rejects the same file twice via different spellings', () => {
    const ws = tempDir();
    writeFileSync(join(ws, 'a.txt'), 'a\n');
    const r = planPatch(P('*** Delete File: a.txt', '*** Delete File: ./a.txt'), { ws: createWorkspace(ws) });
    expect(r.ok).toBe(false);
  });
});

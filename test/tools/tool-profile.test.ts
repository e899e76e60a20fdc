/**
 * Tool profiles: the codex profile's shapes (freeform apply_patch with a Lark grammar, view_image,
 * strict:false functions read tolerantly) and the json profile's strict functions; plus the
 * adversarial inputs of a freeform patch and of view_image.
 */
import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CustomToolSpec, FunctionToolSpec } from '../../src/protocol/client-events.js';
import { resolveToolProfile } from '../../src/tools/index.js';
import { APPLY_PATCH_LARK_GRAMMAR } from '../../src/tools/patch/grammar.js';
import { parsePatch } from '../../src/tools/patch/parse.js';
import type { ToolResult } from '../../src/tools/types.js';
import { sniffImageMime } from '../../src/util/image.js';
import { PNG_1X1 } from '../helpers/images.js';
import { harness, tempDir } from './helpers.js';

function codex() {
  const h = harness({ profile: 'codex' });
  let n = 0;
  const custom = async (name: string, input: string): Promise<ToolResult> => {
    const prepared = await h.rt.prepare({ callId: `c${++n}`, name, arguments: input, kind: 'custom' });
    if (!prepared.ok) return { status: 'error', output: prepared.output, durationMs: 0 };
    return h.rt.run(prepared, { signal: new AbortController().signal, sandboxed: false });
  };
  return { ...h, custom };
}

describe('tool profiles', () => {
  it('codex: apply_patch is a custom tool with a Lark grammar, view_image is offered, functions are strict:false', () => {
    const { rt } = codex();
    expect(rt.profile).toBe('codex');
    const specs = rt.specs();
    expect(specs.map((s) => s.name)).toEqual([
      'exec_command',
      'write_stdin',
      'read_file',
      'list_dir',
      'glob',
      'grep',
      'write_file',
      'edit',
      'apply_patch',
      'view_image',
    ]);
    const patch = specs.find((s) => s.name === 'apply_patch') as CustomToolSpec;
    expect(patch.type).toBe('custom');
    expect(patch.format).toEqual({ type: 'grammar', syntax: 'lark', definition: APPLY_PATCH_LARK_GRAMMAR });
    expect(patch.description).toMatch(/FREEFORM/);
    for (const s of specs.filter((x) => x.type === 'function') as FunctionToolSpec[]) {
      expect(s.strict).toBe(false);
      const p = s.parameters as { required: string[]; properties: Record<string, { type: unknown }> };
      // Optional (nullable) properties are not required in the relaxed schema.
      for (const r of p.required) expect(p.properties[r]?.type).not.toContain('null');
    }
    const read = specs.find((s) => s.name === 'read_file') as FunctionToolSpec;
    expect((read.parameters as { required: string[] }).required).toEqual(['path']);
  });

  it('codex with the exec command tools: exec_command and write_stdin take the place of shell', () => {
    const { rt } = harness({ profile: 'codex', commandTools: 'exec' });
    const names = rt.specs().map((s) => s.name);
    expect(names.slice(0, 2)).toEqual(['exec_command', 'write_stdin']);
    expect(names).not.toContain('shell');
    const exec = rt.specs()[0] as FunctionToolSpec;
    expect(exec.strict).toBe(false);
    expect((exec.parameters as { required: string[] }).required).toEqual(['cmd']);
  });

  it('json: every tool is a strict function, apply_patch takes {patch}, no view_image', () => {
    const { rt } = harness({ profile: 'json' });
    const specs = rt.specs() as FunctionToolSpec[];
    expect(specs.every((s) => s.type === 'function' && s.strict)).toBe(true);
    expect(specs.map((s) => s.name)).not.toContain('view_image');
    const patch = specs.find((s) => s.name === 'apply_patch') as FunctionToolSpec;
    expect((patch.parameters as { required: string[] }).required).toEqual(['patch']);
  });

  it('auto resolves by model id: GPT-5 family and unknown ids → codex; gpt-4.1/gpt-4o and vendor/ids → json', () => {
    for (const m of ['gpt-5.5', 'gpt-5-codex', 'gpt-5.1-mini', 'o3', 'my-finetune', 'codex-mini-latest'])
      expect(resolveToolProfile('auto', m), m).toBe('codex');
    for (const m of [
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4o',
      'gpt-4o-mini-2024-07-18',
      'gpt-4',
      'openai/gpt-5',
      'meta-llama/llama-3',
    ])
      expect(resolveToolProfile('auto', m), m).toBe('json');
    expect(resolveToolProfile('json', 'gpt-5.5')).toBe('json');
    expect(resolveToolProfile('codex', 'gpt-4.1')).toBe('codex');
  });
});

describe('freeform apply_patch (codex profile)', () => {
  it('a raw patch edits files and reports file changes', async () => {
    const h = codex();
    writeFileSync(join(h.ws, 'a.txt'), 'one\ntwo\nthree\n');
    const r = await h.custom(
      'apply_patch',
      '*** Begin Patch\n*** Update File: a.txt\n@@\n one\n-two\n+TWO\n three\n*** Add File: b.txt\n+new\n*** End Patch\n',
    );
    expect(r.status).toBe('ok');
    expect(readFileSync(join(h.ws, 'a.txt'), 'utf8')).toBe('one\nTWO\nthree\n');
    expect(readFileSync(join(h.ws, 'b.txt'), 'utf8')).toBe('new\n');
    expect(r.fileChanges?.map((c) => c.kind)).toEqual(['update', 'add']);
  });

  it('content lines that read "*** End Patch" do not end the patch', async () => {
    const h = codex();
    writeFileSync(join(h.ws, 'doc.md'), 'intro\n*** End Patch\noutro\n');
    const r = await h.custom(
      'apply_patch',
      [
        '*** Begin Patch',
        '*** Update File: doc.md',
        '@@',
        ' intro',
        ' *** End Patch',
        '-outro',
        '+OUTRO',
        '*** Add File: example.patch',
        '+*** Begin Patch',
        '+*** End Patch',
        '*** End Patch',
      ].join('\n'),
    );
    expect(r.output).toMatch(/^Success/);
    expect(readFileSync(join(h.ws, 'doc.md'), 'utf8')).toBe('intro\n*** End Patch\nOUTRO\n');
    expect(readFileSync(join(h.ws, 'example.patch'), 'utf8')).toBe('*** Begin Patch\n*** End Patch\n');
  });

  it('an unprefixed "*** End Patch" in the middle is refused with an actionable message, nothing written', async () => {
    const h = codex();
    const r = await h.custom(
      'apply_patch',
      '*** Begin Patch\n*** Add File: x.txt\n+x\n*** End Patch\n*** Add File: y.txt\n+y\n*** End Patch\n',
    );
    expect(r.status).toBe('error');
    expect(r.output).toMatch(/before the end of the patch/);
    expect(() => readFileSync(join(h.ws, 'x.txt'))).toThrow();
  });

  it('CRLF patches, an empty added file and a pure move apply', async () => {
    const h = codex();
    writeFileSync(join(h.ws, 'old.txt'), 'keep\n');
    const r = await h.custom(
      'apply_patch',
      '*** Begin Patch\r\n*** Add File: empty.txt\r\n*** Update File: old.txt\r\n*** Move to: new.txt\r\n*** End Patch\r\n',
    );
    expect(r.status, r.output).toBe('ok');
    expect(readFileSync(join(h.ws, 'empty.txt'), 'utf8')).toBe('');
    expect(readFileSync(join(h.ws, 'new.txt'), 'utf8')).toBe('keep\n');
  });

  it('a huge patch (20k added lines, ~1 MB) applies', async () => {
    const h = codex();
    const lines = Array.from({ length: 20_000 }, (_, i) => `+line ${i} ${'x'.repeat(40)}`);
    const r = await h.custom(
      'apply_patch',
      `*** Begin Patch\n*** Add File: big.txt\n${lines.join('\n')}\n*** End Patch`,
    );
    expect(r.status).toBe('ok');
    expect(readFileSync(join(h.ws, 'big.txt'), 'utf8').split('\n')).toHaveLength(20_001);
  });

  it('garbage, an empty input and a JSON-wrapped patch get messages the model can act on', async () => {
    const h = codex();
    expect((await h.custom('apply_patch', '')).output).toMatch(/must start with "\*\*\* Begin Patch"/);
    expect((await h.custom('apply_patch', '{"patch":"*** Begin Patch"}')).output).toMatch(/Begin Patch/);
  });

  it('a custom call with an unknown name, or to a function-only tool, is refused with the way forward', async () => {
    const h = codex();
    expect((await h.custom('apply_diff', 'x')).output).toMatch(
      /Unknown tool "apply_diff". Available tools: .*apply_patch/,
    );
    const r = await h.custom('read_file', 'a.txt');
    expect(r.output).toMatch(
      /read_file is a function tool, not a freeform one: call it with JSON arguments \(path/,
    );
  });

  it('apply_patch called as a JSON function in the codex profile still works ({patch} or {input})', async () => {
    const h = codex();
    const r1 = await h.call('apply_patch', {
      patch: '*** Begin Patch\n*** Add File: j1.txt\n+1\n*** End Patch',
    });
    const r2 = await h.call('apply_patch', {
      input: '*** Begin Patch\n*** Add File: j2.txt\n+2\n*** End Patch',
    });
    expect([r1.status, r2.status]).toEqual(['ok', 'ok']);
  });

  it('the grammar covers the format the parser reads (markers and rules present)', () => {
    for (const marker of [
      '*** Begin Patch',
      '*** End Patch',
      '*** Add File: ',
      '*** Delete File: ',
      '*** Update File: ',
      '*** Move to: ',
      '*** End of File',
      '@@',
    ])
      expect(APPLY_PATCH_LARK_GRAMMAR).toContain(`"${marker}`);
    expect(APPLY_PATCH_LARK_GRAMMAR.startsWith('start: ')).toBe(true);
    expect(parsePatch('*** Begin Patch\n*** Delete File: a\n*** End Patch').ok).toBe(true);
  });
});

describe('tolerant reader (strict:false functions)', () => {
  it('missing optional arguments are fine', async () => {
    const h = codex();
    writeFileSync(join(h.ws, 'f.txt'), 'a\nb\n');
    const r = await h.call('read_file', { path: 'f.txt' });
    expect(r.status).toBe('ok');
    expect(r.output).toContain('1\ta');
  });

  it('unknown or mistyped arguments get a message naming what the tool takes', async () => {
    const h = codex();
    const r = await h.call('read_file', { path: 'f.txt', limit: 5 });
    expect(r.output).toMatch(/unknown property "limit" \(read_file takes: path, start_line, end_line\)/);
    const t = await h.call('read_file', { path: 42 });
    expect(t.output).toMatch(/path: must be string/);
    const m = await h.call('read_file', {});
    expect(m.output).toMatch(/missing property "path"/);
  });
});

describe('view_image', () => {
  it('attaches a workspace PNG as an image (type from the bytes)', async () => {
    const h = codex();
    mkdirSync(join(h.ws, 'shots'));
    writeFileSync(join(h.ws, 'shots', 'a.png'), PNG_1X1);
    const r = await h.call('view_image', { path: 'shots/a.png' });
    expect(r.status).toBe('ok');
    expect(r.output).toMatch(/Attached shots\/a.png \(image\/png/);
    expect(r.images?.[0]).toEqual({ mimeType: 'image/png', data: PNG_1X1.toString('base64') });
  });

  it('a file that lies about its extension is judged by content', async () => {
    const h = codex();
    writeFileSync(join(h.ws, 'fake.png'), 'not an image at all\n');
    writeFileSync(join(h.ws, 'real.txt'), PNG_1X1);
    const fake = await h.call('view_image', { path: 'fake.png' });
    expect(fake.status).toBe('error');
    expect(fake.output).toMatch(/not a PNG, JPEG, WebP or GIF image \(checked by content\)/);
    const real = await h.call('view_image', { path: 'real.txt' });
    expect(real.images?.[0]?.mimeType).toBe('image/png');
  });

  it('a symlink pointing out of the workspace is refused', async () => {
    const h = codex();
    const outside = tempDir('tether-outside-');
    writeFileSync(join(outside, 'secret.png'), PNG_1X1);
    symlinkSync(join(outside, 'secret.png'), join(h.ws, 'link.png'));
    const r = await h.call('view_image', { path: 'link.png' });
    expect(r.status).toBe('error');
    expect(r.images).toBeUndefined();
    expect(r.output).toMatch(/outside/i);
    const abs = await h.call('view_image', { path: join(outside, 'secret.png') });
    expect(abs.status).toBe('error');
  });

  it('a 50 MB file is refused by size before it is read', async () => {
    const h = codex();
    const big = join(h.ws, 'huge.png');
    writeFileSync(big, PNG_1X1);
    truncateSync(big, 50 * 1024 * 1024); // sparse: no 50 MB written to disk
    const r = await h.call('view_image', { path: 'huge.png' });
    expect(r.status).toBe('error');
    expect(r.output).toMatch(/image is 50 MB, over the 10 MB limit \(imageMaxBytes\)/);
  });

  it('a directory, a missing file and an empty file are refused', async () => {
    const h = codex();
    mkdirSync(join(h.ws, 'dir.png'));
    writeFileSync(join(h.ws, 'empty.png'), '');
    expect((await h.call('view_image', { path: 'dir.png' })).output).toMatch(/directory/);
    expect((await h.call('view_image', { path: 'nope.png' })).output).toMatch(/no such file|does not exist/);
    expect((await h.call('view_image', { path: 'empty.png' })).output).toMatch(/empty file/);
  });

  it('sniffs PNG, JPEG, GIF and WebP by magic bytes', () => {
    expect(sniffImageMime(PNG_1X1)).toBe('image/png');
    expect(sniffImageMime(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageMime(Buffer.from('GIF89a....'))).toBe('image/gif');
    expect(sniffImageMime(Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageMime(Buffer.from('RIFF\x00\x00\x00\x00WAVEfmt '))).toBeNull();
    expect(sniffImageMime(Buffer.from('<svg/>'))).toBeNull();
  });
});

/** Images in composer text: which tokens are image references, and how they are attached. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachImages, findImageRefs } from '../../src/util/attachments.js';
import { PNG_1X1 } from '../helpers/images.js';
import { tempDir } from '../tools/helpers.js';

describe('findImageRefs', () => {
  it('finds @mentions and pasted absolute, quoted, escaped, file:// and ~ paths of images only', () => {
    const text =
      "see @shots/a.png and '/tmp/my shot.PNG' /tmp/b\\ c.jpeg file:///tmp/d.webp ~/e.gif @notes.md /tmp/f.txt relative.png";
    expect(findImageRefs(text).map((r) => [r.kind, r.path])).toEqual([
      ['mention', 'shots/a.png'],
      ['pasted', '/tmp/my shot.PNG'],
      ['pasted', '/tmp/b c.jpeg'],
      ['pasted', '/tmp/d.webp'],
      ['pasted', '~/e.gif'],
    ]);
  });

  it('ignores a bare @ and text without image paths', () => {
    expect(findImageRefs('@ hello @ world.png? no')).toEqual([]);
  });
});

describe('attachImages', () => {
  it('loads mentioned and pasted images once each, replacing pasted paths by a label', () => {
    const cwd = tempDir('tether-attach-');
    writeFileSync(join(cwd, 'a.png'), PNG_1X1);
    const abs = join(cwd, 'a.png');
    const r = attachImages(`compare @a.png with ${abs}`, { cwd, maxBytes: 1024 });
    expect(r.errors).toEqual([]);
    expect(r.text).toBe('compare @a.png with [image: a.png]');
    expect(r.images).toHaveLength(1); // the same bytes once
    expect(r.images[0]?.dataUrl.startsWith('data:image/png;base64,')).toBe(true);
  });

  it('reports a missing, oversized or fake image as one line each and attaches nothing for it', () => {
    const cwd = tempDir('tether-attach-');
    writeFileSync(join(cwd, 'fake.png'), 'text');
    writeFileSync(join(cwd, 'big.png'), Buffer.concat([PNG_1X1, Buffer.alloc(2048)]));
    const r = attachImages('@nope.png @fake.png @big.png', { cwd, maxBytes: 1024 });
    expect(r.images).toEqual([]);
    expect(r.errors).toEqual([
      'nope.png: no such file',
      'fake.png: not a PNG, JPEG, WebP or GIF image (checked by content)',
      'big.png: image is 2 KB, over the 1 KB limit (imageMaxBytes)',
    ]);
  });
});

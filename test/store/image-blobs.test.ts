/** Session image blobs: stored once by hash, restored on load, a missing blob becomes a note. */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/protocol/items.js';
import { externalizeImages, internalizeImages } from '../../src/store/image-blobs.js';
import { PNG_1X1 } from '../helpers/images.js';
import { tempDir } from '../tools/helpers.js';

const url = `data:image/png;base64,${PNG_1X1.toString('base64')}`;
const message: Item = {
  type: 'message',
  role: 'user',
  content: [
    { type: 'input_text', text: 'see' },
    { type: 'input_image', image_url: url },
  ],
};
const output: Item = {
  type: 'function_call_output',
  call_id: 'c1',
  output: [
    { type: 'input_text', text: 'Attached a.png' },
    { type: 'input_image', image_url: url },
  ],
};

describe('image blobs', () => {
  it('round-trips messages and tool outputs, writing one file for the same image', () => {
    const dir = join(tempDir('tether-blobs-'), 's.blobs');
    const a = externalizeImages(message, dir);
    const b = externalizeImages(output, dir);
    expect(JSON.stringify([a, b])).not.toContain(PNG_1X1.toString('base64'));
    expect(JSON.stringify(a)).toMatch(/"image_url":"tether-blob:[0-9a-f]{64}\.png"/);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(internalizeImages(a, dir)).toEqual(message);
    expect(internalizeImages(b, dir)).toEqual(output);
    // Items without images pass through untouched (same object).
    const plain: Item = { type: 'function_call_output', call_id: 'x', output: 'text' };
    expect(externalizeImages(plain, dir)).toBe(plain);
  });

  it('a missing blob or a forged reference becomes a text note, never a crash or a path escape', () => {
    const dir = join(tempDir('tether-blobs-'), 's.blobs');
    const stored = externalizeImages(message, dir);
    rmSync(dir, { recursive: true });
    const restored = internalizeImages(stored, dir) as { content: Array<{ type: string; text?: string }> };
    expect(restored.content[1]).toEqual({
      type: 'input_text',
      text: '[image missing from the session store]',
    });
    const forged: Item = {
      type: 'message',
      role: 'user',
      content: [{ type: 'input_image', image_url: 'tether-blob:../../etc/passwd' }],
    };
    expect(JSON.stringify(internalizeImages(forged, dir))).toContain('image missing');
  });
});

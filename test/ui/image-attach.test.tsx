/** The composer attaches images on submit (`@shot.png`, a pasted path), through the UI services. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachImages } from '../../src/util/attachments.js';
import { PNG_1X1 } from '../helpers/images.js';
import { tempDir } from '../tools/helpers.js';
import { renderApp } from './harness.js';

describe('composer image attachments', () => {
  const cwd = tempDir('tether-ui-img-');
  writeFileSync(join(cwd, 'shot.png'), PNG_1X1);
  writeFileSync(join(cwd, 'fake.png'), 'not an image');
  const services = { attachImages: (text: string) => attachImages(text, { cwd, maxBytes: 1 << 20 }) };

  it('a prompt mentioning @shot.png is submitted with the image, and the attachment is listed', async () => {
    const app = await renderApp({ services });
    app.controller.submit('what is wrong in @shot.png');
    expect(app.agent.calls.filter((c) => c.kind === 'submit')).toEqual([
      { kind: 'submit', text: 'what is wrong in @shot.png', images: ['shot.png'] },
    ]);
    const notices = app.store.getSnapshot().transcript.entries.filter((e) => e.kind === 'notice');
    expect(notices.map((n) => (n as { text: string }).text)).toEqual([
      `Attached shot.png (image/png, ${PNG_1X1.length} B)`,
    ]);
    app.unmount();
  });

  it('an image that cannot be attached sends nothing and keeps the text in the composer', async () => {
    const app = await renderApp({ services });
    app.store.composer({ type: 'set', text: 'look at @fake.png' } as never);
    app.controller.submit('look at @fake.png');
    expect(app.agent.calls.some((c) => c.kind === 'submit')).toBe(false);
    const notices = app.store.getSnapshot().transcript.entries.filter((e) => e.kind === 'notice');
    expect(notices.map((n) => (n as { text: string }).text)).toEqual([
      'Image not attached: fake.png: not a PNG, JPEG, WebP or GIF image (checked by content)',
    ]);
    app.unmount();
  });

  it('-i images wait for the first prompt and go with it only', async () => {
    const app = await renderApp({ services });
    const img = attachImages('@shot.png', { cwd, maxBytes: 1 << 20 }).images;
    app.controller.attachToNextPrompt(img);
    app.controller.submit('first');
    app.controller.submit('second');
    expect(app.agent.calls.filter((c) => c.kind === 'submit')).toEqual([
      { kind: 'submit', text: 'first', images: ['shot.png'] },
      { kind: 'submit', text: 'second' },
    ]);
    app.unmount();
  });
});

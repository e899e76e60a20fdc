/**
 * Images end to end (built CLI against the simulator): `-i/--image` attaches files to a `-p`
 * prompt as `input_image` data URLs; bad files exit 2 with one line; session files store an
 * image once by hash (not as base64 in every record) and a resumed session sends it again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { requireBuild, runTether, tempDir } from '../agent/cli-harness.js';
import { GIF_1X1, PNG_1X1 } from '../helpers/images.js';

let sim: Simulator;
beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'plain-answer', seed: 5 });
});
afterAll(async () => {
  await sim?.close();
});

function workspace(): string {
  const dir = tempDir('tether-e2e-img-');
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'shot.png'), PNG_1X1);
  writeFileSync(join(dir, 'anim.gif'), GIF_1X1);
  writeFileSync(join(dir, 'fake.png'), 'just text, not a picture\n');
  return dir;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('-i / --image', () => {
  it('attaches every image to the -p prompt as input_image parts of the user message', async () => {
    sim.recorder.clear();
    const ws = workspace();
    const r = await runTether([
      '-p',
      'what is in these?',
      '-i',
      'shot.png',
      '--image',
      'anim.gif',
      '--output',
      'json',
      '--base-url',
      sim.url,
      '-C',
      ws,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const imgs = sim.recorder.images().filter((i) => i.carrier === 'message');
    expect(imgs.map((i) => [i.mime, i.sha256])).toEqual([
      ['image/png', sha(PNG_1X1)],
      ['image/gif', sha(GIF_1X1)],
    ]);
  });

  it('a missing file, a file that is not an image, and one over imageMaxBytes exit 2 with one line', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'big.png'), Buffer.concat([PNG_1X1, Buffer.alloc(4096)]));
    const cases: Array<[string[], RegExp, Record<string, string>?]> = [
      [['-i', 'nope.png'], /^tether: --image nope\.png: no such file\n$/],
      [
        ['-i', 'fake.png'],
        /^tether: --image fake\.png: not a PNG, JPEG, WebP or GIF image \(checked by content\)\n$/,
      ],
      [
        ['-i', 'big.png'],
        /^tether: --image big\.png: image is 4 KB, over the 2 KB limit \(imageMaxBytes\)\n$/,
        { TETHER_IMAGE_MAX_BYTES: '2048' },
      ],
      [['-i', '.'], /^tether: --image \.: is a directory/],
    ];
    for (const [args, re, env] of cases) {
      const r = await runTether(['-p', 'x', ...args, '--base-url', sim.url, '-C', ws], env ? { env } : {});
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(re);
    }
  });
});

describe('images in session files', () => {
  it('are stored once by hash, never as base64 in the log, and a resumed session sends them again', async () => {
    const home = tempDir('tether-e2e-img-home-');
    const env = { TETHER_HOME: home, HOME: home };
    const ws = workspace();
    const base = ['--output', 'json', '--base-url', sim.url, '-C', ws];
    const first = await runTether(['-p', 'look', '-i', 'shot.png', ...base], { env });
    expect(first.code, first.stderr).toBe(0);
    const id = (JSON.parse(first.stdout) as { session_id: string }).session_id;
    const second = await runTether(['-p', 'look again', '-i', 'shot.png', '--continue', ...base], { env });
    expect(second.code, second.stderr).toBe(0);
    const sessions = join(home, 'sessions');
    const log = readFileSync(join(sessions, `${id}.jsonl`), 'utf8');
    expect(log).not.toContain(PNG_1X1.toString('base64'));
    expect(log.match(/tether-blob:[0-9a-f]{64}\.png/g)).toHaveLength(2);
    expect(readdirSync(join(sessions, `${id}.blobs`))).toEqual([`${sha(PNG_1X1)}.png`]);
    // A third process resumes: its first request carries both earlier images, restored.
    sim.recorder.clear();
    const third = await runTether(['-p', 'and now?', '--continue', ...base], { env });
    expect(third.code, third.stderr).toBe(0);
    const firstCreate = sim.recorder.creates()[0]!.seq;
    const resent = sim.recorder.images().filter((i) => i.seq === firstCreate);
    expect(resent.map((i) => i.sha256)).toEqual([sha(PNG_1X1), sha(PNG_1X1)]);
  });
});

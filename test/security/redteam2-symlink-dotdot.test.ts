/**
 * Red-team round 2 (issue 13 §7, F2): `link/..` is where the kernel goes — the parent of the
 * link's target — not the lexical parent. The first five cases are the red team's reproductions
 * (commit 132569a); the rest are further vectors and the cases that must stay automatic.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/index.js';
import { NO_SANDBOX, shellCall } from '../helpers/policy-calls.js';

describe('planted symlinks: `link/..` is resolved by the kernel, not lexically', () => {
  let root: string;
  let ws: string;
  beforeAll(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'tether-rt2-')));
    ws = join(root, 'ws');
    mkdirSync(join(root, 'outside', 'inner'), { recursive: true });
    writeFileSync(join(root, 'outside', 'secret.txt'), 'TOPSECRET\n');
    mkdirSync(ws);
    symlinkSync('/proc/self/net', join(ws, 'sub')); // sub/.. is /proc/<pid>
    symlinkSync(join(root, 'outside', 'inner'), join(ws, 'o')); // o/.. is outside the workspace
    symlinkSync('o', join(ws, 'o2')); // a link to a link
    mkdirSync(join(ws, 'd', 'e'), { recursive: true });
    symlinkSync(join(root, 'outside', 'inner'), join(ws, 'd', 'e', 'l')); // d/e/l/../.. is outside
    writeFileSync(join(ws, 'file.txt'), 'ok\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const CASES = [
    'cat sub/../status',
    'grep -ra HOME= sub/..', // walks /proc/<pid>, environ included
    'cd sub/..; cat status',
    'cat o/../secret.txt',
    'grep -r TOP o/..',
    // Further vectors.
    'cat o2/../secret.txt',
    'cat ./o/./../secret.txt',
    'cat d/e/l/../secret.txt',
    'ls d/e/l/../..',
    'cd o/.. && cat secret.txt',
    'cd o2/..; cd .; cat secret.txt',
    'grep -r TOP -- o/..',
    'head -n1 --  o/../secret.txt',
    'wc -l sub/../status',
  ];
  for (const command of CASES) {
    it.runIf(process.platform === 'linux')(`${command} asks in suggest mode`, async () => {
      const d = await decide(shellCall(command, ws), {
        mode: 'suggest',
        sandbox: NO_SANDBOX,
        rules: { prefixes: [] },
        workspace: ws,
      });
      expect(d.action).toBe('ask');
    });
  }
});

describe('planted symlinks: `..` without a link before it stays automatic', () => {
  let ws: string;
  beforeAll(() => {
    ws = realpathSync(mkdtempSync(join(tmpdir(), 'tether-rt2b-')));
    mkdirSync(join(ws, 'd', 'e'), { recursive: true });
    writeFileSync(join(ws, 'file.txt'), 'ok\n');
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));
  for (const command of ['cat d/../file.txt', 'cat d/e/../../file.txt', 'cd d/e/..; ls', 'grep -r ok d/..']) {
    it(`${command} runs unasked in suggest mode`, async () => {
      const d = await decide(shellCall(command, ws), {
        mode: 'suggest',
        sandbox: NO_SANDBOX,
        rules: { prefixes: [] },
        workspace: ws,
      });
      expect(d.action).toBe('auto');
    });
  }
  // An absolute path with the same shape, through the absolute branch.
  it('an absolute link/.. is resolved too', async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'tether-rt2c-')));
    try {
      mkdirSync(join(root, 'ws'));
      mkdirSync(join(root, 'out', 'in'), { recursive: true });
      writeFileSync(join(root, 'out', 's.txt'), 'x');
      symlinkSync(join(root, 'out', 'in'), join(root, 'ws', 'l'));
      const d = await decide(shellCall(`cat ${join(root, 'ws', 'l')}/../s.txt`, join(root, 'ws')), {
        mode: 'suggest',
        sandbox: NO_SANDBOX,
        rules: { prefixes: [] },
        workspace: join(root, 'ws'),
      });
      expect(d.action).toBe('ask');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

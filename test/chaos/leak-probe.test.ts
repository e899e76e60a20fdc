/**
 * The chaos leak probes are not vacuous: a live child process, an open server socket and a
 * registered tool process group are each reported, and disappear once closed.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { childPids, handleCounts, isClean, waitForNoLeaks } from '../helpers/chaos-leaks.js';

describe('chaos leak probes', () => {
  it('report a child process until it exits', async () => {
    const base = handleCounts();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    expect(childPids()).toContain(child.pid);
    const leaked = await waitForNoLeaks(base, 100);
    expect(isClean(leaked)).toBe(false);
    expect(leaked.childPids).toContain(child.pid);
    child.kill('SIGKILL');
    const after = await waitForNoLeaks(base, 3000);
    expect(after.childPids).toEqual([]);
  });

  it('report an open server socket until it closes', async () => {
    const base = handleCounts();
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const leaked = await waitForNoLeaks(base, 100);
    expect(leaked.handles['TCPServerWrap']).toBe(1);
    await new Promise((r) => server.close(() => r(undefined)));
    expect(isClean(await waitForNoLeaks(base, 2000))).toBe(true);
  });
});

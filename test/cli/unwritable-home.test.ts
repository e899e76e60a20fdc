/**
 * A HOME tether cannot write (read-only, or somewhere odd such as procfs, where Node's recursive
 * mkdir never returns) must not hang or stop a `-p` run: it goes on with defaults, warns once
 * about the config, and saves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { mkdirs } from '../../src/util/mkdirs.js';
import { requireBuild, runTether } from '../agent/cli-harness.js';

let sim: Simulator;
beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'plain-answer', seed: 2 });
});
afterAll(async () => sim?.close());

describe('an unusable HOME', () => {
  it('mkdirs fails at once where recursive mkdir would spin (procfs)', () => {
    const started = Date.now();
    expect(() => mkdirs('/proc/self/fdinfo/.config/tether')).toThrow(/ENOENT/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('-p completes with defaults and one warning about the user config', async () => {
    const r = await runTether(['-p', 'hello', '--base-url', sim.url], {
      env: { HOME: '/proc/self/fdinfo', TETHER_HOME: '' },
      timeoutMs: 30_000,
    });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('You said: hello');
    expect(r.stderr.match(/cannot use the user config/g)).toHaveLength(1);
  }, 40_000);
});

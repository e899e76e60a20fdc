import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('tether command line (built CLI)', () => {
  it('prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('--help lists every documented flag and subcommand', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '-p, --prompt',
      '-m, --model',
      '--base-url',
      '--transport',
      '-a, --approval',
      '--sandbox',
      '-C, --cwd',
      '-o, --output',
      '--json',
      '--max-turns',
      '--timeout',
      '--store',
      '--no-store',
      '-c, --continue',
      '-r, --resume',
      '--demo',
      '-v, --version',
      '-h, --help',
      'sessions',
      'config',
      'simulator',
    ]) {
      expect(r.stdout, flag).toContain(flag);
    }
  });

  it.each([
    [
      ['--approval', 'maybe', '-p', 'x'],
      /invalid value "maybe" for --approval: expected one of suggest, auto-edit, full-auto/,
    ],
    [['--max-turns', '-1', '-p', 'x'], /invalid value "-1" for --max-turns/],
    [['--timeout', 'soon', '-p', 'x'], /invalid value "soon" for --timeout/],
    [['--transport', 'carrier-pigeon', '-p', 'x'], /--transport/],
    [['--output', 'xml', '-p', 'x'], /--output/],
    [['--sandbox', 'maybe', '-p', 'x'], /--sandbox/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--json', '--output', 'text', '-p', 'x'], /--json and --output cannot be combined/],
    [['-C', '/definitely/not/here', '-p', 'x'], /not a directory/],
  ])('bad input %j exits 2 with one line naming the problem', async (args, message) => {
    const r = await runCli(args, { env: { OPENAI_API_KEY: 'sk-test-0123456789abcdefghijklmnop' } });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tether: /);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toContain('sk-test-0123456789');
  });

  it('a bad environment value names the variable', async () => {
    const r = await runCli(['-p', 'x'], { env: { TETHER_MAX_TURNS: 'lots', OPENAI_API_KEY: 'k-123456' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TETHER_MAX_TURNS/);
  });

  it('a missing API key is a usage error that suggests the demo', async () => {
    const r = await runCli(['-p', 'hello'], { env: { OPENAI_API_KEY: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OPENAI_API_KEY is not set.*--demo/);
  });

  it('interactive mode without a terminal says to use --prompt and exits 2', async () => {
    const r = await runCli([], { env: { OPENAI_API_KEY: 'k-123456' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--prompt/);
  });

  it('config set / get / list / unset / path round-trip through the user config', async () => {
    const { tempHome } = await import('../helpers/cli.js');
    const home = tempHome();
    const env = { TETHER_HOME: home };
    expect((await runCli(['config', 'set', 'maxRetries', '7'], { env })).code).toBe(0);
    expect((await runCli(['config', 'get', 'maxRetries'], { env })).stdout.trim()).toBe('7');
    const list = await runCli(['config', 'list'], { env });
    expect(list.stdout).toMatch(/maxRetries\s+7\s+\(user; TETHER_MAX_RETRIES\)/);
    expect((await runCli(['config', 'path'], { env })).stdout.trim()).toBe(`${home}/config.json`);
    const bad = await runCli(['config', 'set', 'approval', 'yolo'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/approval/);
    const unknown = await runCli(['config', 'get', 'nope'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown config key "nope"/);
    expect((await runCli(['config', 'unset', 'maxRetries'], { env })).code).toBe(0);
    expect((await runCli(['config', 'get', 'maxRetries'], { env })).stdout.trim()).toBe('5');
  });
});

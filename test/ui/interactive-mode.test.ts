import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { runInteractive } from '../../src/cli/modes/interactive.js';
import { defaultSettings } from '../../src/config/schema.js';

function sink(isTTY: boolean) {
  let text = '';
  const w = Object.assign(
    new Writable({
      write(c, _e, cb) {
        text += String(c);
        cb();
      },
    }),
    { isTTY },
  );
  return { w: w as unknown as NodeJS.WriteStream, text: () => text };
}

describe('runInteractive', () => {
  it('without a terminal says to use --prompt and returns 2', async () => {
    const out = sink(false);
    const err = sink(false);
    const ctx: CliContext = {
      settings: defaultSettings(),
      sources: {},
      cwd: process.cwd(),
      apiKey: 'sk-test-not-used',
      prompt: undefined,
      stdinContext: undefined,
      resume: undefined,
      continueLast: false,
      demo: false,
      outputLastMessage: undefined,
      projectTrusted: false,
      mcpServers: [],
      mcpWarnings: [],
      env: { TETHER_HOME: '/nonexistent-tether-home' },
      stdout: out.w,
      stderr: err.w,
    };
    expect(await runInteractive(ctx)).toBe(2);
    expect(err.text()).toBe('tether: interactive mode needs a terminal; use --prompt\n');
    expect(out.text()).toBe('');
    expect(err.text()).not.toContain('sk-test');
  });
});

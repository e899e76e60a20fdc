/** Console output while the screen is up becomes transcript notices (src/ui/console-route.ts). */
import { describe, expect, it } from 'vitest';
import { routeConsole } from '../../src/ui/console-route.js';

describe('routeConsole', () => {
  it('turns each console call into one notice, formatted, after the call returns; restore puts the console back', async () => {
    const got: Array<[string, string]> = [];
    const original = console.warn;
    const restore = routeConsole((level, text) => got.push([level, text]));
    try {
      console.warn('[lib] %s %d', 'warning', 1);
      console.log({ a: 1 }, 'x\n');
      console.error(new Error('boom').message);
      // Never inside the call (it may come from a render): in a microtask.
      expect(got).toEqual([]);
      await Promise.resolve();
    } finally {
      restore();
    }
    expect(got).toEqual([
      ['warn', '[lib] warning 1'],
      ['info', '{ a: 1 } x'],
      ['warn', 'boom'],
    ]);
    expect(console.warn).toBe(original);
  });
});

/**
 * Console output while the screen is up (a library's warning, a stray log): each call becomes a
 * notice in the transcript, printed above the live tail and the live region like any entry.
 * Ink's own console patch wrote it through Ink's writer, below the live tail (outside Ink), so the
 * tail's next erase took it away and left tail rows behind.
 */
import { format } from 'node:util';

/** Console methods routed, and the notice level each becomes. */
const METHODS = { log: 'info', info: 'info', debug: 'info', warn: 'warn', error: 'warn' } as const;
type Method = keyof typeof METHODS;

/**
 * Routes the console to `sink` (called in a microtask: never inside the render that logged)
 * until the returned function restores it.
 */
export function routeConsole(sink: (level: 'info' | 'warn', text: string) => void): () => void {
  const saved = new Map<Method, (...args: unknown[]) => void>();
  for (const m of Object.keys(METHODS) as Method[]) {
    saved.set(m, console[m]);
    console[m] = (...args: unknown[]) => {
      const text = format(...args).replace(/\n+$/, '');
      queueMicrotask(() => sink(METHODS[m], text));
    };
  }
  return () => {
    for (const [m, fn] of saved) console[m] = fn;
  };
}

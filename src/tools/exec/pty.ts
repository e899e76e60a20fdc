/**
 * Pseudo-terminal support for `exec_command {tty: true}`, through `@lydell/node-pty` (node-pty
 * with prebuilt binaries per platform as optional dependencies: no compiler at install time).
 * Loaded lazily, only when a tty session starts. Where the binary is missing (an unsupported
 * platform, `--omit=optional`) the caller gets the reason and answers "tty not supported here";
 * there is no partial fallback.
 */
import type * as NodePty from '@lydell/node-pty';

let loaded: Promise<typeof NodePty | string> | null = null;

/** The node-pty module, or a one-line reason why it cannot be used here. */
export function loadPty(): Promise<typeof NodePty | string> {
  loaded ??= import('@lydell/node-pty').then(
    (m) => {
      const mod = ((m as { default?: typeof NodePty }).default ?? m) as typeof NodePty;
      return typeof mod.spawn === 'function' ? mod : 'the pty module has no spawn()';
    },
    (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0] ?? 'cannot load the pty module',
  );
  return loaded;
}

export type { IPty } from '@lydell/node-pty';

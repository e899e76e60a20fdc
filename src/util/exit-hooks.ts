/**
 * One process `'exit'` listener for every last-resort cleanup (snapshot files, tool process
 * groups): per-instance listeners would pile up (one per session, per test worker) and trip
 * Node's MaxListenersExceededWarning. Hooks run synchronously, in registration order; a throwing
 * hook never stops the others.
 */

const hooks = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const hook of [...hooks]) {
    try {
      hook();
    } catch {
      // best effort: the process is exiting
    }
  }
}

/** Runs `hook` when the process exits; call the returned function to unregister it. */
export function onProcessExit(hook: () => void): () => void {
  // A wrapper per registration, so the same function registered twice is removed once.
  const entry = () => hook();
  hooks.add(entry);
  if (!installed) {
    installed = true;
    process.once('exit', runAll);
  }
  return () => {
    hooks.delete(entry);
  };
}

/** Hooks currently registered (tests). */
export function exitHookCount(): number {
  return hooks.size;
}

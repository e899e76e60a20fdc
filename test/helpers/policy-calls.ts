/** A prepared `shell` call and the sandbox states, as the policy tests hand them to `decide`. */
import type { SandboxInfo } from '../../src/policy/index.js';
import type { ReadyCall } from '../../src/tools/types.js';

/** No sandbox available (commands run on the host). */
export const NO_SANDBOX: SandboxInfo = { tier: 'none', requested: 'off', network: true, message: 'off' };
/** bubblewrap available (auto-approved commands run sandboxed). */
export const BWRAP: SandboxInfo = { tier: 'bwrap', requested: 'auto', network: false, message: 'bwrap' };

/** A ready `shell` call of `command`; `cwd` (if given) is the path its subject names. */
export function shellCall(command: string, cwd?: string): ReadyCall {
  return {
    ok: true,
    callId: 'c',
    name: 'shell',
    kind: 'execute',
    args: { command, workdir: null, timeout_ms: null },
    subject: { kind: 'command', summary: command, command, paths: cwd ? [cwd] : [] },
    touches: [],
  };
}

import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxInfo } from '../../src/policy/sandbox.js';
import { createToolRuntime, type ToolRuntimeOptions } from '../../src/tools/index.js';
import type { ReadyCall, ToolResult, ToolRuntime } from '../../src/tools/types.js';

export const NO_SANDBOX: SandboxInfo = {
  tier: 'none',
  requested: 'off',
  network: true,
  message: 'sandbox: off',
};
export const BWRAP_SANDBOX: SandboxInfo = {
  tier: 'bwrap',
  requested: 'auto',
  network: false,
  message: 'sandbox: bubblewrap',
};

export const SETTINGS = {
  toolTimeoutMs: 120_000,
  toolMaxTimeoutMs: 600_000,
  toolInactivityTimeoutMs: 300_000,
  toolOutputMaxChars: 40_000,
};

/** A fresh temp dir (real path). */
export function tempDir(prefix = 'tether-tools-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export interface Harness {
  ws: string;
  spill: string;
  rt: ToolRuntime;
  call(
    name: string,
    args: unknown,
    opts?: { sandboxed?: boolean; signal?: AbortSignal; unreviewed?: boolean },
  ): Promise<ToolResult & { prepared?: ReadyCall }>;
}

/**
 * The environment tests run commands with: HOME points at an empty temp dir so `bash -l` does not
 * source the developer's profile (slow, and a login shell killed mid-startup can leave tools
 * like pyenv with a stale lock).
 */
export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, HOME: tempDir('tether-home-'), ...extra };
}

/** A runtime over a fresh workspace. */
export function harness(overrides: Partial<ToolRuntimeOptions> = {}): Harness {
  const ws = overrides.workspace ?? tempDir();
  const spill = overrides.spillDir ?? tempDir('tether-spill-');
  const rt = createToolRuntime({
    workspace: ws,
    spillDir: spill,
    settings: SETTINGS,
    sandbox: NO_SANDBOX,
    ...overrides,
  });
  let n = 0;
  return {
    ws,
    spill,
    rt,
    async call(name, args, opts = {}) {
      const prepared = await rt.prepare({ callId: `call_${++n}`, name, arguments: JSON.stringify(args) });
      if (!prepared.ok) return { status: 'error', output: prepared.output, durationMs: 0 };
      const r = await rt.run(prepared, {
        signal: opts.signal ?? new AbortController().signal,
        sandboxed: opts.sandboxed ?? false,
        ...(opts.unreviewed ? { unreviewed: true } : {}),
      });
      return { ...r, prepared };
    },
  };
}

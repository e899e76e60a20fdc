/** Shared set-up of the autorun-guard suites: workspaces, a tool runtime, one shell call. */
import { lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { detectSandbox, type SandboxInfo } from '../../src/policy/sandbox.js';
import { createToolRuntime } from '../../src/tools/index.js';
import type { ToolRuntime } from '../../src/tools/types.js';
import { sandboxOrSkip } from './sandbox-ci.js';

export const OFF: SandboxInfo = { tier: 'none', requested: 'off', network: true, message: 'off' };
export const bwrap = await detectSandbox('auto');
export const sandboxOk = sandboxOrSkip('autorun guard in the sandbox', bwrap.tier === 'bwrap', bwrap.message);

export let root: string;
export let outside: string;
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'tether-sec-autorun-')));
  outside = join(root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'evil.sh'), 'echo pwned\n');
  mkdirSync(join(outside, 'vsdir'));
  writeFileSync(join(outside, 'vsdir', 'tasks.json'), '{"tasks":[{"runOn":"folderOpen"}]}\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

export function workspace(name: string, files: Record<string, string> = {}): string {
  const ws = join(root, name);
  mkdirSync(ws);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(ws, rel, '..'), { recursive: true });
    writeFileSync(join(ws, rel), content);
  }
  return ws;
}

export function runtime(ws: string, sandbox: SandboxInfo): ToolRuntime {
  return createToolRuntime({
    workspace: ws,
    spillDir: join(root, `spill-${Math.random().toString(36).slice(2)}`),
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: root },
    settings: {
      toolTimeoutMs: 20_000,
      toolMaxTimeoutMs: 20_000,
      toolInactivityTimeoutMs: 20_000,
      toolOutputMaxChars: 40_000,
    },
    sandbox,
    commandTools: 'shell',
  });
}

export async function shell(rt: ToolRuntime, command: string, sandboxed: boolean, unreviewed = true) {
  const p = await rt.prepare({
    callId: `c${Math.random()}`,
    name: 'shell',
    arguments: JSON.stringify({ command, workdir: null, timeout_ms: null }),
  });
  if (!p.ok) throw new Error(p.output);
  return rt.run(p, { signal: new AbortController().signal, sandboxed, unreviewed });
}

export const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

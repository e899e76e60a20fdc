/** The tool runtime: the public surface of `src/tools/`. */
import type { SandboxInfo } from '../policy/sandbox.js';
import { type Clock, realClock } from '../util/clock.js';
import { createApplyPatchTool } from './builtin/apply-patch.js';
import { editTool } from './builtin/edit.js';
import { globTool } from './builtin/glob.js';
import { grepTool } from './builtin/grep.js';
import { listDirTool } from './builtin/list-dir.js';
import { readFileTool } from './builtin/read-file.js';
import { createShellTool } from './builtin/shell.js';
import { writeFileTool } from './builtin/write-file.js';
import { ToolRegistry, type ToolSettings } from './define-tool.js';
import type { Executor } from './exec/run-process.js';
import { loginShellLauncher, type ShellLauncher } from './exec/shell-snapshot.js';
import { createWorkspace } from './fs/workspace.js';
import { SPILL_MAX_BYTES, SPILL_TOTAL_MAX_BYTES, setSpillLimits } from './spill.js';
import type { ToolRuntime } from './types.js';

export type { ToolSettings } from './define-tool.js';
export { sanitizeEnv } from './exec/env.js';
export { killAllToolProcesses, liveGroups } from './exec/process-registry.js';
export { markerEnv, RUN_ID_VAR, runId, sweepMarkedProcesses } from './exec/run-marker.js';
export {
  createShellLauncher,
  loginShellLauncher,
  type ShellLauncher,
} from './exec/shell-snapshot.js';
export { parsePatch } from './patch/parse.js';
export { pruneSpillRoot } from './spill-prune.js';
export type * from './types.js';

/** Options of {@link createToolRuntime}. */
export interface ToolRuntimeOptions {
  /** Workspace root (resolved to its real path). */
  workspace: string;
  /** More directories the edit tools and the sandbox may write. */
  extraWritableDirs?: string[];
  /** Where truncated outputs are spilled (also readable by read_file). */
  spillDir: string;
  /** Bytes other sessions' spill files already use (counted against the total spill cap). */
  spillBytesInUse?: number;
  /** Base environment for commands (sanitised before use); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  settings: ToolSettings;
  sandbox: SandboxInfo;
  clock?: Clock;
  /** Replaces the process executor of `shell` (tests). */
  executor?: Executor;
  /** How commands start; default a login shell per command (no snapshot). */
  shellLauncher?: ShellLauncher;
}

/** Builds the tool runtime: shell, read_file, list_dir, glob, grep, write_file, edit, apply_patch. */
export function createToolRuntime(opts: ToolRuntimeOptions): ToolRuntime {
  const ws = createWorkspace(opts.workspace, opts.extraWritableDirs ?? [], [opts.spillDir]);
  setSpillLimits(
    opts.spillDir,
    opts.settings.toolSpillMaxBytes ?? SPILL_MAX_BYTES,
    (opts.settings.toolSpillTotalMaxBytes ?? SPILL_TOTAL_MAX_BYTES) - (opts.spillBytesInUse ?? 0),
  );
  const registry = new ToolRegistry(
    [
      createShellTool(opts.executor),
      readFileTool,
      listDirTool,
      globTool,
      grepTool,
      writeFileTool,
      editTool,
      createApplyPatchTool(),
    ],
    {
      ws,
      spillDir: opts.spillDir,
      env: opts.env ?? process.env,
      settings: opts.settings,
      sandbox: opts.sandbox,
      clock: opts.clock ?? realClock,
      shell: opts.shellLauncher ?? loginShellLauncher(opts.env ?? process.env),
    },
  );
  return {
    specs: () => registry.specs(),
    prepare: (req) => registry.prepare(req),
    run: (call, runOpts) => registry.run(call, runOpts),
  };
}

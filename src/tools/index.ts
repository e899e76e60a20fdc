/** The tool runtime: the public surface of `src/tools/`. */
import { AutorunGuard } from '../policy/autorun-guard.js';
import type { SandboxInfo } from '../policy/sandbox.js';
import { type Clock, realClock } from '../util/clock.js';
import { createApplyPatchTool } from './builtin/apply-patch.js';
import { editTool } from './builtin/edit.js';
import { createExecTools } from './builtin/exec-command.js';
import { globTool } from './builtin/glob.js';
import { grepTool } from './builtin/grep.js';
import { listDirTool } from './builtin/list-dir.js';
import { readFileTool } from './builtin/read-file.js';
import { createShellTool } from './builtin/shell.js';
import { viewImageTool } from './builtin/view-image.js';
import { writeFileTool } from './builtin/write-file.js';
import { type AnyTool, ToolRegistry, type ToolSettings } from './define-tool.js';
import { ExecSessionManager } from './exec/exec-sessions.js';
import type { Executor } from './exec/run-process.js';
import { loginShellLauncher, type ShellLauncher } from './exec/shell-snapshot.js';
import { createWorkspace } from './fs/workspace.js';
import { guardedRun } from './guarded-run.js';
import { profileToolNames } from './profiles.js';
import { SPILL_MAX_BYTES, SPILL_TOTAL_MAX_BYTES, setSpillLimits } from './spill.js';
import type { ToolProfile, ToolRuntime } from './types.js';

export { createExecTools } from './builtin/exec-command.js';
export type { ToolSettings } from './define-tool.js';
export { sanitizeEnv } from './exec/env.js';
export type { EndedSession, ExecSessionInfo, ExecSessionManager } from './exec/exec-sessions.js';
export { killAllToolProcesses, liveGroups } from './exec/process-registry.js';
export { markerEnv, RUN_ID_VAR, runId, sweepMarkedProcesses } from './exec/run-marker.js';
export {
  createShellLauncher,
  loginShellLauncher,
  pickShell,
  type ShellLauncher,
} from './exec/shell-snapshot.js';
export { parsePatch } from './patch/parse.js';
export { PROFILE_TOOLS, resolveToolProfile, type ToolProfileSetting } from './profiles.js';
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
  /**
   * The command tools built: `shell` (one call, one process), `exec` (exec_command +
   * write_stdin, long-running sessions) or both (default). The profile offers what was built:
   * the codex profile exec_command/write_stdin (else shell), the json profile shell.
   */
  commandTools?: 'shell' | 'exec' | 'both';
  /** Bounds of exec sessions (`exec` command tools). */
  exec?: { maxSessions: number; bufferChars: number; onNotice?: (message: string) => void };
  /** Tool shapes offered (default `json`); resolve `auto` with `resolveToolProfile` first. */
  profile?: ToolProfile;
}

/**
 * Builds the tool runtime for a profile: json = shell, read_file, list_dir, glob, grep,
 * write_file, edit, apply_patch; codex = the same with apply_patch freeform, plus view_image.
 */
export function createToolRuntime(opts: ToolRuntimeOptions): ToolRuntime {
  const ws = createWorkspace(opts.workspace, opts.extraWritableDirs ?? [], [opts.spillDir]);
  setSpillLimits(
    opts.spillDir,
    opts.settings.toolSpillMaxBytes ?? SPILL_MAX_BYTES,
    (opts.settings.toolSpillTotalMaxBytes ?? SPILL_TOTAL_MAX_BYTES) - (opts.spillBytesInUse ?? 0),
  );
  const execSessions = new ExecSessionManager({
    maxSessions: opts.exec?.maxSessions ?? 8,
    bufferChars: opts.exec?.bufferChars ?? 1_000_000,
    ...(opts.exec?.onNotice ? { onNotice: opts.exec.onNotice } : {}),
  });
  const profile = opts.profile ?? 'json';
  const commandTools = opts.commandTools ?? 'both';
  const all: AnyTool[] = [
    ...(commandTools !== 'exec' ? [createShellTool(opts.executor)] : []),
    ...(commandTools !== 'shell' ? createExecTools() : []),
    readFileTool,
    listDirTool,
    globTool,
    grepTool,
    writeFileTool,
    editTool,
    createApplyPatchTool(),
    viewImageTool,
  ];
  const byName = new Map(all.map((t) => [t.name, t]));
  const offered = profileToolNames(profile, new Set(byName.keys())).map((n) => byName.get(n) as AnyTool);
  const registry = new ToolRegistry(
    offered,
    {
      ws,
      spillDir: opts.spillDir,
      env: opts.env ?? process.env,
      settings: opts.settings,
      sandbox: opts.sandbox,
      clock: opts.clock ?? realClock,
      shell: opts.shellLauncher ?? loginShellLauncher(opts.env ?? process.env),
      exec: execSessions,
    },
    profile,
  );
  const guarded = guardedRun(
    new AutorunGuard(ws.writableRoots),
    (call, runOpts) => registry.run(call, runOpts),
    () => execSessions.count() > 0,
  );
  return {
    profile,
    specs: () => registry.specs(),
    prepare: (req) => registry.prepare(req),
    run: guarded,
    execSessions,
  };
}

/**
 * Sandbox detection (RELIABILITY B9, R15): probe bubblewrap once per process with a functional
 * run (3 s timeout), pick a tier and say so in one line. `on` without a working bwrap is a usage
 * error; `auto` degrades loudly to `none`. macOS Seatbelt can be added as another tier here.
 */
import { spawn } from 'node:child_process';
import { isLinux, platformName } from '../platform/host.js';
import { type PidNamespace, type PidNamespaceProbe, probePidNamespace } from '../platform/pid-namespace.js';
import { readSysctl } from '../platform/procfs.js';
import { usageError } from '../util/errors.js';
import { hardeningProfiles } from './bwrap-args.js';

/** The active sandbox. */
export interface SandboxInfo {
  tier: 'bwrap' | 'none';
  requested: 'auto' | 'on' | 'off';
  /** Whether sandboxed commands may use the network (false: own empty network namespace). */
  network: boolean;
  /** One line for status bars and banners. */
  message: string;
  /** The privilege-dropping bwrap flags the probe found working (bwrap-args.ts). */
  hardening?: string[];
  /**
   * The PID namespace unsandboxed tool commands run in (platform/pid-namespace.ts); absent when
   * none can be made here or `processNamespace` is off (then the marker sweep alone bounds them).
   */
  pidNamespace?: PidNamespace;
}

/** The `processNamespace` setting. */
export type ProcessNamespaceSetting = 'auto' | 'off';

/** Result of the bwrap probe. */
export interface ProbeResult {
  ok: boolean;
  /** Why it failed and how to fix it (empty when ok). */
  reason: string;
  /** The strongest hardening profile that ran (when ok). */
  hardening?: string[];
}

/** Probe timeout (ms). */
export const PROBE_TIMEOUT_MS = 3_000;

/** The probe: the hardening flags under test, then the namespaces every command gets. */
function probeArgs(hardening: readonly string[]): string[] {
  return [
    ...hardening,
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--ro-bind-try',
    '/proc/sys',
    '/proc/sys',
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--',
    '/bin/true',
  ];
}

/** Sysctl values that explain probe failures. */
export interface SysctlSnapshot {
  apparmorRestrictUserns?: string;
  maxUserNamespaces?: string;
  unprivilegedUsernsClone?: string;
}

/** Reads the sysctls {@link classifyProbeFailure} looks at. */
export function readSysctls(): SysctlSnapshot {
  const snap: SysctlSnapshot = {};
  const a = readSysctl('kernel/apparmor_restrict_unprivileged_userns');
  const m = readSysctl('user/max_user_namespaces');
  const u = readSysctl('kernel/unprivileged_userns_clone');
  if (a !== undefined) snap.apparmorRestrictUserns = a;
  if (m !== undefined) snap.maxUserNamespaces = m;
  if (u !== undefined) snap.unprivilegedUsernsClone = u;
  return snap;
}

/** Maps a failed probe's stderr and sysctls to a reason with the exact fix. Pure. */
export function classifyProbeFailure(stderr: string, sys: SysctlSnapshot, missingBinary = false): string {
  if (missingBinary)
    return 'bubblewrap (bwrap) is not installed; install it with: apt-get install bubblewrap';
  if (/uid map/i.test(stderr) && /permission denied/i.test(stderr) && sys.apparmorRestrictUserns === '1') {
    return 'AppArmor restricts unprivileged user namespaces (Ubuntu >= 23.10); add a bwrap AppArmor profile or set kernel.apparmor_restrict_unprivileged_userns=0';
  }
  if (sys.maxUserNamespaces === '0')
    return 'user namespaces are disabled (user.max_user_namespaces=0); set it to a positive value';
  if (sys.unprivilegedUsernsClone === '0')
    return 'unprivileged user namespaces are disabled; set kernel.unprivileged_userns_clone=1';
  if (/RTM_NEWADDR/.test(stderr))
    return 'network namespaces are blocked in this environment (RTM_NEWADDR: Operation not permitted)';
  if (/operation not permitted/i.test(stderr)) {
    return 'namespace creation is refused (a container seccomp profile?); run with more privileges or use --sandbox off';
  }
  const first = stderr.split('\n').find((l) => l.trim()) ?? 'unknown error';
  return `bwrap probe failed: ${first.trim()}`;
}

/** Runs `bwrap` with `args`; resolves with exit status and stderr (never rejects). */
function runBwrap(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stderr: string; missing: boolean }> {
  return new Promise((resolve) => {
    let stderr = '';
    let done = false;
    const finish = (r: { code: number | null; stderr: string; missing: boolean }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn('bwrap', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch {
      return finish({ code: null, stderr: '', missing: true });
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ code: null, stderr: `${stderr}\nprobe timed out after ${timeoutMs} ms`, missing: false });
    }, timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) =>
      finish({ code: null, stderr: err.message, missing: err.code === 'ENOENT' }),
    );
    child.on('exit', (code) => finish({ code, stderr, missing: false }));
  });
}

/** Probes bubblewrap once (uncached; see {@link detectSandbox}). */
export async function probeBwrap(timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  if (!isLinux()) return { ok: false, reason: `no sandbox implementation for ${platformName()} yet` };
  const version = await runBwrap(['--version'], timeoutMs);
  if (version.missing || version.code !== 0)
    return { ok: false, reason: classifyProbeFailure(version.stderr, {}, true) };
  // Strongest profile first: no capabilities and no nested user namespaces (bwrap >= 0.8), then
  // without --disable-userns (older bwrap), then (root without user namespaces) caps dropped only.
  let first: { code: number | null; stderr: string } | undefined;
  for (const hardening of hardeningProfiles()) {
    const probe = await runBwrap(probeArgs(hardening), timeoutMs);
    if (probe.code === 0) return { ok: true, reason: '', hardening };
    first ??= probe;
  }
  return { ok: false, reason: classifyProbeFailure(first?.stderr ?? '', readSysctls()) };
}

let probeCache: Promise<ProbeResult> | undefined;

/** Builds the info for a probe result. Throws a usage error for `on` without a sandbox. */
export function sandboxInfoFor(requested: SandboxInfo['requested'], probe: ProbeResult | null): SandboxInfo {
  if (requested === 'off') {
    return {
      tier: 'none',
      requested,
      network: true,
      message: 'sandbox: off (--sandbox off); shell commands run unsandboxed',
    };
  }
  if (probe?.ok) {
    const info: SandboxInfo = {
      tier: 'bwrap',
      requested,
      network: false,
      message: 'sandbox: bubblewrap (workspace writable, rest read-only, network off)',
    };
    if (probe.hardening) info.hardening = probe.hardening;
    return info;
  }
  const reason = probe?.reason ?? 'not probed';
  if (requested === 'on')
    throw usageError(`--sandbox on, but no sandbox is available: ${reason}`, 'sandbox_unavailable');
  return {
    tier: 'none',
    requested,
    network: true,
    message: `sandbox: unavailable (${reason}); shell commands run unsandboxed`,
  };
}

/**
 * Adds the PID namespace (or, without one, why a detached process can outlive tether) to `info`.
 * Pure: `probe` null means `processNamespace` is off.
 */
export function withPidNamespace(info: SandboxInfo, probe: PidNamespaceProbe | null): SandboxInfo {
  if (probe?.ok) return { ...info, pidNamespace: probe.ns };
  const why = probe ? probe.reason : 'processNamespace off';
  // Off Linux there is no /proc sweep either: any child that leaves its process group survives.
  const risk = isLinux()
    ? 'a process that detaches and clears TETHER_RUN_ID can outlive tether'
    : 'a process that detaches (setsid, a double fork) can outlive tether';
  return { ...info, message: `${info.message}; no PID namespace for unsandboxed commands (${why}): ${risk}` };
}

/**
 * Detects the sandbox for `requested` (`auto | on | off`) and the PID namespace for unsandboxed
 * commands. Each probe runs at most once per process. `on` without bwrap throws a TetherError
 * (usage, exit 2).
 */
export async function detectSandbox(
  requested: SandboxInfo['requested'],
  processNamespace: ProcessNamespaceSetting = 'auto',
): Promise<SandboxInfo> {
  const ns = processNamespace === 'off' ? Promise.resolve(null) : probePidNamespace();
  if (requested === 'off') return withPidNamespace(sandboxInfoFor('off', null), await ns);
  probeCache ??= probeBwrap();
  const [probe, pid] = await Promise.all([probeCache, ns]);
  return withPidNamespace(sandboxInfoFor(requested, probe), pid);
}

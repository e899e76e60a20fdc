/** Facts about the machine a benchmark ran on (reported next to every figure). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** Machine description written into latest.md / latest.json. */
export interface MachineInfo {
  /** `nproc` output (CPUs available to this process). */
  nproc: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** Total memory (MiB). */
  memoryMiB: number;
  /** Kernel release (`uname -r`). */
  kernel: string;
  /** 1-minute load average when the run started and ended (other work on the machine skews figures). */
  loadAvgStart?: number;
  loadAvgEnd?: number;
}

/** The 1-minute load average. */
export function loadAvg1(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

function nproc(): number {
  try {
    return Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    return cpus().length;
  }
}

function kernel(): string {
  try {
    return readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** Reads nproc, CPU model, Node version, platform, memory and kernel. */
export function machineInfo(): MachineInfo {
  return {
    nproc: nproc(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    kernel: kernel(),
  };
}

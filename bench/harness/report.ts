/** Result types of a benchmark run and the writers of latest.json / latest.md. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine.js';

/** Status of one target: met, missed, or not measured (with the reason). */
export type TargetStatus = 'met' | 'NOT met' | 'not measured';

/** One target of issue 9, evaluated. */
export interface TargetResult {
  id: string;
  /** What is measured, e.g. "20-tool loop @50 ms RTT: WS / HTTP wall time". */
  label: string;
  /** The goal, e.g. "≤ 0.6". */
  goal: string;
  status: TargetStatus;
  /** The figure(s) behind the verdict, human readable. */
  measured: string;
  /** Why a target is missed or not measured, and what would fix it. */
  note?: string;
}

/** A table inside a section (rendered as markdown). */
export interface ResultTable {
  title: string;
  headers: string[];
  rows: Array<Array<string | number>>;
}

/** Output of one benchmark section. */
export interface SectionResult {
  name: string;
  ok: boolean;
  /** Why the section did not run (or failed). */
  error?: string;
  /** Section wall time (ms). */
  durationMs: number;
  figures: Record<string, unknown>;
  tables: ResultTable[];
  notes: string[];
}

/** The whole run (latest.json). */
export interface BenchResults {
  tool: 'tether-code bench';
  version: string;
  startedAt: string;
  /** `full` for `npm run bench`, `quick` for the smoke configuration. */
  profile: 'full' | 'quick';
  durationMs: number;
  machine: MachineInfo;
  targets: TargetResult[];
  sections: SectionResult[];
}

const esc = (v: string | number): string => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const lines = [`| ${headers.map(esc).join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
  return lines.join('\n');
}

/** Renders latest.md: machine, target table, closing notes for misses, then every section. */
export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [
    '# tether benchmarks: latest results',
    '',
    `Run ${r.startedAt} (${r.profile} profile, ${(r.durationMs / 1000).toFixed(1)} s), tether ${r.version}.`,
    '',
    `Machine: nproc ${m.nproc}, CPU ${m.cpuModel}, Node ${m.node}, ${m.platform}, ${m.memoryMiB} MiB RAM, kernel ${m.kernel}; 1-min load average ${m.loadAvgStart ?? '?'} at start, ${m.loadAvgEnd ?? '?'} at end (above nproc means other work shared the CPUs and timings are inflated).`,
    '',
    'Everything runs over loopback against the Responses simulator (`src/simulator/`) with injected latency; see `bench/README.md` for the method.',
    '',
    '## Targets',
    '',
    table(
      ['Target', 'Goal', 'Status', 'Measured'],
      r.targets.map((t) => [
        t.label,
        t.goal,
        t.status === 'not measured' ? `not measured: ${t.note ?? 'unknown'}` : t.status,
        t.measured,
      ]),
    ),
    '',
  ];
  const misses = r.targets.filter((t) => t.status === 'NOT met' && t.note);
  if (misses.length) {
    out.push('## Why targets were missed', '');
    for (const t of misses) out.push(`- **${t.label}**: ${t.note}`);
    out.push('');
  }
  for (const s of r.sections) {
    out.push(`## ${s.name}`, '');
    if (!s.ok) out.push(`Not measured: ${s.error ?? 'unknown error'}`, '');
    for (const t of s.tables) out.push(`**${t.title}**`, '', table(t.headers, t.rows), '');
    for (const n of s.notes) out.push(`- ${n}`);
    if (s.notes.length) out.push('');
    out.push(`_Section time: ${(s.durationMs / 1000).toFixed(1)} s._`, '');
  }
  return `${out.join('\n')}\n`;
}

/** Writes `latest.json` and `latest.md` into `dir`. */
export function writeResults(dir: string, r: BenchResults): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'latest.json');
  const md = join(dir, 'latest.md');
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(r));
  return { json, md };
}

/** The targets of issue 9: label, goal, and the section that measures each. */
import type { TargetResult, TargetStatus } from './report.js';

/** Static description of a target. */
export interface TargetDef {
  id: string;
  label: string;
  goal: string;
  /** Id of the section that evaluates it. */
  section: string;
}

/** Every target, in report order. */
export const TARGETS: readonly TargetDef[] = [
  {
    id: 'ws-vs-http',
    label: '20-tool loop @50 ms RTT: WebSocket total / HTTP total',
    goal: '≤ 0.6',
    section: 'loop',
  },
  { id: 'overhead-p50', label: 'Client overhead per turn, p50', goal: '≤ 1 ms', section: 'overhead' },
  { id: 'overhead-p99', label: 'Client overhead per turn, p99', goal: '≤ 5 ms', section: 'overhead' },
  {
    id: 'continuation-flat',
    label: 'WS continuation bytes: turn 50 / turn 2',
    goal: '≤ 1.1',
    section: 'loop',
  },
  {
    id: 'rotation',
    label: 'Rotation: extra latency of the turn after a forced rotation',
    goal: '≤ 1 ms',
    section: 'rotation',
  },
  { id: 'startup-version', label: '`tether --version` / `node -e 0`', goal: '≤ 1.5', section: 'startup' },
  { id: 'prompt-ready', label: 'Interactive prompt ready (PTY)', goal: '≤ 400 ms', section: 'startup' },
  {
    id: 'render-cpu',
    label: 'Streaming render of 200k chars at 10k chars/s: CPU',
    goal: '≤ 2000 ms',
    section: 'render',
  },
  {
    id: 'render-frame',
    label: 'Streaming render: CPU per live frame (mean)',
    goal: '≤ 1 ms',
    section: 'render',
  },
  { id: 'rss-growth', label: 'RSS growth, turn 10 → turn 1,000', goal: '≤ 50 MB', section: 'memory' },
  { id: 'rss-peak-20', label: 'Peak RSS in the 20-tool loop (WS @50 ms)', goal: '≤ 100 MB', section: 'loop' },
  {
    id: 'codex-ratio',
    label: 'tether WS / Codex WS wall time (20-tool @50 ms)',
    goal: '≤ 0.8',
    section: 'codex',
  },
  {
    id: 'profile-gap',
    label: 'Real-profile HOME: median response end → next request (echo), minus the empty-HOME figure',
    goal: '≤ 10 ms',
    section: 'profile',
  },
  {
    id: 'profile-codex-ratio',
    label: 'Real-profile HOME: tether WS / Codex WS wall time (20-tool @50 ms)',
    goal: '≤ 0.8',
    section: 'profile',
  },
  {
    id: 'profile-ws-http',
    label: 'Real-profile HOME: tether WS / tether HTTP wall time (20-tool @50 ms)',
    goal: '≤ 0.6',
    section: 'profile',
  },
  {
    id: 'deflate-bytes',
    label: 'WS continuation bytes on the wire (permessage-deflate)',
    goal: '≤ 250 B',
    section: 'loop',
  },
];

/** A verdict as sections produce it (label/goal come from {@link TARGETS}). */
export interface Verdict {
  status: TargetStatus;
  measured: string;
  note?: string;
}

/** `met` when `value ≤ limit`, `NOT met` otherwise, `not measured` for NaN. */
export function verdict(value: number, limit: number, measured: string, missNote?: string): Verdict {
  if (!Number.isFinite(value)) return { status: 'not measured', measured: '—', note: missNote ?? 'no data' };
  if (value <= limit) return { status: 'met', measured };
  return missNote ? { status: 'NOT met', measured, note: missNote } : { status: 'NOT met', measured };
}

/** Joins the defs with the verdicts; a target without a verdict is "not measured". */
export function evaluateTargets(
  verdicts: Map<string, Verdict>,
  sectionErrors: Map<string, string>,
): TargetResult[] {
  return TARGETS.map((t) => {
    const v = verdicts.get(t.id);
    if (v) return { id: t.id, label: t.label, goal: t.goal, ...v };
    const why = sectionErrors.get(t.section) ?? `section "${t.section}" did not run`;
    return { id: t.id, label: t.label, goal: t.goal, status: 'not measured', measured: '—', note: why };
  });
}

/**
 * Rotation cost (session level, in-process): a socket older than `rotationAgeMs` is replaced
 * between turns by a warmed standby (RELIABILITY R10). The turn right after a rotation is paired
 * with a control turn after the same idle on the same new socket, so only the rotation itself is
 * charged. RTT 20 ms with a 40 ms handshake, so a rotation that paid a connect on the turn's
 * critical path would show up as ≥ 40 ms.
 */
import { userMessage } from '../../../src/protocol/items.js';
import type { SessionController, SessionStatusEvent } from '../../../src/session/types.js';
import { handshakeMsFor } from '../config.js';
import type { SectionContext, SectionOutput } from '../context.js';
import { createBenchSession } from '../inproc.js';
import { startSim } from '../sim.js';
import { median, round } from '../stats.js';
import { verdict } from '../targets.js';

const RTT_MS = 20;
/**
 * Rotation age. Must exceed two idle pauses plus two turns: the standby's own age timer starts
 * when it is adopted, and the control turn must run on it before it is due again.
 */
const AGE_MS = 700;
/** Idle before each measured turn: time for the standby to open (40 ms) and warm (20 ms+). */
const IDLE_MS = 250;

interface Sample {
  durationMs: number;
  ttfeMs: number;
}

async function turn(session: SessionController, i: number): Promise<Sample> {
  const t0 = performance.now();
  const r = await session.runTurn([userMessage(`turn ${i}`)]);
  if (r.status !== 'completed') throw new Error(`turn ${i} ended ${r.status}: ${r.error?.message ?? ''}`);
  return { durationMs: performance.now() - t0, ttfeMs: r.metrics.timeToFirstEventMs };
}

/**
 * Per sample, on one session: back-to-back turns until the socket is older than the rotation
 * age (the session then rotates in the background after that turn), idle, the turn right after
 * the rotation; idle again, the control turn on the same (new) socket. Rotated and control turns
 * are paired so load drift on the machine cancels out.
 */
async function measure(ctx: SectionContext): Promise<{
  rotated: Sample[];
  control: Sample[];
  normal: Sample[];
  rotations: number;
  overlapped: number;
}> {
  const sim = await startSim(ctx.paths, {
    scenario: { name: 'chat', turns: [{ steps: [{ say: 'ok' }] }], fallback: 'ok' },
    latencyMs: RTT_MS,
    httpHandshakeMs: handshakeMsFor(RTT_MS),
  });
  const session = await createBenchSession(ctx.paths, sim.url, { rotationAgeMs: AGE_MS });
  let rotations = 0;
  let connecting = 0;
  const off = session.subscribe((e: SessionStatusEvent) => {
    if (e.type === 'rotated') rotations++;
    if (e.type === 'connecting') connecting++;
  });
  const rotated: Sample[] = [];
  const control: Sample[] = [];
  const normal: Sample[] = [];
  let overlapped = 0;
  let i = 0;
  const idleThenTurn = async (into: Sample[]): Promise<void> => {
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const before = connecting;
    into.push(await turn(session, i++));
    // A socket opened during the measured turn means it overlapped a rotation: not comparable.
    if (connecting !== before) overlapped++;
  };
  try {
    await session.start();
    for (let k = 0; k < ctx.profile.rotationSamples; k++) {
      while (session.status().socketAgeMs <= AGE_MS + 5) normal.push(await turn(session, i++));
      const r0 = rotations;
      await idleThenTurn(rotated);
      if (rotations === r0) throw new Error(`sample ${k + 1}: no rotation before the measured turn`);
      await idleThenTurn(control);
      if (rotations !== r0 + 1)
        throw new Error(`sample ${k + 1}: a rotation happened before the control turn`);
    }
  } finally {
    off();
    await session.close();
    await sim.close();
  }
  return { rotated, control, normal, rotations, overlapped };
}

/** Runs the rotation benchmark. */
export async function runRotation(ctx: SectionContext): Promise<SectionOutput> {
  const m = await measure(ctx);
  const med = (xs: Sample[], k: keyof Sample): number => median(xs.map((x) => x[k]));
  const paired = m.rotated.map((r, k) => r.durationMs - (m.control[k]?.durationMs ?? Number.NaN));
  const pairedTtfe = m.rotated.map((r, k) => r.ttfeMs - (m.control[k]?.ttfeMs ?? Number.NaN));
  const extra = median(paired);
  const figures = {
    rttMs: RTT_MS,
    rotationAgeMs: AGE_MS,
    samples: m.rotated.length,
    rotationsObserved: m.rotations,
    overlapped: m.overlapped,
    turnAfterRotationMs: round(med(m.rotated, 'durationMs'), 3),
    controlTurnMs: round(med(m.control, 'durationMs'), 3),
    normalTurnMs: round(med(m.normal, 'durationMs'), 3),
    extraMs: round(extra, 3),
    extraTtfeMs: round(median(pairedTtfe), 3),
    pairedDiffMs: paired.map((d) => round(d, 2)),
    ttfeAfterRotationMs: round(med(m.rotated, 'ttfeMs'), 3),
    ttfeControlMs: round(med(m.control, 'ttfeMs'), 3),
  };
  return {
    figures,
    tables: [
      {
        title: `Turn latency, median of ${figures.samples} paired samples (RTT ${RTT_MS} ms, handshake ${handshakeMsFor(RTT_MS)} ms)`,
        headers: ['turn', 'duration ms', 'time to first event ms'],
        rows: [
          ['right after a forced rotation', figures.turnAfterRotationMs, figures.ttfeAfterRotationMs],
          ['control: same idle, same new socket, no rotation', figures.controlTurnMs, figures.ttfeControlMs],
          ['median of paired differences (rotated − control)', figures.extraMs, figures.extraTtfeMs],
          ['back-to-back (normal)', figures.normalTurnMs, '—'],
        ],
      },
    ],
    notes: [
      `${m.rotations} rotations observed (status event \`rotated\`); ${m.overlapped} measured turns overlapped a socket being opened.`,
      `Per sample: back-to-back turns until the socket is older than the rotation age (${AGE_MS} ms; the session then rotates in the background after that turn), ${IDLE_MS} ms idle, the measured turn; ${IDLE_MS} ms idle again, the control turn on the same new socket. Paired differences cancel machine-load drift.`,
    ],
    verdicts: {
      rotation: verdict(
        extra,
        1,
        `${round(extra, 2)} ms median paired difference (${figures.turnAfterRotationMs} vs ${figures.controlTurnMs} ms; TTFE ${figures.extraTtfeMs >= 0 ? '+' : ''}${figures.extraTtfeMs} ms)`,
        'the turn after a rotation waits for the new socket or sends more context; pre-open and warm the standby before the next turn',
      ),
    },
  };
}

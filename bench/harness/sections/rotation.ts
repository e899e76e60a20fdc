/**
 * Rotation cost (session level, in-process): a socket older than `rotationAgeMs` is replaced
 * between turns by a warmed standby (RELIABILITY R10). The turn right after a rotation is
 * compared with a turn after the same idle time without rotation (control run), so only the
 * rotation itself is charged. RTT 20 ms with a 40 ms handshake, so a rotation that paid a
 * connect on the turn's critical path would show up as ≥ 40 ms.
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
const AGE_MS = 200;
/** Idle before the measured turn: time for the standby to open (40 ms) and warm (20 ms+). */
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
 * One run. Per sample: back-to-back turns until the socket is older than the rotation age (the
 * session starts a background rotation after the turn that crosses it), an idle pause long
 * enough for the standby to open and warm, then the measured turn. The control run repeats the
 * same turn counts and pauses with rotation disabled.
 */
async function measure(
  ctx: SectionContext,
  rotate: boolean,
  turnsPerSample: number[],
): Promise<{ afterIdle: Sample[]; normal: Sample[]; rotations: number; turnsPerSample: number[] }> {
  const sim = await startSim(ctx.paths, {
    scenario: { name: 'chat', turns: [{ steps: [{ say: 'ok' }] }], fallback: 'ok' },
    latencyMs: RTT_MS,
    httpHandshakeMs: handshakeMsFor(RTT_MS),
  });
  const session = await createBenchSession(ctx.paths, sim.url, {
    rotationAgeMs: rotate ? AGE_MS : 3_600_000,
  });
  let rotations = 0;
  const off = session.subscribe((e: SessionStatusEvent) => {
    if (e.type === 'rotated') rotations++;
  });
  const afterIdle: Sample[] = [];
  const normal: Sample[] = [];
  const counts: number[] = [];
  let i = 0;
  try {
    await session.start();
    for (let k = 0; k < ctx.profile.rotationSamples; k++) {
      let c = 0;
      const want = turnsPerSample[k];
      while (want !== undefined ? c < want : session.status().socketAgeMs <= AGE_MS + 5) {
        normal.push(await turn(session, i++));
        c++;
      }
      counts.push(c);
      await new Promise((r) => setTimeout(r, IDLE_MS));
      afterIdle.push(await turn(session, i++));
    }
  } finally {
    off();
    await session.close();
    await sim.close();
  }
  return { afterIdle, normal, rotations, turnsPerSample: counts };
}

/** Runs the rotation benchmark. */
export async function runRotation(ctx: SectionContext): Promise<SectionOutput> {
  const rotated = await measure(ctx, true, []);
  const control = await measure(ctx, false, rotated.turnsPerSample);
  const med = (xs: Sample[], k: keyof Sample): number => median(xs.map((x) => x[k]));
  const afterRotation = med(rotated.afterIdle, 'durationMs');
  const afterIdle = med(control.afterIdle, 'durationMs');
  const normal = med([...rotated.normal, ...control.normal], 'durationMs');
  const extra = afterRotation - afterIdle;
  const figures = {
    rttMs: RTT_MS,
    rotationAgeMs: AGE_MS,
    samples: ctx.profile.rotationSamples,
    rotationsObserved: rotated.rotations,
    turnAfterRotationMs: round(afterRotation, 3),
    turnAfterIdleNoRotationMs: round(afterIdle, 3),
    normalTurnMs: round(normal, 3),
    extraMs: round(extra, 3),
    ttfeAfterRotationMs: round(med(rotated.afterIdle, 'ttfeMs'), 3),
    ttfeAfterIdleMs: round(med(control.afterIdle, 'ttfeMs'), 3),
  };
  if (rotated.rotations === 0) throw new Error(`no rotation happened (rotationAgeMs ${AGE_MS} ms)`);
  return {
    figures,
    tables: [
      {
        title: `Turn latency, median of ${ctx.profile.rotationSamples} samples (RTT ${RTT_MS} ms, handshake ${handshakeMsFor(RTT_MS)} ms)`,
        headers: ['turn', 'duration ms', 'time to first event ms'],
        rows: [
          ['right after a forced rotation', figures.turnAfterRotationMs, figures.ttfeAfterRotationMs],
          ['after the same idle, no rotation', figures.turnAfterIdleNoRotationMs, figures.ttfeAfterIdleMs],
          ['back-to-back (normal)', figures.normalTurnMs, '—'],
        ],
      },
    ],
    notes: [`${rotated.rotations} rotations observed (status event \`rotated\`).`],
    verdicts: {
      rotation: verdict(
        extra,
        1,
        `${round(extra, 2)} ms (${figures.turnAfterRotationMs} vs ${figures.turnAfterIdleNoRotationMs} ms)`,
        'the turn after a rotation waits for the new socket or sends more context; pre-open and warm the standby before the next turn',
      ),
    },
  };
}

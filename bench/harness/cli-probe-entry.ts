/**
 * Preloaded into a spawned CLI (`node --import`): installs the socket probe inside the CLI's
 * own process and writes the frame marks to `$BENCH_PROBE_OUT` at exit. Bundled on demand by
 * cli-probe.ts; the CLI's `ws` and this probe's `ws` resolve to the same module.
 */
import { writeFileSync } from 'node:fs';
import { installWsProbe } from './ws-probe.js';

const out = process.env['BENCH_PROBE_OUT'];
if (out) {
  const probe = installWsProbe();
  process.on('exit', () => {
    writeFileSync(out, JSON.stringify(probe.marks));
  });
}

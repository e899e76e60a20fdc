/** Starting the Responses simulator in-process, and the scenarios the benchmarks drive. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../../src/simulator/scenario-types.js';
import type { RecordedRequest, Simulator, SimulatorOptions } from '../../src/simulator/types.js';
import { type HarnessPaths, loadExport } from './load-src.js';

type StartSimulator = (opts: SimulatorOptions) => Promise<Simulator>;

/** Starts a simulator (bundled from src/simulator on first use). */
export async function startSim(paths: HarnessPaths, opts: SimulatorOptions): Promise<Simulator> {
  const start = await loadExport<StartSimulator>(paths, 'src/simulator', 'startSimulator');
  return start({ seed: 9, ...opts });
}

/** A tool loop: `calls` sequential shell calls, then a short answer. */
export function toolLoopScenario(name: string, calls: number): Scenario {
  return {
    name,
    turns: [
      {
        steps: [
          {
            say: 'Working through the steps.',
            call: { tool: 'shell', args: { command: 'echo step {{i}}' } },
            repeat: calls,
          },
          { say: 'All steps done.' },
        ],
      },
    ],
  };
}

/**
 * The scenario to use for `name`: the shipped `fixtures/scenarios/<name>.json` when it exists
 * (so our figures are on the scenarios everyone uses), else the equivalent inline tool loop.
 */
export function scenarioFor(paths: HarnessPaths, name: string, calls: number): string | Scenario {
  return existsSync(join(paths.root, 'fixtures', 'scenarios', `${name}.json`))
    ? name
    : toolLoopScenario(name, calls);
}

/** A long session of cheap calls (reads, no process spawn) for the memory benchmark. */
export function longSessionScenario(calls: number): Scenario {
  return {
    name: `long-${calls}`,
    turns: [
      {
        steps: [
          { call: { tool: 'read_file', args: { path: 'notes.txt' } }, repeat: calls },
          { say: 'Read everything.' },
        ],
      },
    ],
  };
}

/** `response.create` requests that asked for output (warm-ups, `generate:false`, excluded). */
export function generatingCreates(sim: Simulator): RecordedRequest[] {
  return sim.recorder.creates().filter((r) => r.generate !== false);
}

/** `tether simulator`: serves the built-in Responses simulator until SIGINT/SIGTERM. */
import { parseFaultFlag } from '../../simulator/fault-flags.js';
import { type FaultSpec, mergeFaults } from '../../simulator/faults.js';
import { loadScenario } from '../../simulator/scenario-load.js';
import { startSimulator } from '../../simulator/server.js';
import type { SimulatorOptions } from '../../simulator/types.js';
import { usageError } from '../../util/errors.js';

/** Options of `tether simulator` (timings in ms). */
export interface SimulatorCommandOptions {
  port: number;
  host?: string;
  scenario: string;
  fault: string[];
  apiKey?: string;
  latencyMs?: number;
  ageLimitMs?: number;
}

/**
 * Starts the simulator, prints one line with its base URL to stdout, and resolves after
 * SIGINT/SIGTERM once the port is free. Bad `--fault`/`--scenario` values are usage errors.
 */
export async function runSimulatorCommand(opts: SimulatorCommandOptions): Promise<void> {
  let faults: FaultSpec;
  try {
    faults = mergeFaults(...opts.fault.map(parseFaultFlag));
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err), 'bad_fault');
  }
  try {
    loadScenario(opts.scenario);
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err), 'bad_scenario');
  }
  const options: SimulatorOptions = { port: opts.port, scenario: opts.scenario, faults };
  if (opts.host !== undefined) options.host = opts.host;
  if (opts.apiKey !== undefined) options.apiKey = opts.apiKey;
  if (opts.latencyMs !== undefined) options.latencyMs = opts.latencyMs;
  if (opts.ageLimitMs !== undefined) options.connectionAgeLimitMs = opts.ageLimitMs;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw usageError(`port ${opts.port} is already in use`, 'port_in_use');
    if (code === 'EADDRNOTAVAIL') throw usageError(`cannot bind ${opts.host ?? '127.0.0.1'}`, 'bad_host');
    throw err;
  }
  process.stdout.write(`tether simulator listening on ${sim.url} (scenario ${opts.scenario})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sim.close();
}

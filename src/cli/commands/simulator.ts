// Placeholder until its owner lands the real module.
import { notYetAvailable } from '../../util/errors.js';

export async function runSimulatorCommand(_opts: { port: number; host?: string; scenario: string; fault: string[]; apiKey?: string; latencyMs?: number; ageLimitMs?: number }): Promise<void> {
  throw notYetAvailable('tether simulator');
}

// Placeholder until its owner lands the real module: the path exits 2 with a clear message.
import type { CliContext } from '../context.js';
import { notYetAvailable } from '../../util/errors.js';

export async function runDemo(_ctx: CliContext): Promise<number> {
  throw notYetAvailable('the --demo tour');
}

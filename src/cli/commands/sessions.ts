// Placeholder until its owner lands the real module.
import { notYetAvailable } from '../../util/errors.js';

export async function runSessionsCommand(_opts: { all: boolean; search?: string; json?: boolean; cwd: string; stdout: NodeJS.WritableStream }): Promise<number> {
  throw notYetAvailable('tether sessions');
}

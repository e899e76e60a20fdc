import { randomBytes } from 'node:crypto';

/** A unique spill file name: `<tool>-<utc stamp>-<random>.log`. */
export function newSpillName(toolName: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const safe = toolName.replace(/[^A-Za-z0-9_-]/g, '_');
  return `${safe}-${stamp}-${randomBytes(4).toString('hex')}.log`;
}

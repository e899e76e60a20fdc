/**
 * Ids and the opaque `encrypted_content` blobs the simulator hands out (reasoning and compaction
 * items). Blobs carry a MAC, so a client that edits, truncates or re-encodes one gets the same
 * 400 the service answers with; the simulator reads its own state back out of them.
 */
import { createHmac } from 'node:crypto';
import type { Random } from '../util/random.js';

const KEY = 'tether-simulator-blob-key';
const PREFIX = 'gAAAAA';

/** Seeded id generator: `resp_…`, `msg_…`, `fc_…`, `call_…`, `rs_…`, `cmp_…`. */
export class IdGen {
  private n = 0;
  constructor(private readonly random: Random) {}

  /** A new id with the prefix; unique within this generator, reproducible for a seed. */
  next(prefix: string): string {
    let hex = '';
    for (let i = 0; i < 3; i++)
      hex += Math.floor(this.random() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    this.n++;
    return `${prefix}_${hex}${this.n.toString(16).padStart(8, '0')}`;
  }
}

function mac(payload: string): string {
  return createHmac('sha256', KEY).update(payload).digest('base64url').slice(0, 22);
}

/** Seals a JSON-serialisable value into an opaque string. */
export function sealBlob(value: unknown): string {
  const payload = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  return `${PREFIX}${payload}.${mac(payload)}`;
}

/** Opens a blob made by {@link sealBlob}; `undefined` when it was not ours or was altered. */
export function openBlob(blob: unknown): unknown {
  if (typeof blob !== 'string' || !blob.startsWith(PREFIX)) return undefined;
  const dot = blob.lastIndexOf('.');
  if (dot < 0) return undefined;
  const payload = blob.slice(PREFIX.length, dot);
  if (mac(payload) !== blob.slice(dot + 1)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Images in session files are stored once, by content hash: a data URL in an item
 * (`input_image` of a user message or a tool output) is written to
 * `<sessions>/<id>.blobs/<sha256>.<ext>` and the record keeps `tether-blob:<sha256>.<ext>`; loading
 * puts the data URL back. The same image attached again (another turn, another message) adds no
 * bytes to the session.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Item } from '../protocol/items.js';
import { mkdirs } from '../util/mkdirs.js';

/** URL scheme of an image stored next to the session. */
export const BLOB_SCHEME = 'tether-blob:';

const EXT: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};
const MIME: Record<string, string> = Object.fromEntries(Object.entries(EXT).map(([m, e]) => [e, m]));
const DATA_URL = /^data:(image\/(?:png|jpeg|webp|gif));base64,([A-Za-z0-9+/=]*)$/;
const BLOB_NAME = /^([0-9a-f]{64})\.(png|jpg|webp|gif)$/;

/** The blob folder of a session log (`…/<id>.jsonl` → `…/<id>.blobs`). */
export function blobDirFor(logPath: string): string {
  return logPath.replace(/\.jsonl$/, '.blobs');
}

type Part = { type?: unknown; image_url?: unknown; [k: string]: unknown };

/** The content-part arrays of an item that may hold images. */
function partLists(item: Item): Part[][] {
  const rec = item as { content?: unknown; output?: unknown };
  const lists: Part[][] = [];
  if (item.type === 'message' && Array.isArray(rec.content)) lists.push(rec.content as Part[]);
  if (item.type.endsWith('_output') && Array.isArray(rec.output)) lists.push(rec.output as Part[]);
  return lists;
}

function mapImages(item: Item, fn: (url: string) => string | null): Item {
  let changed = false;
  const copy = structuredClone(item) as Item;
  for (const list of partLists(copy)) {
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (p?.type !== 'input_image' || typeof p.image_url !== 'string') continue;
      const next = fn(p.image_url);
      if (next === null) {
        list[i] = { type: 'input_text', text: '[image missing from the session store]' };
        changed = true;
      } else if (next !== p.image_url) {
        list[i] = { ...p, image_url: next };
        changed = true;
      }
    }
  }
  return changed ? copy : item;
}

/** Replaces data-URL images by blob references, writing each blob once. Never throws. */
export function externalizeImages(item: Item, dir: string): Item {
  if (partLists(item).length === 0) return item;
  return mapImages(item, (url) => {
    const m = DATA_URL.exec(url);
    if (!m) return url;
    const bytes = Buffer.from(m[2] ?? '', 'base64');
    const name = `${createHash('sha256').update(bytes).digest('hex')}.${EXT[m[1] ?? ''] ?? 'bin'}`;
    const file = join(dir, name);
    try {
      if (!existsSync(file)) {
        mkdirs(dir, 0o700);
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, bytes, { mode: 0o600 });
        renameSync(tmp, file);
      }
    } catch {
      return url; // the record keeps the data URL: bigger, but nothing is lost
    }
    return `${BLOB_SCHEME}${name}`;
  });
}

/** Puts data URLs back for blob references (a missing blob becomes a text note). Never throws. */
export function internalizeImages(item: Item, dir: string): Item {
  if (partLists(item).length === 0) return item;
  return mapImages(item, (url) => {
    if (!url.startsWith(BLOB_SCHEME)) return url;
    const m = BLOB_NAME.exec(url.slice(BLOB_SCHEME.length));
    if (!m) return null;
    try {
      const bytes = readFileSync(join(dir, m[0]));
      return `data:${MIME[m[2] ?? '']};base64,${bytes.toString('base64')}`;
    } catch {
      return null;
    }
  });
}

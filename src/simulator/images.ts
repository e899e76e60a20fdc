/**
 * `input_image` parts the client sent: where they were (a user message or a tool output), what
 * they hold, and the service's check that a data URL really is a PNG/JPEG/WebP/GIF image.
 */
import { createHash } from 'node:crypto';
import { sniffImageMime } from '../util/image.js';
import { type ApiError, invalidRequest, type WireItem } from './conversation.js';

/** One image the simulator received. */
export interface ReceivedImage {
  /** Item type that carried it (`message`, `function_call_output`, `custom_tool_call_output`). */
  carrier: string;
  /** `call_id` of the tool output that carried it. */
  callId?: string;
  /** MIME type named by the data URL (`null` for a non-data URL). */
  mime: string | null;
  /** Decoded size in bytes (0 for a non-data URL). */
  bytes: number;
  /** Hex SHA-256 of the decoded bytes (`''` for a non-data URL). */
  sha256: string;
  /** The URL itself when it is not a data URL. */
  url?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `input_image` parts of an item's content (messages) or output (tool outputs). */
function imageParts(item: WireItem): Array<Record<string, unknown>> {
  const list = item.type === 'message' ? item['content'] : item['output'];
  if (!Array.isArray(list)) return [];
  return list.filter((p): p is Record<string, unknown> => isObject(p) && p['type'] === 'input_image');
}

const DATA_URL = /^data:([a-z0-9.+/-]+);base64,([A-Za-z0-9+/=\s]*)$/i;

function describe(item: WireItem, part: Record<string, unknown>): ReceivedImage | { error: string } {
  const url = part['image_url'];
  const base: Pick<ReceivedImage, 'carrier' | 'callId'> = {
    carrier: item.type,
    ...(typeof item['call_id'] === 'string' ? { callId: item['call_id'] } : {}),
  };
  if (typeof url !== 'string') return { error: 'input_image needs an image_url (or file_id)' };
  if (!url.startsWith('data:')) return { ...base, mime: null, bytes: 0, sha256: '', url };
  const m = DATA_URL.exec(url);
  if (!m) return { error: 'Invalid image data URL' };
  const bytes = Buffer.from(m[2] ?? '', 'base64');
  const sniffed = sniffImageMime(bytes);
  if (!sniffed || sniffed !== (m[1] ?? '').toLowerCase())
    return {
      error:
        "You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp'].",
    };
  return {
    ...base,
    mime: sniffed,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The images in `items`, or the error the service answers for a broken one. */
export function collectImages(items: readonly WireItem[]): { images: ReceivedImage[] } | { error: ApiError } {
  const images: ReceivedImage[] = [];
  for (const item of items) {
    for (const part of imageParts(item)) {
      const d = describe(item, part);
      if ('error' in d) return { error: invalidRequest(d.error, 'input', 'invalid_image_format') };
      images.push(d);
    }
  }
  return { images };
}

/** Images of a recorded create body (never throws; broken images are skipped). */
export function imagesOfBody(body: unknown): ReceivedImage[] {
  if (!isObject(body) || !Array.isArray(body['input'])) return [];
  const out: ReceivedImage[] = [];
  for (const raw of body['input']) {
    if (!isObject(raw) || typeof raw['type'] !== 'string') continue;
    const item = raw as WireItem;
    for (const part of imageParts(item)) {
      const d = describe(item, part);
      if (!('error' in d)) out.push(d);
    }
  }
  return out;
}

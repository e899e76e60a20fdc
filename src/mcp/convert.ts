/**
 * MCP `tools/call` results → what the model sees: text as text, images as `input_image` parts,
 * embedded resources and `structuredContent` as text/JSON, binary blobs as a one-line note.
 */

/** An image the model should see (base64 data + MIME type). */
export interface McpImage {
  mimeType: string;
  data: string;
}

export interface ConvertedResult {
  text: string;
  images: McpImage[];
  isError: boolean;
}

import { isObj } from './types.js';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

function approxBytes(base64: string): number {
  return Math.floor((base64.length * 3) / 4);
}

/** Converts a `CallToolResult` (or a legacy `{toolResult}`) defensively: servers vary. */
export function convertCallResult(result: unknown, maxImageBytes = 5 * 1024 * 1024): ConvertedResult {
  const parts: string[] = [];
  const images: McpImage[] = [];
  if (!isObj(result)) return { text: String(result ?? ''), images, isError: false };
  const content = Array.isArray(result['content']) ? result['content'] : [];
  for (const block of content) {
    if (!isObj(block)) continue;
    switch (block['type']) {
      case 'text':
        parts.push(String(block['text'] ?? ''));
        break;
      case 'image': {
        const mime = String(block['mimeType'] ?? '');
        const data = typeof block['data'] === 'string' ? block['data'] : '';
        if (IMAGE_TYPES.has(mime) && data && approxBytes(data) <= maxImageBytes) {
          images.push({ mimeType: mime, data });
          parts.push(`[image ${images.length}: ${mime}, ${approxBytes(data)} bytes, attached]`);
        } else {
          parts.push(`[image not attached: ${mime || 'unknown type'}, ${approxBytes(data)} bytes]`);
        }
        break;
      }
      case 'audio':
        parts.push(`[audio: ${String(block['mimeType'] ?? 'unknown type')}, not shown]`);
        break;
      case 'resource': {
        const r = isObj(block['resource']) ? block['resource'] : {};
        const uri = String(r['uri'] ?? '');
        if (typeof r['text'] === 'string') parts.push(`[resource ${uri}]\n${r['text']}`);
        else
          parts.push(
            `[resource ${uri}: ${String(r['mimeType'] ?? 'binary')}, ${approxBytes(String(r['blob'] ?? ''))} bytes, not shown]`,
          );
        break;
      }
      case 'resource_link':
        parts.push(
          `[resource link: ${String(block['name'] ?? '')} ${String(block['uri'] ?? '')}${block['description'] ? ` — ${String(block['description'])}` : ''}]`,
        );
        break;
      default:
        parts.push(JSON.stringify(block));
    }
  }
  if (result['structuredContent'] !== undefined && !content.some((b) => isObj(b) && b['type'] === 'text'))
    parts.push(JSON.stringify(result['structuredContent'], null, 2));
  if (content.length === 0 && result['toolResult'] !== undefined)
    parts.push(JSON.stringify(result['toolResult']));
  const isError = result['isError'] === true;
  const text = parts.join('\n') || (isError ? '(the tool reported an error with no details)' : '(no output)');
  return { text, images, isError };
}

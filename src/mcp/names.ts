/**
 * Model-facing names of MCP tools: `mcp__<server>__<tool>`, sanitized to the Responses API's
 * function-name rules (`^[A-Za-z0-9_-]{1,64}$`). A name that would be too long keeps a readable
 * prefix and ends in a short hash of the full name, so two long names never collide.
 */
import { createHash } from 'node:crypto';

export const MCP_PREFIX = 'mcp__';
const MAX_NAME = 64;

function clean(part: string): string {
  const s = part.replace(/[^A-Za-z0-9_-]/g, '_');
  return s.length > 0 ? s : '_';
}

/** The name offered to the model for `tool` of `server`. */
export function qualifiedToolName(server: string, tool: string): string {
  const full = `${MCP_PREFIX}${clean(server)}__${clean(tool)}`;
  if (full.length <= MAX_NAME) return full;
  const hash = createHash('sha1').update(`${server}\u0000${tool}`).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_NAME - hash.length - 1)}_${hash}`;
}

export function isMcpToolName(name: string): boolean {
  return name.startsWith(MCP_PREFIX);
}

/**
 * Model-facing names of MCP tools: `mcp__<server>__<tool>`, sanitized to the Responses API's
 * function-name rules (`^[A-Za-z0-9_-]{1,64}$`). A name that would be too long keeps a readable
 * prefix and ends in a short hash of the full name.
 *
 * Sanitizing is not one-to-one (server `a.b` tool `c` and server `a_b` tool `c` are both
 * `mcp__a_b__c`), so {@link uniqueToolNames} gives every member of a colliding group a name ending
 * in a hash of its own server and tool — the same names whatever order the servers start in —
 * and reports the collision. Approvals never go by this name: an "always allow" is saved for the
 * exact server and tool (see policy/allow-rules.ts `mcpRule`).
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

function hashedName(base: string, server: string, tool: string, round: number): string {
  const salt = round === 0 ? '' : `\u0000${round}`;
  const hash = createHash('sha1').update(`${server}\u0000${tool}${salt}`).digest('hex').slice(0, 8);
  return `${base.slice(0, MAX_NAME - hash.length - 1)}_${hash}`;
}

/** A tool to name: its server and its own name. */
export interface NamedTool {
  server: string;
  tool: string;
}

/**
 * A distinct model-facing name for every tool (in the order given) and a warning for each group
 * of tools whose plain names collided. Pure and order-independent per tool.
 */
export function uniqueToolNames(tools: readonly NamedTool[]): { names: string[]; warnings: string[] } {
  const names = tools.map((t) => qualifiedToolName(t.server, t.tool));
  const warnings: string[] = [];
  for (let round = 0; round < 8; round++) {
    const groups = new Map<string, number[]>();
    for (const [i, n] of names.entries()) groups.set(n, [...(groups.get(n) ?? []), i]);
    const clashes = [...groups.entries()].filter(([, idx]) => idx.length > 1);
    if (clashes.length === 0) break;
    for (const [name, idx] of clashes) {
      for (const i of idx) {
        const t = tools[i] as NamedTool;
        names[i] = hashedName(qualifiedToolName(t.server, t.tool), t.server, t.tool, round);
      }
      if (round === 0)
        warnings.push(
          `MCP tools ${idx
            .map((i) => `"${tools[i]?.tool}" of server "${tools[i]?.server}"`)
            .join(
              ' and ',
            )} would share the name ${name}; they are offered as ${idx.map((i) => names[i]).join(' and ')}`,
        );
    }
  }
  return { names, warnings };
}

export function isMcpToolName(name: string): boolean {
  return name.startsWith(MCP_PREFIX);
}

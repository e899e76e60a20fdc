/**
 * Tool profiles: which tools, in which shapes, a model is offered (`tool_profile` setting).
 *
 * - `codex`: the shapes GPT-5-family models are trained on (Codex CLI's tool set): `apply_patch`
 *   as a freeform custom tool with a Lark grammar, `view_image`, `strict:false` function tools.
 *   Codex's `exec_command` / `write_stdin` replace `shell` when the runtime builds them
 *   (`commandTools: 'exec'`); otherwise `shell` stays.
 * - `json`: every tool a strict JSON function (`apply_patch {patch}`), for models and endpoints
 *   without freeform tools (gpt-4.1 / gpt-4o families, compatible gateways).
 * - `auto` (the default) picks by model id: see {@link resolveToolProfile}.
 */
import type { ToolProfile } from './types.js';

/** Values of the `toolProfile` setting. */
export type ToolProfileSetting = ToolProfile | 'auto';

/**
 * Tool names per profile, in the order offered. `a|b`: `a` when the runtime has it, else `b`
 * (`write_stdin|`: only when present, and only next to exec_command). The runtime builds shell
 * and the exec pair; codex offers the exec pair, json offers shell.
 */
export const PROFILE_TOOLS: Readonly<Record<ToolProfile, readonly string[]>> = {
  codex: [
    'exec_command|shell',
    'write_stdin|',
    'read_file',
    'list_dir',
    'glob',
    'grep',
    'write_file',
    'edit',
    'apply_patch',
    'view_image',
  ],
  json: [
    'shell|exec_command',
    'write_stdin|',
    'read_file',
    'list_dir',
    'glob',
    'grep',
    'write_file',
    'edit',
    'apply_patch',
  ],
};

/** The tool names of `profile` given the tools the runtime has. */
export function profileToolNames(profile: ToolProfile, available: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const entry of PROFILE_TOOLS[profile]) {
    const [first, fallback] = entry.split('|') as [string, string | undefined];
    if (available.has(first)) out.push(first);
    else if (fallback && available.has(fallback)) out.push(fallback);
  }
  // write_stdin only talks to exec_command's sessions: offered with it, never alone.
  return out.includes('exec_command') ? out : out.filter((n) => n !== 'write_stdin');
}

/** Model families without freeform (custom) tools: offered the json profile by `auto`. */
const JSON_MODELS = /^(gpt-4(\.\d+)?(o)?|gpt-4o|gpt-3\.5|chatgpt-4o|o1-mini|o1-preview)([-.].*)?$/i;

/**
 * `auto` → `json` for the gpt-4.1 / gpt-4o / older families and for provider-prefixed model ids
 * (`vendor/model`, the naming of gateways such as OpenRouter or LiteLLM); `codex` for the
 * GPT-5 family and any other model id. An explicit `codex` / `json` is kept.
 */
export function resolveToolProfile(setting: string, model: string): ToolProfile {
  if (setting === 'codex' || setting === 'json') return setting;
  const id = model.trim();
  if (id.includes('/')) return 'json';
  return JSON_MODELS.test(id) ? 'json' : 'codex';
}

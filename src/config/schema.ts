/**
 * Every setting tether has: config key, environment variable, type, default and meaning.
 * README's settings table is generated from (and tested against) this list. Every timing knob a
 * test needs lives here, never as a test-only back door. The connection and tool groups live in
 * settings-connection.ts and settings-tools.ts; their place in this list is their README order.
 */
import { def, type SettingDef } from './setting-def.js';
import { CONNECTION_SETTINGS } from './settings-connection.js';
import { TOOL_SETTINGS } from './settings-tools.js';

export type { SettingDef, SettingType } from './setting-def.js';

export const SETTINGS = [
  def({
    key: 'model',
    env: 'TETHER_MODEL',
    type: 'string',
    default: 'gpt-5.5',
    description: 'Model id sent with every request.',
  }),
  def({
    key: 'baseUrl',
    env: 'OPENAI_BASE_URL',
    type: 'url',
    default: 'https://api.openai.com/v1',
    description: 'API base URL; the WebSocket URL is derived from it (https→wss, + /responses).',
  }),
  def({
    key: 'organization',
    env: 'OPENAI_ORG_ID',
    type: 'string',
    default: '',
    description: 'Sent as the OpenAI-Organization header (as the official SDKs do); empty = not sent.',
  }),
  def({
    key: 'project',
    env: 'OPENAI_PROJECT_ID',
    type: 'string',
    default: '',
    description: 'Sent as the OpenAI-Project header; empty = not sent.',
  }),
  def({
    key: 'headers',
    env: 'TETHER_HEADERS',
    type: 'headers',
    default: '{}',
    description:
      'Extra request headers for gateways: a JSON object, or `Name: value` pairs separated by `;` or newlines (sent on every HTTP request and the WebSocket upgrade).',
  }),
  def({
    key: 'transport',
    env: 'TETHER_TRANSPORT',
    type: 'enum',
    values: ['auto', 'websocket', 'http'],
    default: 'auto',
    description: 'auto: WebSocket with HTTP+SSE fallback; websocket or http force one.',
  }),
  def({
    key: 'approval',
    env: 'TETHER_APPROVAL',
    type: 'enum',
    values: ['suggest', 'auto-edit', 'full-auto'],
    default: 'suggest',
    description: 'Approval mode for tool calls.',
  }),
  def({
    key: 'sandbox',
    env: 'TETHER_SANDBOX',
    type: 'enum',
    values: ['auto', 'on', 'off'],
    default: 'auto',
    description: 'Run shell commands in a bubblewrap sandbox (auto: when available).',
  }),
  def({
    key: 'processNamespace',
    env: 'TETHER_PROCESS_NAMESPACE',
    type: 'enum',
    values: ['auto', 'off'],
    default: 'auto',
    description:
      'Run unsandboxed commands in their own PID namespace so nothing they start outlives tether (auto: Linux with bubblewrap).',
  }),
  def({
    key: 'trust',
    env: 'TETHER_TRUST',
    type: 'bool',
    default: false,
    description:
      'Trust the project: its .tether/config.json may set security-relevant keys (never read from a project file; also --trust, trustedProjects).',
  }),
  def({
    key: 'allowDotenv',
    env: 'TETHER_ALLOW_DOTENV',
    type: 'bool',
    default: false,
    description:
      'read_file/grep of dotenv files (.env, .env.local…) without asking (they need approval otherwise).',
  }),
  def({
    key: 'output',
    env: 'TETHER_OUTPUT',
    type: 'enum',
    values: ['text', 'json', 'jsonl'],
    default: 'text',
    description: 'Output format of --prompt runs.',
  }),
  def({
    key: 'maxTurns',
    env: 'TETHER_MAX_TURNS',
    type: 'int',
    min: 0,
    default: 0,
    description: 'Maximum model calls per run (0 = no limit).',
  }),
  def({
    key: 'timeout',
    env: 'TETHER_TIMEOUT',
    type: 'int',
    min: 0,
    default: 0,
    description: 'Wall-clock limit of a run in seconds (0 = none).',
  }),
  def({
    key: 'maxTokens',
    env: 'TETHER_MAX_TOKENS',
    type: 'int',
    min: 0,
    default: 0,
    description: 'Total token budget of a run (0 = none).',
  }),
  def({
    key: 'store',
    env: 'TETHER_STORE',
    type: 'bool',
    default: false,
    description: 'Send store:true (responses persisted server-side; chains survive reconnects).',
  }),
  def({
    key: 'reasoningEffort',
    env: 'TETHER_REASONING_EFFORT',
    type: 'enum',
    values: ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'],
    default: 'medium',
    description: 'reasoning.effort sent with requests.',
  }),
  def({
    key: 'toolProfile',
    env: 'TETHER_TOOL_PROFILE',
    type: 'enum',
    values: ['auto', 'codex', 'json'],
    default: 'auto',
    description:
      'Tool shapes offered: codex (freeform apply_patch, view_image, strict:false functions), json (strict JSON functions only), auto (json for gpt-4.1/gpt-4o/older and vendor/model ids, else codex).',
  }),
  def({
    key: 'imageMaxBytes',
    env: 'TETHER_IMAGE_MAX_BYTES',
    type: 'int',
    min: 1024,
    default: 10 * 1024 * 1024,
    description: 'Largest image (bytes) sent to the model, from -i/--image, the composer or view_image.',
  }),
  def({
    key: 'reasoningSummary',
    env: 'TETHER_REASONING_SUMMARY',
    type: 'enum',
    values: ['auto', 'concise', 'detailed', 'none'],
    default: 'auto',
    description:
      'reasoning.summary sent with requests (none = not sent). The default is dropped, with one warning, where the service refuses it (unverified organization).',
  }),
  def({
    key: 'modelReasoning',
    env: 'TETHER_MODEL_REASONING',
    type: 'enum',
    values: ['auto', 'on', 'off'],
    default: 'auto',
    description:
      'Whether the model takes `reasoning` and encrypted reasoning items; auto: by the built-in table (gpt-4.1*, gpt-4o*, gpt-4*, gpt-3.5* have none).',
  }),
  ...CONNECTION_SETTINGS,
  ...TOOL_SETTINGS,
  def({
    key: 'contextWindow',
    env: 'TETHER_CONTEXT_WINDOW',
    type: 'int',
    min: 1000,
    default: 272_000,
    description: "The model's context window in tokens.",
  }),
  def({
    key: 'compactThreshold',
    env: 'TETHER_COMPACT_THRESHOLD',
    type: 'int',
    min: 0,
    default: 0,
    description: 'Tokens at which context is compacted (0 = 80% of contextWindow).',
  }),
  def({
    key: 'instructionsMaxBytes',
    env: 'TETHER_INSTRUCTIONS_MAX_BYTES',
    type: 'int',
    min: 256,
    default: 32_768,
    description: 'Cap on project instructions (AGENTS.md) loaded into the prompt.',
  }),
  def({
    key: 'resizeRepaint',
    env: 'TETHER_RESIZE_REPAINT',
    type: 'enum',
    values: ['screen', 'all'],
    default: 'screen',
    description:
      "After the terminal gets narrower: screen repaints the visible rows and keeps the scrollback; all clears the scrollback and reprints the whole transcript at the new width (Claude Code's way).",
  }),
  def({
    key: 'verbose',
    env: 'TETHER_VERBOSE',
    type: 'bool',
    default: false,
    description: 'Progress on stderr in --prompt text mode even when stderr is not a TTY.',
  }),
] as const;

export type SettingKey = (typeof SETTINGS)[number]['key'];

type ValueOf<D> = D extends { type: 'int' } ? number : D extends { type: 'bool' } ? boolean : string;

/** The resolved settings object. */
export type Settings = { -readonly [D in (typeof SETTINGS)[number] as D['key']]: ValueOf<D> };

export const SETTINGS_BY_KEY: ReadonlyMap<string, SettingDef> = new Map(SETTINGS.map((s) => [s.key, s]));

/** Defaults as a Settings object. */
export function defaultSettings(): Settings {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) out[s.key] = s.default;
  return out as Settings;
}

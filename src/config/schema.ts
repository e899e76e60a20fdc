/**
 * Every setting tether has: config key, environment variable, type, default and meaning.
 * README's settings table is generated from (and tested against) this list. Every timing knob a
 * test needs lives here, never as a test-only back door.
 */

export type SettingType = 'string' | 'int' | 'bool' | 'enum' | 'url' | 'headers';

export interface SettingDef {
  key: string;
  env: string;
  type: SettingType;
  values?: readonly string[];
  min?: number;
  max?: number;
  default: string | number | boolean;
  description: string;
}

const def = <const T extends SettingDef>(d: T): T => d;

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
  def({
    key: 'wsDeflate',
    env: 'TETHER_WS_DEFLATE',
    type: 'bool',
    default: true,
    description: 'Offer permessage-deflate on the WebSocket.',
  }),
  def({
    key: 'wsBetaHeader',
    env: 'TETHER_WS_BETA_HEADER',
    type: 'bool',
    default: true,
    description:
      'Send `OpenAI-Beta: responses_websockets=2026-02-06` on the WebSocket upgrade (as Codex does).',
  }),
  def({
    key: 'connectTimeoutMs',
    env: 'TETHER_CONNECT_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 15_000,
    description: 'WebSocket/HTTP connect timeout (ms).',
  }),
  def({
    key: 'rotationAgeMs',
    env: 'TETHER_ROTATION_AGE_MS',
    type: 'int',
    min: 100,
    default: 55 * 60_000,
    description: 'Socket age after which it is rotated between turns (server limit: 60 min).',
  }),
  def({
    key: 'heartbeatIntervalMs',
    env: 'TETHER_HEARTBEAT_INTERVAL_MS',
    type: 'int',
    min: 50,
    default: 15_000,
    description: 'WebSocket ping interval (ms).',
  }),
  def({
    key: 'heartbeatTimeoutMs',
    env: 'TETHER_HEARTBEAT_TIMEOUT_MS',
    type: 'int',
    min: 50,
    default: 10_000,
    description: 'Pong deadline before a socket is declared half-open (ms).',
  }),
  def({
    key: 'streamIdleTimeoutMs',
    env: 'TETHER_STREAM_IDLE_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 300_000,
    description: 'Max silence while a response streams before the attempt is retried (ms).',
  }),
  def({
    key: 'warmup',
    env: 'TETHER_WARMUP',
    type: 'bool',
    default: true,
    description:
      "Warm each new WebSocket with the first request's fields and `generate: false` (as Codex does); a service that refuses it is remembered per base URL + model.",
  }),
  def({
    key: 'warmupWaitMs',
    env: 'TETHER_WARMUP_WAIT_MS',
    type: 'int',
    min: 0,
    default: 1_500,
    description:
      'Longest a ready turn waits for an unanswered warm-up; then it goes out unchained on a new socket and the session stops warming (ms).',
  }),
  def({
    key: 'maxRetries',
    env: 'TETHER_MAX_RETRIES',
    type: 'int',
    min: 0,
    max: 100,
    default: 5,
    description: 'Reconnect/retry budget per turn.',
  }),
  def({
    key: 'backoffBaseMs',
    env: 'TETHER_BACKOFF_BASE_MS',
    type: 'int',
    min: 0,
    default: 200,
    description: 'First retry delay; doubles per attempt with jitter (ms).',
  }),
  def({
    key: 'backoffMaxMs',
    env: 'TETHER_BACKOFF_MAX_MS',
    type: 'int',
    min: 0,
    default: 8_000,
    description: 'Maximum retry delay (ms).',
  }),
  def({
    key: 'fallbackReprobeTurns',
    env: 'TETHER_FALLBACK_REPROBE_TURNS',
    type: 'int',
    min: 0,
    default: 10,
    description: 'After falling back to HTTP, retry the WebSocket after this many turns (0 = never).',
  }),
  def({
    key: 'toolTimeoutMs',
    env: 'TETHER_TOOL_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 120_000,
    description: 'Default shell command timeout (ms).',
  }),
  def({
    key: 'toolMaxTimeoutMs',
    env: 'TETHER_TOOL_MAX_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 600_000,
    description: 'Largest timeout the model may request (ms).',
  }),
  def({
    key: 'toolInactivityTimeoutMs',
    env: 'TETHER_TOOL_INACTIVITY_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 300_000,
    description: 'Kill a command that prints nothing for this long (ms).',
  }),
  def({
    key: 'toolOutputMaxChars',
    env: 'TETHER_TOOL_OUTPUT_MAX_CHARS',
    type: 'int',
    min: 1000,
    default: 40_000,
    description: 'Model-facing tool output budget (20% head, 80% tail; full output spilled to a file).',
  }),
  def({
    key: 'shellSnapshot',
    env: 'TETHER_SHELL_SNAPSHOT',
    type: 'bool',
    default: true,
    description:
      "Capture the login shell's environment, functions and aliases once per session and source it before each command instead of starting a login shell per command.",
  }),
  def({
    key: 'shellSnapshotTimeoutMs',
    env: 'TETHER_SHELL_SNAPSHOT_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 5_000,
    description:
      'Limit for capturing the shell snapshot; past it the session falls back to a login shell per command (ms).',
  }),
  def({
    key: 'webSearch',
    env: 'TETHER_WEB_SEARCH',
    type: 'bool',
    default: false,
    description: 'Offer the service\'s hosted web search tool (`{"type":"web_search"}`); also `--search`.',
  }),
  def({
    key: 'mcpStartupTimeoutMs',
    env: 'TETHER_MCP_STARTUP_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 10_000,
    description:
      'An MCP server that has not started and listed its tools by then is skipped with one warning (ms).',
  }),
  def({
    key: 'mcpCallTimeoutMs',
    env: 'TETHER_MCP_CALL_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 120_000,
    description: 'Time limit of one MCP tool call; progress notifications restart it (ms).',
  }),
  def({
    key: 'toolSpillMaxBytes',
    env: 'TETHER_TOOL_SPILL_MAX_BYTES',
    type: 'int',
    min: 4096,
    default: 64 * 1024 * 1024,
    description:
      'Largest spill file of one tool call (bytes); output past it is dropped and the cap is noted.',
  }),
  def({
    key: 'toolSpillTotalMaxBytes',
    env: 'TETHER_TOOL_SPILL_TOTAL_MAX_BYTES',
    type: 'int',
    min: 4096,
    default: 512 * 1024 * 1024,
    description:
      'Cap on all spill files together (bytes); at startup files older than 7 days, then the oldest, are deleted to stay under half of it.',
  }),
  def({
    key: 'execMaxSessions',
    env: 'TETHER_EXEC_MAX_SESSIONS',
    type: 'int',
    min: 1,
    default: 8,
    description:
      'Most exec_command processes running at once; starting one more ends the least recently used, with a notice.',
  }),
  def({
    key: 'execBufferChars',
    env: 'TETHER_EXEC_BUFFER_CHARS',
    type: 'int',
    min: 1000,
    default: 1_000_000,
    description:
      'Unread output kept per exec_command process (chars; beyond it the middle is dropped, head and tail kept).',
  }),
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

/**
 * Settings of the connection to the service: WebSocket options, connect/heartbeat/idle timings,
 * warm-up, retries and backoff, the HTTP fallback. Part of the SETTINGS table (schema.ts), in order.
 */
import { def } from './setting-def.js';

export const CONNECTION_SETTINGS = [
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
] as const;

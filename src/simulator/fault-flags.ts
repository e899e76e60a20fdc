/**
 * `--fault` flag parsing for `tether simulator`: `kind:key=value,key=value`. Examples:
 * `drop:request=2,event=5,code=1006`, `refuse:status=426`, `refuse:status=429,times=2,retry-after-ms=1200`, `refuse:status=429,code=insufficient_quota`,
 * `stall:request=1,event=3`, `halfopen:event=2`, `malformed:event=3,kind=binary`,
 * `error:request=1,event=4,shape=wrapped,status=500,code=server_error`, `http-status:status=503,times=1`,
 * `prev-not-found:every=3`, `age:ms=3000`, `delay:ms=20`, `latency:ms=50`, `handshake:ms=80`,
 * `context-cost:us=10`.
 * Account/model switches (PROTOCOL §10): `unverified-org`, `quota` (`quota:code=usage_not_included`),
 * `strict-models`, `refuse-warmup`, `silent-warmup`, `ignore-generate`, `rate-limit:every=3,ms=1200`, `context-window:tokens=8000`, `keepalive:every=50`, `redeliver[:times=N]`.
 */
import type { FaultSpec, FaultTarget } from './faults.js';

const KINDS = [
  'drop',
  'refuse',
  'stall',
  'halfopen',
  'malformed',
  'error',
  'http-status',
  'prev-not-found',
  'age',
  'delay',
  'latency',
  'handshake',
  'context-cost',
  'unverified-org',
  'quota',
  'strict-models',
  'refuse-warmup',
  'silent-warmup',
  'ignore-generate',
  'rate-limit',
  'context-window',
  'keepalive',
  'redeliver',
];

function fail(flag: string, why: string): never {
  throw new Error(`invalid --fault "${flag}": ${why}`);
}

/** Parses one `--fault` value into a partial spec (merge several with `mergeFaults`). Throws a one-line error. */
export function parseFaultFlag(flag: string): FaultSpec {
  const colon = flag.indexOf(':');
  const kind = (colon < 0 ? flag : flag.slice(0, colon)).trim().toLowerCase();
  if (!KINDS.includes(kind)) fail(flag, `unknown kind "${kind}" (expected one of ${KINDS.join(', ')})`);
  const params = new Map<string, string>();
  const rest = colon < 0 ? '' : flag.slice(colon + 1).trim();
  if (rest) {
    for (const pair of rest.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) fail(flag, `expected key=value, got "${pair}"`);
      params.set(pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim());
    }
  }
  const used = new Set<string>();
  const int = (key: string, required = false): number | undefined => {
    used.add(key);
    const raw = params.get(key);
    if (raw === undefined) {
      if (required) fail(flag, `missing ${key}=`);
      return undefined;
    }
    if (!/^\d+$/.test(raw)) fail(flag, `${key} must be a non-negative integer, got "${raw}"`);
    return Number(raw);
  };
  const oneOf = <T extends string>(key: string, values: readonly T[]): T | undefined => {
    used.add(key);
    const raw = params.get(key);
    if (raw === undefined) return undefined;
    if (!values.includes(raw as T)) fail(flag, `${key} must be one of ${values.join('|')}, got "${raw}"`);
    return raw as T;
  };
  const target = (): FaultTarget => {
    const t: FaultTarget = {};
    const request = int('request');
    if (request !== undefined) t.request = request;
    const times = int('times');
    if (times !== undefined) t.times = times;
    const transport = oneOf('transport', ['ws', 'websocket', 'http'] as const);
    if (transport) t.transport = transport === 'http' ? 'http' : 'websocket';
    return t;
  };
  let spec: FaultSpec;
  switch (kind) {
    case 'drop': {
      const code = int('code');
      const mode =
        oneOf('mode', ['terminate', 'close'] as const) ??
        (code === undefined || code === 1006 ? 'terminate' : 'close');
      if (
        code !== undefined &&
        code !== 1006 &&
        !((code >= 1000 && code <= 1014 && ![1004, 1005].includes(code)) || (code >= 3000 && code <= 4999))
      ) {
        fail(
          flag,
          `close code ${code} cannot be sent (use 1000-1014 except 1004/1005, 3000-4999, or 1006 for terminate)`,
        );
      }
      spec = {
        drop: { ...target(), event: int('event') ?? 0, mode, ...(code !== undefined ? { code } : {}) },
      };
      break;
    }
    case 'stall':
      spec = { stall: { ...target(), event: int('event') ?? 0 } };
      break;
    case 'halfopen':
      spec = { halfOpen: { ...target(), event: int('event') ?? 0 } };
      break;
    case 'malformed':
      spec = {
        malformed: {
          ...target(),
          event: int('event') ?? 0,
          kind: oneOf('kind', ['json', 'binary', 'unknown-event'] as const) ?? 'json',
        },
      };
      break;
    case 'error': {
      const status = int('status');
      used.add('code');
      const code = params.get('code') ?? 'server_error';
      spec = {
        error: {
          ...target(),
          event: int('event') ?? 0,
          shape: oneOf('shape', ['wrapped', 'flat', 'failed'] as const) ?? 'wrapped',
          code,
          ...(status !== undefined ? { status } : {}),
        },
      };
      break;
    }
    case 'refuse': {
      const status = int('status', true)!;
      if (status < 300 || status > 599) fail(flag, 'status must be an HTTP error status (300-599)');
      const headers: Record<string, string> = {};
      const ms = int('retry-after-ms');
      if (ms !== undefined) headers['retry-after-ms'] = String(ms);
      const s = int('retry-after');
      if (s !== undefined) headers['retry-after'] = String(s);
      const times = int('times');
      used.add('code');
      const code = params.get('code');
      spec = {
        refuseUpgrade: {
          status,
          ...(code ? { code } : {}),
          ...(times !== undefined ? { times } : {}),
          ...(Object.keys(headers).length ? { headers } : {}),
        },
      };
      break;
    }
    case 'http-status': {
      const status = int('status', true)!;
      used.add('code');
      const code = params.get('code');
      spec = { httpStatus: { ...target(), status, ...(code ? { code } : {}) } };
      break;
    }
    case 'prev-not-found': {
      const every = int('every', true)!;
      if (every < 1) fail(flag, 'every must be ≥ 1');
      spec = { prevNotFound: { every } };
      break;
    }
    case 'age':
      spec = { ageLimitMs: int('ms', true)! };
      break;
    case 'delay':
      spec = { eventDelayMs: int('ms', true)! };
      break;
    case 'latency':
      spec = { latencyMs: int('ms', true)! };
      break;
    case 'handshake':
      spec = { httpHandshakeMs: int('ms', true)! };
      break;
    case 'context-cost':
      spec = { contextCostUsPerToken: int('us', true)! };
      break;
    case 'unverified-org':
      spec = { account: { unverifiedOrg: true } };
      break;
    case 'quota':
      spec = {
        account: {
          quota: oneOf('code', ['insufficient_quota', 'usage_not_included'] as const) ?? 'insufficient_quota',
        },
      };
      break;
    case 'strict-models':
      spec = { account: { strictModels: true } };
      break;
    case 'refuse-warmup':
      spec = { account: { refuseWarmup: true } };
      break;
    case 'silent-warmup':
      spec = { account: { silentWarmup: true } };
      break;
    case 'ignore-generate':
      spec = { account: { ignoreGenerate: true } };
      break;
    case 'rate-limit': {
      const every = int('every') ?? 3;
      if (every < 1) fail(flag, 'every must be ≥ 1');
      const ms = int('ms');
      spec = { rateLimit: { every, ...(ms !== undefined ? { retryAfterMs: ms } : {}) } };
      break;
    }
    case 'context-window':
      spec = { contextWindow: int('tokens', true)! };
      break;
    case 'keepalive':
      spec = { keepaliveEvery: int('every', true)! };
      break;
    case 'redeliver': {
      const times = int('times');
      spec = { redeliverCall: times !== undefined ? { times } : {} };
      break;
    }
    default:
      fail(flag, 'unknown kind');
  }
  for (const key of params.keys()) if (!used.has(key)) fail(flag, `unknown parameter "${key}" for ${kind}`);
  return spec;
}

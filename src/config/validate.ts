import { usageError } from '../util/errors.js';
import { parseHeaders } from './headers.js';
import type { SettingDef } from './schema.js';

/**
 * Parses and validates one value for a setting. `source` names where it came from
 * (`--max-turns`, `TETHER_MAX_TURNS`, `config key maxTurns`) so the one-line error is precise.
 */
export function coerceSetting(def: SettingDef, raw: unknown, source: string): string | number | boolean {
  const bad = (allowed: string) =>
    usageError(`invalid value ${JSON.stringify(raw)} for ${source}: expected ${allowed}`, 'invalid_setting');
  switch (def.type) {
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      throw bad('true or false');
    }
    case 'int': {
      const s = typeof raw === 'number' ? String(raw) : String(raw).trim();
      if (!/^-?\d+$/.test(s)) throw bad(describeRange(def));
      const n = Number(s);
      if (!Number.isSafeInteger(n)) throw bad(describeRange(def));
      if (def.min !== undefined && n < def.min) throw bad(describeRange(def));
      if (def.max !== undefined && n > def.max) throw bad(describeRange(def));
      return n;
    }
    case 'enum': {
      const s = String(raw);
      if (!def.values?.includes(s)) throw bad(`one of ${def.values?.join(', ')}`);
      return s;
    }
    case 'url': {
      const s = String(raw).trim();
      try {
        const u = new URL(s);
        if (!['http:', 'https:'].includes(u.protocol)) throw new Error('scheme');
      } catch {
        throw bad('an http:// or https:// URL');
      }
      return s.replace(/\/+$/, '');
    }
    case 'headers': {
      try {
        return JSON.stringify(parseHeaders(raw));
      } catch (err) {
        // The value may hold a gateway token: name the problem, never echo the value.
        throw usageError(`invalid value for ${source}: ${(err as Error).message}`, 'invalid_setting');
      }
    }
    case 'string': {
      const s = String(raw);
      if (s.trim() === '') throw bad('a non-empty string');
      return s;
    }
    default: {
      const unreachable: never = def.type;
      throw new Error(`unknown setting type ${String(unreachable)}`);
    }
  }
}

function describeRange(def: SettingDef): string {
  if (def.min !== undefined && def.max !== undefined) return `an integer from ${def.min} to ${def.max}`;
  if (def.min !== undefined) return `an integer >= ${def.min}`;
  return 'an integer';
}

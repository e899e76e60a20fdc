import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpillWriter } from '../../src/tools/spill.js';
import { addSecret, clearSecrets, safeCutIndex } from '../../src/util/redact.js';

const KEY = 'sk-test-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123';

describe('spill files hold no registered secret', () => {
  afterEach(() => clearSecrets());

  it('redacts a secret split across chunks and keeps other bytes exact', () => {
    addSecret(KEY);
    const dir = mkdtempSync(join(tmpdir(), 'tether-spill-'));
    const w = new SpillWriter(dir, 'shell');
    const text = `line 1\nkey=${KEY}\n\u00e9\u0000binary\xff tail without newline ${KEY}`;
    const bytes = Buffer.from(text, 'latin1');
    for (let i = 0; i < bytes.length; i += 7) w.write(bytes.subarray(i, i + 7));
    w.close();
    const out = readFileSync(w.path, 'latin1');
    expect(out).not.toContain('ABCDEFGHIJ');
    expect(out).toBe(text.split(KEY).join('[REDACTED]'));
  });

  it('writes raw bytes untouched when no secret is registered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-spill-'));
    const w = new SpillWriter(dir, 'shell');
    const bytes = Buffer.from([0, 1, 2, 255, 10, 65]);
    w.write(bytes);
    w.close();
    expect(readFileSync(w.path)).toEqual(bytes);
  });

  it('safeCutIndex never splits a registered secret', () => {
    addSecret(KEY);
    const text = `abc ${KEY} def`;
    for (let cut = 0; cut <= text.length; cut++) {
      const at = safeCutIndex(text, cut);
      expect(at).toBeLessThanOrEqual(cut);
      const inside = at > 4 && at < 4 + KEY.length;
      expect(inside, `cut ${cut} -> ${at}`).toBe(false);
    }
  });
});

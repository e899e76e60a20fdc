import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/load.js';
import { SETTINGS } from '../../src/config/schema.js';
import { TetherError } from '../../src/util/errors.js';

function projectWith(config: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tether-proj-'));
  mkdirSync(join(dir, '.tether'));
  writeFileSync(join(dir, '.tether', 'config.json'), JSON.stringify(config));
  return dir;
}

describe('settings precedence: flags > env > project > user > defaults', () => {
  it('uses defaults when nothing is set', () => {
    const { settings, sources } = resolveSettings({ env: {} });
    expect(settings.approval).toBe('suggest');
    expect(settings.transport).toBe('auto');
    expect(settings.store).toBe(false);
    expect(settings.rotationAgeMs).toBe(55 * 60_000);
    expect(sources['approval']).toBe('default');
  });

  it('each layer overrides the one below it', () => {
    const cwd = projectWith({ model: 'project-model', maxRetries: 3, approval: 'auto-edit' });
    const user = { model: 'user-model', maxRetries: 1, approval: 'suggest', heartbeatIntervalMs: 999 };
    const env = { TETHER_MODEL: 'env-model', TETHER_MAX_RETRIES: '4' };
    const { settings, sources } = resolveSettings({
      env,
      cwd,
      user,
      flags: { model: 'flag-model', trust: true },
    });
    expect(settings.model).toBe('flag-model');
    expect(sources['model']).toBe('flag');
    expect(settings.maxRetries).toBe(4);
    expect(sources['maxRetries']).toBe('env');
    expect(settings.approval).toBe('auto-edit');
    expect(sources['approval']).toBe('project');
    expect(settings.heartbeatIntervalMs).toBe(999);
    expect(sources['heartbeatIntervalMs']).toBe('user');
  });

  it('an untrusted project applies only its harmless keys (issue 13 §4)', () => {
    const cwd = projectWith({ model: 'project-model', maxRetries: 3, approval: 'full-auto' });
    const { settings, sources, ignoredProjectKeys } = resolveSettings({ env: {}, cwd, user: {} });
    expect(settings.model).toBe('project-model');
    expect(settings.maxRetries).toBe(3);
    expect(settings.approval).toBe('suggest');
    expect(sources['approval']).toBe('default');
    expect(ignoredProjectKeys).toEqual(['approval']);
  });

  it('accepts OPENAI_BASE_URL and strips trailing slashes', () => {
    const { settings } = resolveSettings({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/' } });
    expect(settings.baseUrl).toBe('http://127.0.0.1:9/v1');
  });

  it.each([
    [{ flags: { approval: 'maybe' } }, /--approval.*suggest, auto-edit, full-auto/],
    [{ flags: { maxTurns: '-1' } }, /--max-turns.*>= 0/],
    [{ env: { TETHER_STORE: 'perhaps' } }, /TETHER_STORE.*true or false/],
    [{ env: { OPENAI_BASE_URL: 'ftp://x' } }, /OPENAI_BASE_URL.*http/],
    [{ user: { maxRetries: 1000 } }, /maxRetries.*0 to 100/],
    [{ cwd: projectWith({ notAKey: 1 }) }, /unknown config key "notAKey"/],
  ])('rejects %j with a message naming key, value and allowed values', (input, message) => {
    const call = () => resolveSettings({ env: {}, ...input });
    expect(call).toThrow(TetherError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (err) {
      expect((err as TetherError).exitCode).toBe(2);
    }
  });

  it('a malformed project config is a usage error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-proj-'));
    mkdirSync(join(dir, '.tether'));
    writeFileSync(join(dir, '.tether', 'config.json'), '{not json');
    expect(() => resolveSettings({ env: {}, cwd: dir })).toThrow(/\.tether\/config\.json/);
  });

  it('every setting has a TETHER_ (or OPENAI_) env var and a description', () => {
    const envs = new Set<string>();
    for (const s of SETTINGS) {
      expect(s.env).toMatch(/^(TETHER|OPENAI)_[A-Z_]+$/);
      expect(s.description.length).toBeGreaterThan(10);
      expect(envs.has(s.env)).toBe(false);
      envs.add(s.env);
    }
  });
});

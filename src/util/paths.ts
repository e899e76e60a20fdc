import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDarwin } from '../platform/host.js';

/**
 * tether's directories. `TETHER_HOME` puts everything (config, sessions, history, spill files)
 * under one folder, which is how tests and CI isolate themselves.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['TETHER_HOME']) return env['TETHER_HOME'];
  if (isDarwin()) return join(homedir(), 'Library', 'Preferences', 'tether');
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'tether');
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['TETHER_HOME']) return env['TETHER_HOME'];
  if (isDarwin()) return join(homedir(), 'Library', 'Application Support', 'tether');
  return join(env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share'), 'tether');
}

/** Where session JSONL files live. */
export function sessionsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'sessions');
}

/** Global instructions file (`~/.tether/AGENTS.md`, or `$TETHER_HOME/AGENTS.md`). */
export function globalInstructionsPath(env: NodeJS.ProcessEnv = process.env): string {
  return env['TETHER_HOME'] ? join(env['TETHER_HOME'], 'AGENTS.md') : join(homedir(), '.tether', 'AGENTS.md');
}

let cachedRoot: string | undefined;

/** The installed package's root (the folder with tether-code's package.json). */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'tether-code') {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        /* keep walking */
      }
    }
    dir = dirname(dir);
  }
  cachedRoot = process.cwd();
  return cachedRoot;
}

/**
 * Folder of shipped fixtures (scenarios, demo project): `fixtures/` in a source checkout,
 * `dist/fixtures` in the published package (which ships no `fixtures/`).
 */
export function fixturesDir(): string {
  const root = packageRoot();
  const source = join(root, 'fixtures');
  return existsSync(source) ? source : join(root, 'dist', 'fixtures');
}

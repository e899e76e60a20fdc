/**
 * Every test worker (and every process it spawns) runs with an empty temporary HOME and
 * TETHER_HOME, so no test reads or writes the developer's real config, sessions or shell rc files.
 * (A login shell sourcing a real ~/.bashrc can also stall on tools like `pyenv rehash` when a
 * previous run was killed mid-way, which must never make a test hang.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'tether-test-home-'));
process.env['HOME'] = home;
process.env['TETHER_HOME'] ??= join(home, '.tether');
process.env['NO_COLOR'] ??= '1';
delete process.env['OPENAI_API_KEY'];

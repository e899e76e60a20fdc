/**
 * A HOME whose login profile costs what a real developer's does (~100 ms per login shell on a
 * quiet machine), with real work rather than a `sleep`: 200 sourced plugin files (functions,
 * aliases, PATH probes — the shape of oh-my-zsh plugins or bash-completion snippets), a Python
 * init that prints shell code to `eval` (the shape of `pyenv init -`), and a Node init doing the
 * same (the shape of `fnm env` / nvm's node-based helpers). It also exports a secret, as real
 * profiles do, which must not reach tool commands.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './cli-run.js';
import { median } from './stats.js';

const PLUGINS = 200;

/** Creates the fixture HOME and returns its path. */
export function makeProfileHome(): string {
  const home = mkdtempSync(join(scratchDir(), 'profile-home-'));
  const d = join(home, '.profile.d');
  mkdirSync(d);
  for (let i = 0; i < PLUGINS; i++) {
    const n = String(i).padStart(3, '0');
    writeFileSync(
      join(d, `${n}-plugin.sh`),
      [
        `# plugin ${n}`,
        `export PLUGIN_${n}_HOME="$HOME/.plugins/${n}"`,
        `plugin_${n}_fn() { local x="$1"; case "$x" in a*) echo a;; b*) echo b;; *) echo "$x";; esac; }`,
        `alias p${n}='plugin_${n}_fn'`,
        `[ -d "$HOME/.plugins/${n}/bin" ] && PATH="$HOME/.plugins/${n}/bin:$PATH"`,
        '',
      ].join('\n'),
    );
  }
  mkdirSync(join(home, '.fakeenv', 'bin'), { recursive: true });
  writeFileSync(
    join(home, '.fakeenv', 'bin', 'fakeenv-init'),
    [
      'import json, os, re, subprocess, pathlib, sys',
      'root = pathlib.Path(os.environ["HOME"]) / ".fakeenv"',
      'versions = sorted(p.name for p in (root / "versions").glob("*")) if (root / "versions").exists() else []',
      'print(f\'export FAKEENV_ROOT="{root}"\')',
      'print(f\'export PATH="{root}/shims:$PATH"\')',
      'print(\'fakeenv() { command fakeenv-real "$@"; }\')',
      'print(f\'export FAKEENV_VERSION={json.dumps(versions[-1] if versions else "system")}\')',
      '',
    ].join('\n'),
  );
  mkdirSync(join(home, '.fakenvm'), { recursive: true });
  writeFileSync(
    join(home, '.fakenvm', 'init.js'),
    [
      "const fs = require('fs'); const path = require('path');",
      "const dir = path.join(process.env.HOME, '.fakenvm');",
      "const v = fs.existsSync(path.join(dir, 'versions')) ? fs.readdirSync(path.join(dir, 'versions')) : [];",
      `console.log('export FAKENVM_DIR="' + dir + '"');`,
      `console.log('export PATH="' + dir + '/current/bin:$PATH"');`,
      `console.log('nvm_use() { echo "using $1"; }');`,
      '',
    ].join('\n'),
  );
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const profile = [
    'for f in "$HOME"/.profile.d/*.sh; do . "$f"; done',
    `eval "$(${python} "$HOME/.fakeenv/bin/fakeenv-init")"`,
    `eval "$('${process.execPath}' "$HOME/.fakenvm/init.js")"`,
    'export OPENAI_API_KEY=sk-bench-profile-secret-0123456789abcdef',
    '',
  ].join('\n');
  for (const f of ['.bash_profile', '.zprofile', '.profile']) writeFileSync(join(home, f), profile);
  return home;
}

/** Median wall time (ms) of `bash -lc true` with `home` as HOME. */
export function loginShellMs(home: string, runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync('bash', ['-lc', 'true'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home },
      stdio: 'ignore',
    });
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * Security §5: the bubblewrap sandbox holds against a hostile command — also when tether runs as
 * root (CI, containers). Table-driven: each vector is one sandboxed `shell` call through the real
 * tool runtime, and the check looks at the host afterwards (never only at what the command says).
 * `.ci/run` runs this file as root and again as an unprivileged user; under CI=true a sandbox that
 * cannot run fails the file instead of skipping it.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSandbox, type SandboxInfo } from '../../src/policy/sandbox.js';
import { killAllToolProcesses } from '../../src/tools/index.js';
import { harness, tempDir } from '../tools/helpers.js';
import { sandboxOrSkip } from './sandbox-ci.js';

const info: SandboxInfo = await detectSandbox('auto');
const available = sandboxOrSkip('sandbox red-team tests', info.tier === 'bwrap', info.message);
let h: ReturnType<typeof harness>;
let ws: string;
let outside: string;
const servers: Server[] = [];
let varTmpDir: string;
let varTmpSock: string;
let tmpSock: string;
const rand = Math.random().toString(36).slice(2, 10);

const SECRETS = {
  root: 'root-secret-1b2c',
  deep: 'deep-secret-3d4e',
  linked: 'linked-secret-5f6a',
  outside: 'outside-secret-7b8c',
  local: 'local-secret-9d0e',
};

function listen(path: string): Promise<void> {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.end('HOST-DAEMON-REACHED\n');
  });
  servers.push(server);
  return new Promise((r) => server.listen(path, r));
}

beforeAll(async () => {
  if (!available) return;
  ws = tempDir('tether-redteam-ws-');
  outside = tempDir('tether-redteam-out-');
  mkdirSync(join(ws, '.git', 'hooks'), { recursive: true });
  writeFileSync(join(ws, '.git', 'config'), '[core]\n');
  mkdirSync(join(ws, 'sub', '.git'), { recursive: true });
  writeFileSync(join(ws, 'sub', '.git', 'config'), '[core]\n');
  mkdirSync(join(ws, 'vendor', 'lib'), { recursive: true });
  writeFileSync(join(ws, 'vendor', 'lib', '.git'), 'gitdir: ../../.git/modules/lib\n');
  mkdirSync(join(ws, 'node_modules', 'pkg', '.git'), { recursive: true });
  writeFileSync(join(ws, '.env'), `SECRET=${SECRETS.root}\n`);
  writeFileSync(join(ws, '.env.example'), 'TEMPLATE=visible-template\n');
  writeFileSync(join(ws, '.env.local.sample'), 'TEMPLATE2=visible-sample\n');
  const deep = join(ws, 'a', 'b', 'c', 'd', 'e', 'f');
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, '.env.production'), `TOKEN=${SECRETS.deep}\n`);
  writeFileSync(join(ws, 'a', '.env.local'), `LOCAL=${SECRETS.local}\n`);
  mkdirSync(join(ws, 'secrets'));
  writeFileSync(join(ws, 'secrets', 'prod.env'), `LINKED=${SECRETS.linked}\n`);
  mkdirSync(join(ws, 'pkg'));
  symlinkSync('../secrets/prod.env', join(ws, 'pkg', '.env'));
  symlinkSync('.env', join(ws, 'link-to-env'));
  writeFileSync(join(outside, '.env'), `OUTSIDE=${SECRETS.outside}\n`);
  symlinkSync(join(outside, '.env'), join(ws, 'cfg'));
  // Host daemons: a socket in /tmp and one outside every hidden directory.
  tmpSock = join('/tmp', `tether-redteam-${rand}.sock`);
  await listen(tmpSock);
  varTmpDir = mkdtempSync('/var/tmp/tether-redteam-');
  varTmpSock = join(varTmpDir, 'daemon.sock');
  await listen(varTmpSock);
  h = harness({ workspace: ws, sandbox: info });
});

afterAll(() => {
  for (const s of servers) s.close();
  rmSync(varTmpDir, { recursive: true, force: true });
  rmSync(tmpSock, { force: true });
  killAllToolProcesses('SIGKILL');
});

const run = async (command: string) =>
  (await h.call('shell', { command, workdir: null, timeout_ms: 20_000 }, { sandboxed: true })).output;

const read = (p: string) => readFileSync(p, 'utf8');
const connect = (path: string) =>
  `'${process.execPath}' -e 'require("net").connect(process.argv[1]).on("data", (d) => process.stdout.write(String(d))).on("error", (e) => console.log("connect failed:", e.code))' '${path}'`;

interface Vector {
  name: string;
  cmd: () => string;
  check: (out: string) => void;
}

const hostGitConfigsUntouched = () => {
  expect(read(join(ws, '.git', 'config'))).toBe('[core]\n');
  expect(read(join(ws, 'sub', '.git', 'config'))).toBe('[core]\n');
  expect(read(join(ws, 'vendor', 'lib', '.git'))).toBe('gitdir: ../../.git/modules/lib\n');
};
const noSecret = (out: string) => {
  for (const s of Object.values(SECRETS)) expect(out).not.toContain(s);
};

const VECTORS: Vector[] = [
  {
    name: 'no capabilities at all (effective, permitted, bounding)',
    cmd: () => 'grep -E "^Cap(Eff|Prm)" /proc/self/status',
    check: (out) => {
      expect(out).toMatch(/CapEff:\s+0000000000000000/);
      expect(out).toMatch(/CapPrm:\s+0000000000000000/);
    },
  },
  {
    name: 'mount -o remount,rw / then write to /etc',
    cmd: () => `mount -o remount,rw / && echo REMOUNTED; touch /etc/tether-rt-${rand}; echo done`,
    check: (out) => {
      expect(out).not.toContain('REMOUNTED');
      expect(existsSync(`/etc/tether-rt-${rand}`)).toBe(false);
    },
  },
  {
    name: 'remount the read-only .git bind rw and edit its config',
    cmd: () =>
      'mount -o remount,bind,rw .git && echo REMOUNTED; echo "[core] evil" >> .git/config; echo done',
    check: (out) => {
      expect(out).not.toContain('REMOUNTED');
      hostGitConfigsUntouched();
    },
  },
  {
    name: 'umount the .env mask and the nested .git bind',
    cmd: () =>
      'umount .env; umount -l .env; umount sub/.git; umount -l sub/.git; cat .env; echo evil >> sub/.git/config; echo done',
    check: (out) => {
      noSecret(out);
      hostGitConfigsUntouched();
    },
  },
  {
    name: 'unshare a new user+mount namespace, then remount and umount',
    cmd: () =>
      `unshare -Urm sh -c 'mount -o remount,rw / && touch /etc/tether-rt2-${rand}; umount -l .env; cat .env; mount -o remount,bind,rw .git && echo evil >> .git/config'; echo done`,
    check: (out) => {
      noSecret(out);
      expect(existsSync(`/etc/tether-rt2-${rand}`)).toBe(false);
      hostGitConfigsUntouched();
    },
  },
  {
    name: 'mount a tmpfs over .git to plant hooks (hides, never reaches the host)',
    cmd: () =>
      'mount -t tmpfs none .git && mkdir -p .git/hooks && echo "#!/bin/sh" > .git/hooks/pre-commit && echo PLANTED; echo done',
    check: () => {
      expect(existsSync(join(ws, '.git', 'hooks', 'pre-commit'))).toBe(false);
    },
  },
  {
    name: 'write a host-wide sysctl and the sysrq trigger',
    cmd: () =>
      'cat /proc/sys/kernel/pid_max > /proc/sys/kernel/pid_max && echo SYSCTL-WRITTEN; echo h > /proc/sysrq-trigger && echo SYSRQ-WRITTEN; echo done',
    check: (out) => {
      expect(out).not.toContain('SYSCTL-WRITTEN');
      expect(out).not.toContain('SYSRQ-WRITTEN');
    },
  },
  {
    name: 'write to host paths (/etc, /usr, /var/tmp, $HOME, /dev/shm)',
    cmd: () =>
      `for p in /etc /usr /var/tmp "$HOME" /root; do touch "$p/tether-rt3-${rand}" 2>/dev/null && echo "WROTE $p"; done; echo x > /dev/shm/tether-rt3-${rand}; echo done`,
    check: (out) => {
      expect(out).not.toMatch(/WROTE/);
      for (const p of ['/etc', '/usr', '/var/tmp', '/root'])
        expect(existsSync(join(p, `tether-rt3-${rand}`))).toBe(false);
      expect(existsSync(`/dev/shm/tether-rt3-${rand}`)).toBe(false);
    },
  },
  {
    name: 'reach host unix sockets: /run and /var/run are empty, /tmp is private',
    cmd: () => `ls -A /run /var/run; ls /tmp; ${connect(tmpSock)}`,
    check: (out) => {
      expect(out).not.toContain('HOST-DAEMON-REACHED');
      expect(out).not.toContain(`tether-redteam-${rand}`);
      expect(out).not.toMatch(/docker\.sock|systemd|dbus/);
    },
  },
  {
    name: 'reach a host unix socket outside /tmp and /run (masked from /proc/net/unix)',
    cmd: () => connect(varTmpSock),
    check: (out) => {
      expect(out).not.toContain('HOST-DAEMON-REACHED');
      expect(out).toContain('connect failed');
    },
  },
  {
    name: 'read dotenv files: nested at depth 7, via symlinks in and out of the workspace',
    cmd: () =>
      'cat .env link-to-env pkg/.env secrets/prod.env cfg a/.env.local a/b/c/d/e/f/.env.production; echo done',
    check: (out) => {
      noSecret(out);
      expect(out).toContain('done');
    },
  },
  {
    name: 'dotenv templates stay readable',
    cmd: () => 'cat .env.example .env.local.sample',
    check: (out) => {
      expect(out).toContain('visible-template');
      expect(out).toContain('visible-sample');
    },
  },
  {
    name: 'move or hard-link a masked dotenv file, rename its parent',
    cmd: () =>
      'ln .env hl.txt; cp .env copy.txt; mv .env moved.txt; mv a a2 && cat a2/.env.local a2/b/c/d/e/f/.env.production; cat hl.txt copy.txt moved.txt; mv a2 a; echo done',
    check: (out) => {
      noSecret(out);
      expect(read(join(ws, '.env'))).toContain(SECRETS.root);
    },
  },
  {
    name: 'modify nested .git directories and submodule .git files',
    cmd: () =>
      'echo evil >> sub/.git/config; echo "gitdir: /tmp/evil" > vendor/lib/.git; mkdir sub/.git/hooks; mv sub/.git sub/git2; rm -rf sub/.git; echo done',
    check: () => hostGitConfigsUntouched(),
  },
  {
    name: 'see or signal host processes (tether itself)',
    cmd: () => `kill -0 ${process.pid} && echo HOST-VISIBLE; ls /proc | grep -c '^[0-9]'`,
    check: (out) => {
      expect(out).not.toContain('HOST-VISIBLE');
    },
  },
];

describe.skipIf(!available)('security: the bubblewrap sandbox holds (also as root)', () => {
  it(`runs as the invoking user (uid ${process.getuid?.()})`, async () => {
    const out = await run('id -u');
    expect(out.trim().split('\n')[0]).toBe(String(process.getuid?.()));
  });

  for (const v of VECTORS)
    it(v.name, async () => {
      const out = await run(v.cmd());
      v.check(out);
    });

  it('a .git or .env that appears after start is protected in the next command', async () => {
    await run('git init -q later && echo ok');
    writeFileSync(join(ws, 'a', '.env.new'), `NEW=${SECRETS.local}\n`);
    const out = await run('echo evil >> later/.git/config; cat a/.env.new; echo done');
    noSecret(out);
    expect(read(join(ws, 'later', '.git', 'config'))).not.toContain('evil');
  });

  it('/tmp persists between commands of one tether process and is not the host /tmp', async () => {
    const name = `tether-privtmp-${rand}`;
    await run(`echo private > /tmp/${name}`);
    expect(await run(`cat /tmp/${name}`)).toContain('private');
    expect(existsSync(join('/tmp', name))).toBe(false);
  });

  it('git inside the sandbox still works on the read-only repository', async () => {
    const repo = tempDir('tether-redteam-git-');
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const g = harness({ workspace: repo, sandbox: info });
    const r = await g.call(
      'shell',
      { command: 'git status --short; echo rc=$?', workdir: null, timeout_ms: 20_000 },
      { sandboxed: true },
    );
    expect(r.output).toContain('rc=0');
  });
});

import { describe, expect, it } from 'vitest';
import {
  isDangerousCommand,
  isKnownSafeCommand,
  parsePlainCommands,
} from '../../src/policy/command-safety.js';

/** Codex's argv vectors, as the one script string our shell tool receives. */
const q = (argv: string[]) =>
  argv.map((a) => (/^[A-Za-z0-9_./,=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

describe('isKnownSafeCommand (codex vectors)', () => {
  it.each([
    ['ls'],
    ['base64'],
    ['sed', '-n', '1,5p', 'file.txt'],
    ['nl', '-nrz', 'Cargo.toml'],
    ['find', '.', '-name', 'file.txt'],
    ['numfmt', '1000'],
    ['tac', 'Cargo.toml'],
    ['rg', 'Cargo.toml', '-n'],
  ])('known_safe_examples: %s', async (...argv) => {
    expect(await isKnownSafeCommand(q(argv))).toBe(true);
  });

  it.each([
    ['foo'],
    ['git', 'fetch'],
    ['sed', '-n', 'xp', 'file.txt'],
    ['find', '.', '-name', 'file.txt', '-exec', 'rm', '{}', ';'],
    ['find', '.', '-name', '*.py', '-execdir', 'python3', '{}', ';'],
    ['find', '.', '-name', 'file.txt', '-ok', 'rm', '{}', ';'],
    ['find', '.', '-name', '*.py', '-okdir', 'python3', '{}', ';'],
    ['find', '.', '-delete', '-name', 'file.txt'],
    ['find', '.', '-fls', '/etc/passwd'],
    ['find', '.', '-fprint', '/etc/passwd'],
    ['find', '.', '-fprint0', '/etc/passwd'],
    ['find', '.', '-fprintf', '/root/suid.txt', '%#m %u %p\n'],
    ['base64', '-o', 'out.bin'],
    ['base64', '--output', 'out.bin'],
    ['base64', '--output=out.bin'],
    ['base64', '-ob64.txt'],
    ['rg', '--search-zip', 'files'],
    ['rg', '-z', 'files'],
    ['rg', '--pre', 'pwned', 'files'],
    ['rg', '--pre=pwned', 'files'],
    ['rg', '--hostname-bin', 'pwned', 'files'],
    ['rg', '--hostname-bin=pwned', 'files'],
    ['cargo', 'check'],
  ])('unknown_or_partial / unsafe options: %s', async (...argv) => {
    expect(await isKnownSafeCommand(q(argv))).toBe(false);
  });

  it.each([
    ['git', 'status'],
    ['git', 'diff', '-p'],
    ['git', 'log', '-p', '-1'],
    ['git', 'show', '-p', 'HEAD'],
    ['git', 'branch', '--show-current'],
    ['bash', '-lc', 'git status'],
    ['bash', '-lc', 'git log -p -1'],
  ])('git_commands_require_approval: %s', async (...argv) => {
    expect(await isKnownSafeCommand(q(argv))).toBe(false);
  });

  it.each([
    'ls',
    'ls -1',
    // -R (follow every symlink, e.g. one planted to /) is not on grep's allow-list; -r is.
    'grep -r "Cargo.toml" -n',
    'sed -n 1,5p file.txt',
    "sed -n '1,5p' file.txt",
    'find . -name file.txt',
    'grep -r "Cargo.toml" -n || true',
    'ls 2>/dev/null',
    'cat x 2>&1 | head -n 5',
    'ls && pwd',
    "echo 'hi' ; ls",
    'ls | wc -l',
  ])('bash_lc_safe_examples(_with_operators): %s', async (script) => {
    expect(await isKnownSafeCommand(script)).toBe(true);
    expect(await isKnownSafeCommand(q(['bash', '-lc', script]))).toBe(true);
    expect(await isKnownSafeCommand(q(['sh', '-c', script]))).toBe(true);
    // Stricter than Codex: zsh is not bash (glob qualifiers run code), so a bash parse says nothing.
    expect(await isKnownSafeCommand(q(['zsh', '-lc', script]))).toBe(false);
  });

  it.each([
    'git status',
    "'git status'",
    'bash -lc git status',
    'find . -name file.txt -delete',
    'ls && rm -rf /',
    '(ls)',
    'ls || (pwd && echo hi)',
    'ls > out.txt',
  ])('bash_lc_unsafe_examples: %s', async (script) => {
    expect(await isKnownSafeCommand(script)).toBe(false);
  });

  it.each([
    'echo $(rm x)',
    'echo `rm x`',
    'cat <(rm x)',
    'echo "$(id)"',
    'echo $HOME',
    'cat < /etc/passwd',
    'ls > /dev/tty',
    'ls 2>err.log',
    'ls &',
    'ls && ',
    '&& ls',
    'echo "unclosed',
    "echo 'unclosed",
    'ls; ; pwd',
    'FOO=bar ls',
    '',
    '   ',
  ])('substitution / redirection / subshell / unparsable: %j', async (script) => {
    expect(await isKnownSafeCommand(script)).toBe(false);
  });

  it('splits plain commands', async () => {
    expect(await parsePlainCommands("ls -la && grep -n 'a b' x | wc -l")).toEqual([
      ['ls', '-la'],
      ['grep', '-n', 'a b', 'x'],
      ['wc', '-l'],
    ]);
    expect(await parsePlainCommands('ls > x')).toBeNull();
  });
});

describe('isDangerousCommand (codex vectors)', () => {
  it.each([
    // Stricter than Codex: a command name computed at run time with rm's force flags asks, and a
    // script the parser cannot read falls back to a text scan for rm plus a force flag.
    'cmd=rm; $cmd -rf /tmp/example',
    'if then rm -rf /tmp/example',
  ])('computed or unparsable forced rm is dangerous: %s', async (script) => {
    expect(await isDangerousCommand(script)).toBe(true);
  });

  it.each([
    ['rm', '-rf', '/'],
    ['rm', '-f', '/'],
    ['/bin/rm', '-fr', '/tmp/example'],
    ['rm', '-r', '-f', '/tmp/example'],
    ['rm', '--force', '/tmp/example'],
    ['rm', '/tmp/example', '-f'],
    ['sudo', 'rm', '-rf', '/tmp/example'],
  ])('forced_rm_variants_are_dangerous: %s', async (...argv) => {
    expect(await isDangerousCommand(q(argv))).toBe(true);
  });

  it.each([
    'printf x | rm -rf /tmp/example',
    'if test -d /tmp/example; then rm --force /tmp/example; fi',
    'rm -rf "$TARGET" >/dev/null',
    'for target in /tmp/a /tmp/b; do rm -r -f "$target"; done',
    'echo "$(rm -rf /tmp/example)"',
    `for a in '-C5a25KeRr' '--' '--json' '--bogus'; do HOME=$(mktemp -d) MDE_URL=http://127.0.0.1:1 MDE_TOKEN=x node cli/mde.cjs ls "$a" >/tmp/mde-review-out 2>/tmp/mde-review-err; code=$?; printf '%s\\t%s\\t%s\\n' "$a" "$code" "$(tr '\\n' ' ' </tmp/mde-review-err)"; rm -rf "$HOME"; done`,
    '(rm -rf x)',
    'ls && rm -rf /',
    "bash -lc 'rm -rf x'",
    'echo `rm -f x`',
  ])('forced_rm_in_complex_shell_syntax_is_dangerous: %s', async (script) => {
    expect(await isDangerousCommand(script)).toBe(true);
    expect(await isDangerousCommand(q(['bash', '-lc', script]))).toBe(true);
  });

  it.each([
    q(['rm', '-r', '/tmp/example']),
    q(['rm', '--', '-f']),
    "echo 'rm -rf /tmp/example'",
    'ls -la',
    'git clean -n',
  ])('non_forced_or_non_literal_rm_is_not_dangerous: %s', async (script) => {
    expect(await isDangerousCommand(script)).toBe(false);
  });
});

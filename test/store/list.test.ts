import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSessionsCommand } from '../../src/cli/commands/sessions.js';
import { findLatestSession, listSessions, readSummary, resolveSession } from '../../src/store/list.js';
import { resumeTarget } from '../../src/store/resume.js';
import { sessionSummaryPath } from '../../src/store/session-paths.js';
import { SessionWriter } from '../../src/store/session-writer.js';
import { FakeClock } from '../../src/util/clock.js';
import { TetherError } from '../../src/util/errors.js';
import { scriptSession } from './script.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tether-list-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const clock = new FakeClock();
async function session(id: string, cwd: string, prompt: string, answer: string): Promise<void> {
  await clock.advance(60_000);
  const w = new SessionWriter({ sessionId: id, cwd, model: 'gpt-test', dir, clock, gitBranch: () => null });
  await scriptSession(w, [{ prompt, answer }]);
  await w.close();
}

function capture(): { stream: NodeJS.WritableStream; text: () => string } {
  let out = '';
  const stream = {
    write: (s: string) => {
      out += s;
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { stream, text: () => out };
}

async function fixtures(): Promise<void> {
  await session('20260101-000100-aaaaaa', '/proj/a', 'fix the parser', 'Fixed the tokenizer bug.');
  await session('20260101-000200-bbbbbb', '/proj/b', 'write docs', 'Docs mention the aardvark.');
  await session('20260101-000300-cccccc', '/proj/a', 'add tests', 'Added three tests.');
  await session('20260101-000400-dddddd', '/proj/c', 'deploy it', 'Deployed to staging.');
}

describe('listing sessions', () => {
  it('lists the current directory newest first and says how many other directories hide', async () => {
    await fixtures();
    const listing = listSessions({ cwd: '/proj/a', all: false, dir });
    expect(listing.sessions.map((s) => s.session_id)).toEqual([
      '20260101-000300-cccccc',
      '20260101-000100-aaaaaa',
    ]);
    expect(listing.hiddenOtherDirs).toBe(2);
    const all = listSessions({ cwd: '/proj/a', all: true, dir });
    expect(all.sessions.map((s) => s.title)).toEqual([
      'deploy it',
      'add tests',
      'write docs',
      'fix the parser',
    ]);
    expect(all.hiddenOtherDirs).toBe(0);

    const out = capture();
    const now = clock.wallNow() + 30_000;
    expect(
      await runSessionsCommand({ all: false, cwd: '/proj/a', stdout: out.stream, dir, now, columns: 100 }),
    ).toBe(0);
    const lines = out.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+AGE\s+TURNS\s+TITLE$/);
    expect(lines[1]).toMatch(/^20260101-000300-cccccc\s+1m\s+1\s+add tests$/);
    expect(lines[2]).toMatch(/^20260101-000100-aaaaaa\s+3m\s+1\s+fix the parser$/);
    expect(out.text()).toContain('2 more sessions in other directories; use --all');
  });

  it('--all shows every directory, including a session outside the current one', async () => {
    await fixtures();
    const out = capture();
    await runSessionsCommand({ all: true, cwd: '/elsewhere', stdout: out.stream, dir, columns: 120 });
    expect(out.text()).toMatch(/20260101-000200-bbbbbb .* \/proj\/b\s+write docs/);
    expect(out.text()).not.toContain('use --all');
  });

  it('--search finds a session by a word from its answer (and counts hidden matches)', async () => {
    await fixtures();
    expect(
      listSessions({ cwd: '/proj/a', all: true, search: 'AARDVARK', dir }).sessions.map((s) => s.session_id),
    ).toEqual(['20260101-000200-bbbbbb']);
    const here = listSessions({ cwd: '/proj/a', all: false, search: 'aardvark', dir });
    expect(here.sessions).toEqual([]);
    expect(here.hiddenOtherDirs).toBe(1);
    // every word must match; prompts are searched too
    expect(listSessions({ cwd: '/', all: true, search: 'parser tokenizer', dir }).sessions).toHaveLength(1);
    expect(listSessions({ cwd: '/', all: true, search: 'parser aardvark', dir }).sessions).toHaveLength(0);
    // words that only appear in record keys or tool plumbing are not matches
    expect(listSessions({ cwd: '/', all: true, search: 'session_meta', dir }).sessions).toHaveLength(0);

    const out = capture();
    await runSessionsCommand({ all: false, search: 'aardvark', cwd: '/proj/a', stdout: out.stream, dir });
    expect(out.text()).toContain('No sessions match "aardvark" in /proj/a.');
    expect(out.text()).toContain('1 more matching session in other directories; use --all');
  });

  it('a title with terminal escape sequences is printed escaped (a hostile prompt or session file)', async () => {
    await session('20260101-000500-eeeeee', '/proj/e', 'hi \x1b]0;PWNED\x07\x1b[2J there', 'ok');
    const out = capture();
    await runSessionsCommand({ all: false, cwd: '/proj/e', stdout: out.stream, dir, columns: 120 });
    expect(out.text()).not.toContain('\x1b');
    expect(out.text()).toContain('hi \\x1b]0;PWNED\\x07\\x1b[2J there');
  });

  it('--json is machine-readable', async () => {
    await fixtures();
    const out = capture();
    await runSessionsCommand({ all: false, json: true, cwd: '/proj/b', stdout: out.stream, dir });
    const body = JSON.parse(out.text());
    expect(body.hidden_other_dirs).toBe(3);
    expect(body.sessions).toEqual([
      expect.objectContaining({
        id: '20260101-000200-bbbbbb',
        title: 'write docs',
        cwd: '/proj/b',
        turns: 1,
        last_answer: 'Docs mention the aardvark.',
      }),
    ]);
  });

  it('rebuilds a missing or stale summary from the log', async () => {
    await fixtures();
    const id = '20260101-000100-aaaaaa';
    unlinkSync(sessionSummaryPath(id, dir));
    expect(readSummary(id, dir)?.title).toBe('fix the parser');
    const stale = JSON.parse(readFileSync(sessionSummaryPath(id, dir), 'utf8'));
    writeFileSync(sessionSummaryPath(id, dir), JSON.stringify({ ...stale, title: 'WRONG', bytes: 1 }));
    expect(readSummary(id, dir)?.title).toBe('fix the parser');
  });

  it('finds the latest session of a directory and resolves ids by prefix or suffix', async () => {
    await fixtures();
    expect(findLatestSession('/proj/a', dir)).toBe('20260101-000300-cccccc');
    expect(() => findLatestSession('/nowhere', dir)).toThrow(/no session to continue in \/nowhere/);
    expect(resolveSession('20260101-000200-bbbbbb', dir)).toBe('20260101-000200-bbbbbb');
    expect(resolveSession('20260101-0004', dir)).toBe('20260101-000400-dddddd');
    expect(resolveSession('cccccc', dir)).toBe('20260101-000300-cccccc');
    const ambiguous = (() => {
      try {
        resolveSession('20260101', dir);
      } catch (e) {
        return e;
      }
    })();
    expect(ambiguous).toBeInstanceOf(TetherError);
    expect((ambiguous as TetherError).exitCode).toBe(2);
    expect((ambiguous as TetherError).message).toMatch(/ambiguous: 4 sessions match/);
    expect(() => resolveSession('zzz', dir)).toThrow(/no session matches "zzz"/);
    expect(resumeTarget({ resume: 'aaaaaa', continueLast: false, cwd: '/x', interactive: false }, dir)).toBe(
      '20260101-000100-aaaaaa',
    );
    expect(
      resumeTarget({ resume: undefined, continueLast: true, cwd: '/proj/a', interactive: false }, dir),
    ).toBe('20260101-000300-cccccc');
    expect(resumeTarget({ resume: true, continueLast: false, cwd: '/proj/a', interactive: true }, dir)).toBe(
      'pick',
    );
    expect(resumeTarget({ resume: true, continueLast: false, cwd: '/proj/c', interactive: false }, dir)).toBe(
      '20260101-000400-dddddd',
    );
    expect(
      resumeTarget({ resume: undefined, continueLast: false, cwd: '/proj/a', interactive: false }, dir),
    ).toBeUndefined();
  });

  it('says so when there are no sessions', async () => {
    const out = capture();
    expect(await runSessionsCommand({ all: true, cwd: '/p', stdout: out.stream, dir })).toBe(0);
    expect(out.text()).toBe('No sessions yet.\n');
  });

  it('lists 1,000 sessions quickly (generous bound; the figure is in bench/sessions-list.mjs)', () => {
    const meta = (id: string, cwd: string) => ({
      type: 'session_meta',
      schema_version: 1,
      session_id: id,
      created_at: '2026-01-01T00:00:00.000Z',
      cwd,
      model: 'm',
      git_branch: null,
      tether_version: '0',
    });
    for (let i = 0; i < 1000; i++) {
      const id = `20260102-${String(i).padStart(6, '0')}-ffffff`;
      const lines = [
        meta(id, i % 2 ? '/odd' : '/even'),
        {
          type: 'prompt',
          ts: `2026-01-02T00:00:${String(i % 60).padStart(2, '0')}.000Z`,
          turn_id: 't',
          text: `prompt ${i}`,
        },
      ];
      writeFileSync(join(dir, `${id}.jsonl`), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    }
    const cold = listSessions({ cwd: '/odd', all: false, dir });
    expect(cold.sessions).toHaveLength(500);
    expect(cold.hiddenOtherDirs).toBe(500);
    const t0 = performance.now();
    const warm = listSessions({ cwd: '/odd', all: true, dir });
    const ms = performance.now() - t0;
    expect(warm.sessions).toHaveLength(1000);
    expect(ms).toBeLessThan(5000);
  });
});

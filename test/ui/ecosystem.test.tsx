/** Custom slash commands (loading, expansion, completion, submission) and web search in the TUI. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  expandCommand,
  loadCustomCommands,
  parseCommandFile,
  splitArgs,
} from '../../src/config/custom-commands.js';
import { SLASH_COMMANDS, setCustomCommands } from '../../src/ui/slash.js';
import { tempDir } from '../agent/cli-harness.js';
import { KEY, renderApp } from './harness.js';

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  setCustomCommands([]);
});

function dirs() {
  const root = tempDir('tether-cmds-');
  const user = join(root, 'user');
  const project = join(root, 'project');
  mkdirSync(join(user, 'git'), { recursive: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(user, 'review.md'),
    '---\ndescription: Review a file\nargument-hint: <file>\n---\nReview $ARGUMENTS carefully.\n',
  );
  writeFileSync(join(user, 'git', 'commit.md'), 'Write a commit message for $1 in $2 style.');
  writeFileSync(join(user, 'plain.md'), '# Explain\nExplain the code.');
  writeFileSync(join(user, 'status.md'), 'I shadow a built-in.');
  writeFileSync(join(user, 'Bad Name.md'), 'x');
  writeFileSync(join(project, 'review.md'), 'Project review of $ARGUMENTS.');
  return { user, project };
}

describe('custom commands (pure)', () => {
  it('parses front matter, splits arguments and expands $ARGUMENTS, $1…$9, or appends', () => {
    expect(parseCommandFile('---\ndescription: "Hi"\n---\nBody')).toEqual({
      meta: { description: 'Hi' },
      body: 'Body',
    });
    expect(parseCommandFile('No front matter')).toEqual({ meta: {}, body: 'No front matter' });
    expect(splitArgs(`a "b c" 'd e' f`)).toEqual(['a', 'b c', 'd e', 'f']);
    expect(expandCommand('Review $ARGUMENTS now', 'src/a.ts b')).toBe('Review src/a.ts b now');
    expect(expandCommand('From $1 to $2 ($3)', 'x "y z"')).toBe('From x to y z ()');
    expect(expandCommand('Explain.', 'focus on errors')).toBe('Explain.\n\nfocus on errors');
    expect(expandCommand('Explain.', '')).toBe('Explain.');
    // A `$` in the arguments is text, not a pattern.
    expect(expandCommand('Run $ARGUMENTS', '$& $1 $$')).toBe('Run $& $1 $$');
  });

  it('loads user and project commands (project wins), namespaces subdirectories, skips built-ins and bad names', () => {
    const { user, project } = dirs();
    const reserved = SLASH_COMMANDS.map((c) => c.name);
    const both = loadCustomCommands({ userDir: user, projectDir: project, reserved });
    const byName = Object.fromEntries(both.commands.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['git:commit', 'plain', 'review']);
    expect(byName['review']?.source).toBe('project');
    expect(byName['plain']?.description).toBe('Explain');
    expect(both.warnings.some((w) => w.includes('/status') && w.includes('built in'))).toBe(true);
    expect(both.warnings.some((w) => w.includes('Bad Name.md'))).toBe(true);
    const userOnly = loadCustomCommands({ userDir: user, projectDir: null, reserved });
    expect(userOnly.commands.find((c) => c.name === 'review')).toMatchObject({
      source: 'user',
      description: 'Review a file',
      argumentHint: '<file>',
    });
  });
});

describe('custom commands in the interactive screen', () => {
  it('complete after /, are listed by /help, and send the expanded prompt', async () => {
    setCustomCommands([
      {
        name: 'review',
        description: 'Review a file',
        args: '<file>',
        prompt: 'Review $ARGUMENTS carefully.',
      },
    ]);
    const app = await renderApp();
    cleanup = app.unmount;
    await app.type('/rev');
    expect(app.screen()).toContain('/review <file> Review a file');
    await app.type(KEY.enter);
    expect(app.store.getSnapshot().composer.text).toBe('/review ');
    await app.type('src/app.ts', KEY.enter);
    expect(app.agent.calls).toContainEqual({ kind: 'submit', text: 'Review src/app.ts carefully.' });
    await app.type('/help', KEY.enter);
    expect(app.screen()).toContain('/review <file> — Review a file (custom)');
  });
});

describe('web search in the interactive screen', () => {
  it("shows the query once the search is done, and the answer's sources as numbered footnotes", async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(
      { type: 'turn_started', turnId: 't1', index: 1 },
      { type: 'web_search', turnId: 't1', itemId: 'ws1', status: 'in_progress', query: 'node 20 eol' },
      { type: 'web_search', turnId: 't1', itemId: 'ws1', status: 'searching' },
    );
    expect(app.screen()).not.toContain('Searched the web');
    await app.emit(
      { type: 'web_search', turnId: 't1', itemId: 'ws1', status: 'completed', query: 'node 20 eol' },
      {
        type: 'assistant_item_done',
        turnId: 't1',
        itemId: 'm1',
        text: 'It ends in April 2026.',
        citations: [{ url: 'https://nodejs.org/releases', title: 'Releases\u001b]52;c;x\u0007' }],
      },
    );
    const screen = app.screen();
    expect(screen).toContain('Searched the web: node 20 eol');
    expect(screen).toContain('It ends in April 2026.');
    expect(screen).toContain('[1] Releases ]52;c;x  — https://nodejs.org/releases');
    expect(screen.indexOf('Searched the web')).toBeLessThan(screen.indexOf('It ends in April'));
    expect(screen.indexOf('It ends in April')).toBeLessThan(screen.indexOf('Sources:'));
  });
});

describe('/copy after a resume', () => {
  it("copies the resumed session's last answer before any new turn", async () => {
    const { lastAnswerOf, replayEntries } = await import('../../src/ui/replay.js');
    const copied: string[] = [];
    const app = await renderApp({ services: { copy: (t: string) => void copied.push(t) } });
    cleanup = app.unmount;
    const history = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'first question' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'the old answer' }] },
      { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' },
    ] as Parameters<typeof replayEntries>[0];
    expect(lastAnswerOf(history)).toBe('the old answer');
    app.store.replay(replayEntries(history), lastAnswerOf(history));
    await app.type('/copy', KEY.enter);
    expect(copied).toEqual(['the old answer']);
  });
});

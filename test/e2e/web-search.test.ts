/**
 * Hosted web search: `--search` offers `{"type":"web_search"}`; the simulator's scripted search
 * (a `web_search_call` item) and URL citations reach JSONL (`web_search` items, `citations` on
 * the answer) and text output (numbered sources). Without `--search` the tool is not offered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scenario, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { parseJsonl, requireBuild, runTether, tempDir } from '../agent/cli-harness.js';

let sim: Simulator;
beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'plain-answer', seed: 5 });
});
afterAll(async () => sim?.close());

const SCENARIO: Scenario = {
  name: 'web-search',
  turns: [
    {
      steps: [
        {
          search: { query: 'node 20 end of life date' },
          say: 'Node 20 reaches end of life on 2026-04-30.',
          citations: [
            {
              url: 'https://nodejs.org/en/about/previous-releases',
              title: 'Node.js releases',
              quote: '2026-04-30',
            },
            { url: 'https://example.org/eol', title: 'EOL \u001b[31mtable' },
          ],
        },
        { say: 'Turn two.' },
      ],
    },
  ],
};

function offeredTools(): unknown[][] {
  return sim.recorder
    .creates()
    .filter((r) => (r.body as { generate?: boolean }).generate !== false)
    .map((r) => (r.body as { tools?: unknown[] }).tools ?? []);
}

describe('hosted web search (e2e)', () => {
  it('--search: web_search tool offered; JSONL has a web_search item and citations on the answer', async () => {
    sim.setScenario(SCENARIO);
    sim.recorder.clear();
    const r = await runTether([
      '-p',
      'when does node 20 die?',
      '--search',
      '--json',
      '--base-url',
      sim.url,
      '-C',
      tempDir('tether-ws-'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(offeredTools()[0]).toContainEqual({ type: 'web_search' });
    const lines = parseJsonl(r.stdout);
    const started = lines.find(
      (l) => l.type === 'item.started' && (l['item'] as { type: string }).type === 'web_search',
    );
    const done = lines.find(
      (l) => l.type === 'item.completed' && (l['item'] as { type: string }).type === 'web_search',
    );
    expect(started?.['item']).toMatchObject({ status: 'in_progress' });
    expect(done?.['item']).toMatchObject({ query: 'node 20 end of life date', status: 'completed' });
    const answer = lines.find(
      (l) => l.type === 'item.completed' && (l['item'] as { type: string }).type === 'agent_message',
    );
    expect((answer?.['item'] as { citations: unknown } | undefined)?.citations).toEqual([
      { url: 'https://nodejs.org/en/about/previous-releases', title: 'Node.js releases' },
      { url: 'https://example.org/eol', title: 'EOL \u001b[31mtable' },
    ]);
  }, 60_000);

  it('text output: numbered sources follow the answer; without --search nothing is searched', async () => {
    sim.setScenario(SCENARIO);
    let r = await runTether(['-p', 'when?', '--search', '--base-url', sim.url, '-C', tempDir('tether-ws-')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Node 20 reaches end of life on 2026-04-30.');
    expect(r.stdout).toContain('[1] Node.js releases — https://nodejs.org/en/about/previous-releases');
    expect(r.stdout).not.toContain('\u001b[31m');
    sim.recorder.clear();
    r = await runTether(['-p', 'when?', '--json', '--base-url', sim.url, '-C', tempDir('tether-ws-')]);
    expect(r.code).toBe(0);
    expect(offeredTools()[0]).not.toContainEqual({ type: 'web_search' });
    expect(
      parseJsonl(r.stdout).some((l) => (l['item'] as { type?: string } | undefined)?.type === 'web_search'),
    ).toBe(false);
  }, 60_000);
});

/**
 * The agent's in-session resume (`/resume`, issue 16 point 8) on the real runtime, session
 * writers and simulator: after the switch the saved context is sent in full (a new chain, no
 * previous_response_id) and the next turn chains from it, the counters start at zero, new
 * records go to the resumed session's file (not the one left), the left session's background
 * processes end, and a switch is refused while a run is in progress.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createAgentRuntime } from '../../src/agent/create.js';
import type { AgentEvent } from '../../src/agent/events.js';
import { defaultSettings } from '../../src/config/schema.js';
import { startSimulator } from '../../src/simulator/index.js';
import {
  createSessionWriter,
  loadForResume,
  type SessionWriter,
  sessionLogPath,
} from '../../src/store/index.js';

const home = mkdtempSync(join(tmpdir(), 'tether-resume-in-session-'));
const dir = join(home, 'sessions');
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('Agent.resumeSession', () => {
  it('switches context, chain, counters, session file and processes', async () => {
    const sim = await startSimulator({ seed: 11 });
    const env = { TETHER_HOME: join(home, 'th'), HOME: home, PATH: process.env['PATH'] ?? '' };
    const settings = {
      ...defaultSettings(),
      baseUrl: sim.url,
      sandbox: 'off',
      toolProfile: 'codex',
      reasoningEffort: 'none',
    } as const;
    const writers: SessionWriter[] = [];
    const newWriter = (sessionId?: string) => {
      const w = createSessionWriter({
        cwd: home,
        model: settings.model,
        dir,
        ...(sessionId ? { sessionId } : {}),
      });
      writers.push(w);
      return w;
    };
    try {
      // A saved session to come back to.
      const first = newWriter();
      const a = await createAgentRuntime({
        settings,
        cwd: home,
        apiKey: 'sk-test-resume-0123456789',
        interactive: true,
        env,
        persistence: first,
        sessionId: first.sessionId,
      });
      await a.agent.run('remember the word apple');
      await a.close();
      await first.close();
      const savedId = first.sessionId;

      // Another session in a new process, then /resume of the saved one.
      const second = newWriter();
      const b = await createAgentRuntime({
        settings,
        cwd: home,
        apiKey: 'sk-test-resume-0123456789',
        interactive: true,
        env,
        persistence: second,
        sessionId: second.sessionId,
        newPersistence: (id) => newWriter(id),
      });
      const events: AgentEvent[] = [];
      b.agent.subscribe((e) => events.push(e));
      await b.agent.run('something else entirely');
      expect(b.agent.getSnapshot().usage.inputTokens).toBeGreaterThan(0);
      const endAll = vi.spyOn(b.tools.execSessions!, 'endAll');

      // Refused while a run is in progress.
      b.agent.submit({ text: 'a long one' });
      const data = loadForResume(savedId, dir);
      await expect(
        b.agent.resumeSession({ sessionId: savedId, items: data.items, ledger: data.ledger }),
      ).rejects.toThrow(/a turn is running/);
      while (b.agent.getSnapshot().running) await new Promise((r) => setTimeout(r, 10));

      sim.recorder.clear();
      await b.agent.resumeSession({ sessionId: savedId, items: data.items, ledger: data.ledger });
      expect(endAll).toHaveBeenCalledWith('another session was resumed (/resume)');
      const snap = b.agent.getSnapshot();
      expect(snap.sessionId).toBe(savedId);
      expect(snap.usage.inputTokens).toBe(0);
      expect(snap.turns).toBe(0);
      const announced = events.filter((e) => e.type === 'session_started').at(-1);
      expect(announced).toMatchObject({ sessionId: savedId, resumed: true });

      await b.agent.run('which word did I ask you to remember?');
      const creates = sim.recorder.creates();
      // The warm-up carries the saved context in full, on a new chain; the turn chains from it.
      const warm = creates[0]!;
      expect(warm.previousResponseId ?? null).toBeNull();
      expect(JSON.stringify(warm.body)).toContain('remember the word apple');
      expect(JSON.stringify(warm.body)).not.toContain('something else entirely');
      const next = creates[1]!;
      expect(next.previousResponseId).toBe(warm.responseId);
      await b.close();
      for (const w of writers) await w.close();

      const savedFile = readFileSync(sessionLogPath(savedId, dir), 'utf8');
      const leftFile = readFileSync(sessionLogPath(second.sessionId, dir), 'utf8');
      expect(savedFile).toContain('which word did I ask you to remember?');
      expect(leftFile).not.toContain('which word did I ask you to remember?');
      expect(leftFile).toContain('something else entirely');
    } finally {
      await sim.close();
    }
  }, 30_000);
});

/** `tether simulator` command: prints one line with the URL, serves, stops on SIGINT; bad flags are usage errors. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSimulatorCommand } from '../../src/cli/commands/simulator.js';
import { TetherError } from '../../src/util/errors.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('runSimulatorCommand', () => {
  it('prints the listening line, serves requests with the faults, and stops on SIGINT', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const saved = process.listeners('SIGINT');
    for (const l of saved) process.off('SIGINT', l);
    try {
      const done = runSimulatorCommand({
        port: 0,
        scenario: 'tool-loop-20',
        fault: ['http-status:status=503,times=1'],
        apiKey: 'sk-cli-test-123456',
      });
      for (let i = 0; i < 200 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(lines).toHaveLength(1);
      const m =
        /^tether simulator listening on (http:\/\/127\.0\.0\.1:\d+\/v1) \(scenario tool-loop-20\)\n$/.exec(
          lines[0]!,
        );
      expect(m).not.toBeNull();
      const url = m![1]!;
      const post = () =>
        fetch(`${url}/responses`, {
          method: 'POST',
          headers: { authorization: 'Bearer sk-cli-test-123456' },
          body: JSON.stringify({ model: 'm', input: 'go' }),
        });
      expect((await post()).status).toBe(503);
      expect((await post()).status).toBe(200);
      process.emit('SIGINT');
      await done;
      await expect(fetch(`${url}/models`)).rejects.toThrow();
    } finally {
      for (const l of saved) process.on('SIGINT', l);
    }
  });

  it('rejects bad --fault and --scenario values as usage errors', async () => {
    await expect(runSimulatorCommand({ port: 0, scenario: 'plain-answer', fault: ['nope'] })).rejects.toThrow(
      TetherError,
    );
    await expect(runSimulatorCommand({ port: 0, scenario: 'plain-answer', fault: ['nope'] })).rejects.toThrow(
      /invalid --fault "nope"/,
    );
    await expect(runSimulatorCommand({ port: 0, scenario: 'missing-one', fault: [] })).rejects.toThrow(
      /unknown scenario/,
    );
  });
});

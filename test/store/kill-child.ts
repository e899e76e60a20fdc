/**
 * Child process for the SIGKILL test (bundled with esbuild, run by node): writes two complete
 * turns through a SessionWriter, starts a third whose tool call is then "running", prints READY
 * and hangs until killed. argv: <sessions dir> <session id>.
 */
import { userMessage } from '../../src/protocol/items.js';
import { SessionWriter } from '../../src/store/session-writer.js';
import { call, reasoning, scriptSession } from './script.js';

const [dir, id] = process.argv.slice(2) as [string, string];
const w = new SessionWriter({
  sessionId: id,
  cwd: '/work/killed',
  model: 'gpt-test',
  dir,
  gitBranch: () => null,
});
await scriptSession(w, [
  {
    prompt: 'first step',
    calls: [{ name: 'shell', args: { command: 'ls' }, output: 'a' }],
    answer: 'done one',
  },
  { prompt: 'second step', answer: 'done two' },
]);
w.onEvent({ type: 'user_message', turnId: 'turn_2', text: 'third step' });
w.onItems([userMessage('third step')], 'input');
w.onItems(
  [reasoning('rs_2'), call('call_2_0', { name: 'shell', args: { command: 'make deploy' }, output: '' })],
  'output',
);
await w.flush();
w.onLedger({ callId: 'call_2_0', name: 'shell', state: 'running' });
// The tool "runs" forever; anything buffered from here on is what kill -9 may lose.
w.onEvent({ type: 'tool_output', turnId: 'turn_2', callId: 'call_2_0', chunk: 'deploying…' });
process.stdout.write('READY\n');
setInterval(() => {}, 1000);

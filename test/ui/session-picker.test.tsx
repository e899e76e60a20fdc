import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import { describe, expect, it } from 'vitest';
import { SessionPicker } from '../../src/ui/session-picker.js';
import { KEY, tick } from './harness.js';

const NOW = Date.UTC(2026, 10, 25, 12);
const items = [
  { id: 's-new', title: 'fix the flaky test', updatedAt: NOW - 60_000, turns: 3 },
  { id: 's-old', title: 'add a README\nwith details', updatedAt: NOW - 3_600_000, turns: 7 },
];

describe('session picker', () => {
  it('lists sessions newest first and resumes the chosen one', async () => {
    const picked: Array<string | null> = [];
    const r = render(<SessionPicker items={items} now={NOW} onDone={(id) => picked.push(id)} />);
    await tick();
    const s = stripAnsi(r.lastFrame() ?? '');
    expect(s).toContain('› fix the flaky test · 1m00s ago · 3 turns · s-new');
    expect(s).toContain('add a README · 1h00m ago · 7 turns · s-old');
    r.stdin.write(KEY.down);
    await tick();
    r.stdin.write(KEY.enter);
    await tick();
    expect(picked).toEqual(['s-old']);
    r.unmount();
  });

  it('Esc cancels', async () => {
    const picked: Array<string | null> = [];
    const r = render(<SessionPicker items={items} now={NOW} onDone={(id) => picked.push(id)} />);
    await tick();
    r.stdin.write(KEY.esc);
    await tick(30);
    expect(picked).toEqual([null]);
    r.unmount();
  });
});

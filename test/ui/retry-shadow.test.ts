/**
 * A retried attempt whose answer differs from text already on screen (chaos seeds 113/149 under
 * load: a half-open socket after the text was shown, then a retry on a new socket whose response
 * re-delivered an answered call instead of the text). Printed text cannot be taken back, so the
 * screen must say what happened instead of silently showing the text again later.
 */
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/agent/events.js';
import {
  DISCARDED_NOTICE,
  flushTranscript,
  initialTranscript,
  type TranscriptState,
  transcriptReducer,
} from '../../src/ui/state/transcript.js';

function play(events: AgentEvent[]): TranscriptState {
  let s = initialTranscript();
  for (const e of events) s = flushTranscript(transcriptReducer(s, e, 0));
  return flushTranscript(s, 'turn');
}
const shown = (s: TranscriptState) =>
  s.entries.flatMap((e) =>
    e.kind === 'markdown' || e.kind === 'notice' ? [`${e.kind}:${e.text.trim()}`] : [],
  );

describe('retried attempts and text already shown', () => {
  it('a retry that ends the turn without repeating the shown text says it was discarded', () => {
    const s = play([
      { type: 'turn_started', turnId: 't2', index: 2 },
      { type: 'assistant_item_done', turnId: 't2', itemId: 'm1', text: 'A1 first answer.' },
      { type: 'turn_retrying', turnId: 't2', attempt: 2, max: 6, reason: 'no pong within 250 ms' },
      { type: 'turn_finished', turnId: 't2', status: 'completed' },
      { type: 'turn_started', turnId: 't3', index: 3 },
      { type: 'assistant_item_done', turnId: 't3', itemId: 'm2', text: 'A1 first answer.' },
      { type: 'turn_finished', turnId: 't3', status: 'completed' },
    ] as AgentEvent[]);
    expect(shown(s)).toEqual([
      'markdown:A1 first answer.',
      `notice:${DISCARDED_NOTICE}`,
      'markdown:A1 first answer.',
    ]);
  });

  it('a retry replaying two items shows each once: the end of the first item does not drop the rest', () => {
    const s = play([
      { type: 'turn_started', turnId: 't1', index: 1 },
      { type: 'assistant_item_done', turnId: 't1', itemId: 'a', text: 'Para one.\n\n' },
      { type: 'assistant_delta', turnId: 't1', itemId: 'b', text: 'Para two.\n\nmore' },
      { type: 'turn_retrying', turnId: 't1', attempt: 2, max: 6, reason: 'dropped' },
      { type: 'assistant_item_done', turnId: 't1', itemId: 'a2', text: 'Para one.\n\n' },
      { type: 'assistant_item_done', turnId: 't1', itemId: 'b2', text: 'Para two.\n\nmore text.' },
      { type: 'turn_finished', turnId: 't1', status: 'completed' },
    ] as AgentEvent[]);
    const texts = shown(s).join('\n');
    expect(texts.match(/Para one/g)).toHaveLength(1);
    expect(texts.match(/Para two/g)).toHaveLength(1);
    expect(texts).toContain('more text.');
    expect(texts).not.toContain('notice:');
  });

  it('a retry that repeats all of it adds no notice', () => {
    const s = play([
      { type: 'turn_started', turnId: 't1', index: 1 },
      { type: 'assistant_item_done', turnId: 't1', itemId: 'a', text: 'Same.' },
      { type: 'turn_retrying', turnId: 't1', attempt: 2, max: 6, reason: 'dropped' },
      { type: 'assistant_item_done', turnId: 't1', itemId: 'a2', text: 'Same.' },
      { type: 'turn_finished', turnId: 't1', status: 'completed' },
    ] as AgentEvent[]);
    expect(shown(s)).toEqual(['markdown:Same.']);
  });
});

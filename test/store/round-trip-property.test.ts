import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/agent/events.js';
import type { Item } from '../../src/protocol/items.js';
import { loadSessionFile } from '../../src/store/session-loader.js';
import { SessionWriter } from '../../src/store/session-writer.js';
import { FakeClock } from '../../src/util/clock.js';
import { redact } from '../../src/util/redact.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tether-prop-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Any unicode (lone surrogates, U+2028, NUL, emoji…) that redaction leaves alone.
const text = fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => redact(s) === s);
const item: fc.Arbitrary<Item> = fc.oneof(
  text.map((t) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text: t }] }) as Item),
  fc
    .tuple(text, text)
    .map(
      ([t, id]) =>
        ({ type: 'message', id, role: 'assistant', content: [{ type: 'output_text', text: t }] }) as Item,
    ),
  fc
    .tuple(text, text)
    .map(([a, c]) => ({ type: 'function_call', call_id: `c_${c}`, name: 'shell', arguments: a }) as Item),
  // encrypted_content is opaque and never redacted: any string must survive byte-for-byte.
  fc.string({ maxLength: 80 }).map(
    (e) =>
      ({
        type: 'reasoning',
        id: 'rs',
        summary: [],
        encrypted_content: `sk-${e}xxxxxxxxxxxxxxxxxxxxxxxx`,
      }) as Item,
  ),
  fc.string({ maxLength: 40 }).map((e) => ({ type: 'compaction', id: 'cmp', encrypted_content: e }) as Item),
);
const entry: fc.Arbitrary<LedgerEntry> = fc.record(
  {
    callId: text,
    name: text,
    state: fc.constantFrom('running', 'done', 'aborted', 'denied', 'failed'),
    output: text,
  },
  { requiredKeys: ['callId', 'name', 'state'] },
);
const op = fc.oneof(
  fc.tuple(
    fc.constant('items' as const),
    fc.array(item, { maxLength: 4 }),
    fc.constantFrom('input' as const, 'output' as const),
  ),
  fc.tuple(fc.constant('ledger' as const), entry),
  fc.constant(['flush' as const] as const),
);

describe('writer → loader round-trip (property)', () => {
  it('every item and the latest ledger state per call come back identical', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const w = new SessionWriter({
          sessionId: `prop-${n++}`,
          cwd: '/p',
          model: 'm',
          dir,
          clock: new FakeClock(),
          gitBranch: () => null,
        });
        const items: Item[] = [];
        const ledger = new Map<string, LedgerEntry>();
        for (const o of ops) {
          if (o[0] === 'items') {
            w.onItems(o[1], o[2]);
            items.push(...o[1]);
          } else if (o[0] === 'ledger') {
            w.onLedger(o[1]);
            ledger.set(o[1].callId, o[1]);
          } else await w.flush();
        }
        await w.close();
        if (items.length === 0 && ledger.size === 0) return;
        const loaded = loadSessionFile(w.path);
        expect(loaded.allItems).toEqual(items);
        expect(loaded.ledger).toEqual([...ledger.values()]);
        expect(loaded.stats).toMatchObject({ skipped: 0, unknown: 0, tornTail: false });
      }),
      { numRuns: 150 },
    );
  });
});

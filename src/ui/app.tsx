/**
 * The root: committed entries go to `<Static>` (printed once into real scrollback), below it the
 * small live region (streaming tail, running tools, approval prompt or composer, status bar).
 * One `useInput` routes every key through the controller; no other component handles input.
 */
import { Box, Static, useStdin } from 'ink';
import { useEffect, useMemo, useRef } from 'react';
import { ApprovalPrompt } from './components/approval-prompt.js';
import { Composer } from './components/composer.js';
import { EntryView, MarkdownBatchView } from './components/entry-view.js';
import { LiveTools, PendingTurn, WorkingLine } from './components/pending-turn.js';
import { StatusBar } from './components/status-bar.js';
import type { UiController } from './controller.js';
import { UiContext, useUi } from './hooks/use-ui.js';
import { INITIAL_KEY_PARSER, parseKeys } from './input/parse-keys.js';
import type { Entry } from './state/entries.js';
import type { UiStore } from './store.js';

/** Props of {@link App}. */
export interface AppProps {
  store: UiStore;
  controller: UiController;
}

/** A `<Static>` item: one entry, or consecutive markdown blocks committed in the same update. */
type Batch = { key: number; entry: Entry } | { key: number; markdown: string[] };

/**
 * Appends the entries after the first `done` to `batches`, runs of markdown blocks merged. Only
 * entries that arrive together are merged: `<Static>` prints each item once, so an item already
 * printed never grows.
 */
function appendBatches(batches: Batch[], entries: readonly Entry[], done: number): Batch[] {
  const out = batches.slice();
  let run: string[] | null = null;
  for (let i = done; i < entries.length; i++) {
    const e = entries[i] as Entry;
    if (e.kind !== 'markdown') {
      run = null;
      out.push({ key: e.id, entry: e });
    } else if (run) run.push(e.text);
    else {
      run = [e.text];
      out.push({ key: e.id, markdown: run });
    }
  }
  return out;
}

function Transcript() {
  const entries = useUi((s) => s.transcript.entries);
  const columns = useUi((s) => s.view.columns);
  const epoch = useUi((s) => s.view.epoch);
  // Entries are appended (the last one may be replaced in place, which <Static> would not print
  // again either): batch only the entries after those already batched.
  const seen = useRef<{ done: number; batches: Batch[] }>({ done: 0, batches: [] });
  const batches = useMemo(() => {
    const prev = seen.current;
    const done = Math.min(prev.done, entries.length);
    const next = done === entries.length ? prev.batches : appendBatches(prev.batches, entries, done);
    seen.current = { done: entries.length, batches: next };
    return next;
  }, [entries]);
  return (
    // Ink lays <Static> out absolutely (shrink-to-fit); pin it to the terminal width so entries
    // wrap and truncate exactly like the live region.
    // A new epoch (the screen was cleared after a resize) remounts <Static>, which prints every
    // item again at the new width.
    <Static key={epoch} items={batches} style={{ width: columns }}>
      {(b) =>
        'entry' in b ? (
          <EntryView key={b.key} entry={b.entry} columns={columns} />
        ) : (
          <MarkdownBatchView key={b.key} texts={b.markdown} columns={columns} />
        )
      }
    </Static>
  );
}

function InputArea() {
  const hasApproval = useUi((s) => s.approvals.queue.length > 0);
  return hasApproval ? <ApprovalPrompt /> : <Composer />;
}

/**
 * The one input listener. Not Ink's `useInput`: it hands a read holding several keys (a held
 * Backspace, a fast typist, a paste) to its handler as one string, so keys were lost or inserted
 * as invisible characters. Ink's stdin reader already splits escape sequences off; every piece
 * it emits is parsed into its keys here, and all of them are applied in order.
 */
function InputRouter({ controller }: { controller: UiController }) {
  const { internal_eventEmitter: input, setRawMode, isRawModeSupported } = useStdin();
  useEffect(() => {
    if (!isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isRawModeSupported, setRawMode]);
  useEffect(() => {
    let state = INITIAL_KEY_PARSER;
    const onInput = (chunk: string) => {
      const r = parseKeys(state, chunk);
      state = r.state;
      if (r.keys.length > 0) controller.handleKeys(r.keys);
    };
    input.on('input', onInput);
    return () => {
      input.off('input', onInput);
    };
  }, [input, controller]);
  return null;
}

/** The interactive screen. */
export function App({ store, controller }: AppProps) {
  return (
    <UiContext.Provider value={{ store, controller }}>
      <InputRouter controller={controller} />
      <Transcript />
      <Box flexDirection="column">
        <PendingTurn />
        <LiveTools />
        <WorkingLine />
        <InputArea />
        <StatusBar />
      </Box>
    </UiContext.Provider>
  );
}

/**
 * The root: committed entries go to `<Static>` (printed once into real scrollback), below it the
 * small live region (streaming tail, running tools, approval prompt or composer, status bar).
 * One `useInput` routes every key through the controller; no other component handles input.
 */
import { Box, Static, useInput } from 'ink';
import { useCallback } from 'react';
import { ApprovalPrompt } from './components/approval-prompt.js';
import { Composer } from './components/composer.js';
import { EntryView } from './components/entry-view.js';
import { LiveTools, PendingTurn, WorkingLine } from './components/pending-turn.js';
import { StatusBar } from './components/status-bar.js';
import type { UiController } from './controller.js';
import { UiContext, useUi } from './hooks/use-ui.js';
import { type InkKeyFlags, normalizeInkKey } from './keymap.js';
import type { Entry } from './state/entries.js';
import type { UiStore } from './store.js';

/** Props of {@link App}. */
export interface AppProps {
  store: UiStore;
  controller: UiController;
}

function Transcript() {
  const entries = useUi((s) => s.transcript.entries);
  const columns = useUi((s) => s.view.columns);
  return (
    // Ink lays <Static> out absolutely (shrink-to-fit); pin it to the terminal width so entries
    // wrap and truncate exactly like the live region.
    <Static items={entries as Entry[]} style={{ width: columns }}>
      {(e) => <EntryView key={e.id} entry={e} columns={columns} />}
    </Static>
  );
}

function InputArea() {
  const hasApproval = useUi((s) => s.approvals.queue.length > 0);
  return hasApproval ? <ApprovalPrompt /> : <Composer />;
}

function InputRouter({ controller }: { controller: UiController }) {
  const onInput = useCallback(
    (input: string, key: InkKeyFlags) => controller.handleKey(normalizeInkKey(input, key)),
    [controller],
  );
  useInput(onInput);
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

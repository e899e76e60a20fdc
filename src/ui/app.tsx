/**
 * The root: committed entries are printed once into real scrollback (`Transcript`, which also
 * draws the streamed answer's live tail below them), then the small live region (reasoning line,
 * running tools, approval prompt or composer, status bar).
 * One `useInput` routes every key through the controller; no other component handles input.
 */
import { Box, type DOMElement, useStdin } from 'ink';
import { type RefObject, useEffect } from 'react';
import { ApprovalPrompt } from './components/approval-prompt.js';
import { Composer } from './components/composer.js';
import { LiveTools, PendingTurn, WorkingLine } from './components/pending-turn.js';
import { StatusBar } from './components/status-bar.js';
import { Transcript } from './components/transcript.js';
import type { UiController } from './controller.js';
import { UiContext, useUi } from './hooks/use-ui.js';
import { INITIAL_KEY_PARSER, parseKeys } from './input/parse-keys.js';
import { PickerList } from './session-picker.js';
import type { UiStore } from './store.js';

/** Props of {@link App}. */
export interface AppProps {
  store: UiStore;
  controller: UiController;
  /** Where committed transcript text goes (default: Ink's stdout writer); tests capture it. */
  print?: (text: string) => void;
  /** The live region's box, measured before a resize repaint (run-screen.tsx). */
  liveRef?: RefObject<DOMElement | null>;
}

function InputArea() {
  const hasApproval = useUi((s) => s.approvals.queue.length > 0);
  const picker = useUi((s) => s.view.picker);
  if (picker) return <PickerList items={picker.items} index={picker.index} now={Date.now()} />;
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
export function App({ store, controller, print, liveRef }: AppProps) {
  return (
    <UiContext.Provider value={{ store, controller }}>
      <InputRouter controller={controller} />
      <Transcript {...(print ? { print } : {})} />
      <Box flexDirection="column" ref={liveRef}>
        <PendingTurn />
        <LiveTools />
        <WorkingLine />
        <InputArea />
        <StatusBar />
      </Box>
    </UiContext.Provider>
  );
}

/** React access to the UI store and controller: one selector per component. */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { UiController } from '../controller.js';
import type { UiState, UiStore } from '../store.js';

/** What the root provides. */
export interface UiContextValue {
  store: UiStore;
  controller: UiController;
}

/** The store/controller context (provided by `<App>`). */
export const UiContext = createContext<UiContextValue | null>(null);

function useCtx(): UiContextValue {
  const v = useContext(UiContext);
  if (!v) throw new Error('UiContext missing: render inside <App>');
  return v;
}

/**
 * Reads a slice of the UI state. The selector must return a value that is referentially stable
 * while the slice is unchanged (a sub-object of the state, or a primitive), so a delta only
 * re-renders the components whose slice changed.
 */
export function useUi<T>(selector: (s: UiState) => T): T {
  const { store } = useCtx();
  return useSyncExternalStore(store.subscribe, () => selector(store.getSnapshot()));
}

/** The store itself (for a component that subscribes outside React's render, the transcript printer). */
export function useStore(): UiStore {
  return useCtx().store;
}

/** The UI controller (for components that derive display from it, e.g. completion). */
export function useController(): UiController {
  return useCtx().controller;
}

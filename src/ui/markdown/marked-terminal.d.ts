// marked-terminal 7 ships no type declarations; this is the part of its API tether uses.
declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked';
  /** Options of marked-terminal's renderer (only those tether sets). */
  export interface MarkedTerminalOptions {
    width?: number;
    reflowText?: boolean;
    showSectionPrefix?: boolean;
    tab?: number;
    emoji?: boolean;
    unescape?: boolean;
  }
  export function markedTerminal(
    options?: MarkedTerminalOptions,
    highlightOptions?: Record<string, unknown>,
  ): MarkedExtension;
}

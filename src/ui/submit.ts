/**
 * What Enter does with the composer's text: a slash command, a `!command` run in the user's
 * shell, or a prompt for the agent (with the images it refers to). Outside React; used by
 * {@link UiController}.
 */
import type { AgentController, UserImage } from '../agent/events.js';
import { formatBytes } from '../util/image.js';
import { redact } from '../util/redact.js';
import type { UiServices } from './services/types.js';
import { parseSlash } from './slash.js';
import { runSlash } from './slash-actions.js';
import type { UiStore } from './store.js';

/** What a submission may touch. */
export interface SubmitContext {
  store: UiStore;
  agent: AgentController;
  services: UiServices;
  exit: (code: number) => void;
}

/** Submits composer text and runs `!commands`; owns the images waiting for the next prompt. */
export class Submitter {
  private shellAbort: AbortController | null = null;
  /** Images (`-i/--image`) that go with the next prompt submitted. */
  private pendingImages: UserImage[] = [];

  constructor(private readonly c: SubmitContext) {}

  /** A `!command` is running. */
  get shellRunning(): boolean {
    return this.shellAbort !== null;
  }

  /** Stops the running `!command` (true when there was one). */
  abortShell(): boolean {
    if (!this.shellAbort) return false;
    this.shellAbort.abort();
    return true;
  }

  /** Attaches `images` to the next prompt (the `-i/--image` files of an interactive start). */
  attachToNextPrompt(images: readonly UserImage[]): void {
    this.pendingImages.push(...images);
  }

  /**
   * A run that failed or was cancelled leaves the messages queued behind it unsent: they go back
   * into the composer (before what is being typed), their images to the next prompt, with one
   * notice. Nothing is lost and nothing is sent without a new Enter.
   */
  restoreQueued(status: 'failed' | 'cancelled'): void {
    const { store, agent } = this.c;
    const back = agent.withdrawQueued?.() ?? [];
    if (store.getSnapshot().view.queued.length > 0) store.view({ queued: [] });
    if (back.length === 0) return;
    for (const b of back) if (b.images) this.attachToNextPrompt(b.images);
    const typed = store.getSnapshot().composer.text;
    const text = [...back.map((b) => b.text), ...(typed ? [typed] : [])].join('\n');
    store.composer({ type: 'set', text, cursor: text.length });
    const what = back.length === 1 ? 'The queued message was' : `${back.length} queued messages were`;
    const why = status === 'cancelled' ? 'the turn was interrupted' : 'the turn failed';
    const where = back.length === 1 ? 'it is' : 'they are';
    store.add({
      kind: 'notice',
      level: 'warn',
      text: `${what} not sent (${why}); ${where} back in the input: Enter sends.`,
    });
  }

  /** Submits composer text: a slash command, a `!command`, or a prompt for the agent. */
  submit(raw: string): void {
    const { store, services, agent } = this.c;
    let text = raw.replace(/\s+$/, '');
    if (text.trim() === '') return;
    // Images the prompt refers to (`@shot.png`, a pasted path) are loaded first: one that cannot
    // be attached leaves the text in the composer, with one notice per image.
    const att = text.startsWith('/') || text.startsWith('!') ? undefined : services.attachImages?.(text);
    if (att && att.errors.length > 0) {
      for (const e of att.errors)
        store.add({ kind: 'notice', level: 'warn', text: `Image not attached: ${e}` });
      return;
    }
    store.composer({ type: 'submitted', text });
    if (store.getSnapshot().view.hint.startsWith('Pasted ')) store.view({ hint: '' });
    // History is a file: known secrets (the API key) never reach it.
    services.appendHistory(redact(text));
    const slash = text.startsWith('/') ? parseSlash(text) : null;
    if (slash) {
      runSlash(slash, { store, agent, services, exit: this.c.exit });
      return;
    }
    if (text.startsWith('!') && text.length > 1) {
      this.runShell(text.slice(1).trim());
      return;
    }
    const images = [...this.pendingImages, ...(att?.images ?? [])];
    this.pendingImages = [];
    if (att) text = att.text;
    for (const img of images)
      store.add({
        kind: 'notice',
        level: 'info',
        text: `Attached ${img.path} (${img.mime}, ${formatBytes(img.bytes)})`,
      });
    agent.submit(images.length > 0 ? { text, images } : { text });
    if (store.getSnapshot().view.running) store.view({ queued: agent.getSnapshot().queued });
  }

  private runShell(command: string): void {
    const { store, services } = this.c;
    if (this.shellAbort) {
      store.add({
        kind: 'notice',
        level: 'warn',
        text: 'A shell command is already running (Esc stops it).',
      });
      return;
    }
    const abort = new AbortController();
    this.shellAbort = abort;
    store.view({ shell: command });
    void services.runShell(command, abort.signal).then((r) => {
      this.shellAbort = null;
      store.view({ shell: null });
      store.add({ kind: 'shell', command, output: r.output, exitCode: r.exitCode });
    });
  }
}

/**
 * The UI controller: the one input router (STYLE.md §2.4) and the UI's commands. A key press is
 * normalised, resolved to a {@link Command} through the keymap for the focused context
 * (approval prompt > composer), and executed here, outside React. Submissions go to the
 * injected AgentController; side effects go through {@link UiServices}. The approval prompt's
 * commands are in approval-commands.ts, the session picker's in resume.ts.
 */
import type { AgentController, AgentEvent, UserImage } from '../agent/events.js';
import type { Clock } from '../util/clock.js';
import { runApprovalCommand } from './approval-commands.js';
import { applyCompletion, type Completion, completionFor } from './completion.js';
import { Command, DEFAULT_KEYMAP, type KeyContext, type KeyPress, resolveCommand } from './keymap.js';
import { runPickerCommand } from './resume.js';
import type { UiServices } from './services/types.js';
import type { ComposerAction } from './state/composer.js';
import { ctrlC } from './state/interrupt.js';
import type { UiStore } from './store.js';
import { Submitter } from './submit.js';

/** Commands that are one editing action on the focused editor (composer or approval edit). */
const EDITS: Partial<Record<Command, ComposerAction>> = {
  [Command.NEWLINE]: { type: 'insert', text: '\n' },
  [Command.CURSOR_LEFT]: { type: 'left' },
  [Command.CURSOR_RIGHT]: { type: 'right' },
  [Command.HOME]: { type: 'home' },
  [Command.END]: { type: 'end' },
  [Command.WORD_LEFT]: { type: 'wordLeft' },
  [Command.WORD_RIGHT]: { type: 'wordRight' },
  [Command.BACKSPACE]: { type: 'backspace' },
  [Command.DELETE_WORD_BACK]: { type: 'deleteWordBack' },
  [Command.KILL_LINE_BACK]: { type: 'killLineBack' },
  [Command.KILL_LINE_FORWARD]: { type: 'killLineForward' },
};

/** Options of {@link UiController}. */
export interface UiControllerOptions {
  store: UiStore;
  agent: AgentController;
  services: UiServices;
  clock: Clock;
  /** Called once when the user asks to exit (Ctrl+C twice, Ctrl+D on empty input, /quit). */
  onExit: (code: number) => void;
  /** Keys reaching a new approval prompt before it was shown this long are ignored (ms). Default 250. */
  approvalArmMs?: number;
  /** Window for the second Ctrl+C (ms). Default 2000. */
  exitWindowMs?: number;
  keymap?: typeof DEFAULT_KEYMAP;
}

/** Routes keys and runs UI commands. */
export class UiController {
  private readonly o: Required<Omit<UiControllerOptions, 'keymap'>> & { keymap: typeof DEFAULT_KEYMAP };
  private readonly submitter: Submitter;
  private exited = false;
  private unsubscribe: (() => void) | null = null;
  private unwatchProcesses: (() => void) | null = null;

  constructor(opts: UiControllerOptions) {
    this.o = { approvalArmMs: 250, exitWindowMs: 2000, keymap: DEFAULT_KEYMAP, ...opts };
    this.submitter = new Submitter({
      store: opts.store,
      agent: opts.agent,
      services: opts.services,
      exit: (code) => this.exit(code),
    });
  }

  /** Subscribes the store to the agent's events and loads history and file names. */
  start(): void {
    const { agent, store, services } = this.o;
    this.unsubscribe = agent.subscribe((e: AgentEvent) => {
      store.dispatch(e, agent.getSnapshot());
      if (e.type === 'run_finished' && e.status !== 'success') this.submitter.restoreQueued(e.status);
      // The agent is blocked on the user: ring once per request.
      if (e.type === 'approval_requested') services.bell();
    });
    // The status bar counts the background processes the model started.
    this.unwatchProcesses = services.watchProcesses(() =>
      store.status({ processes: services.processes().length }),
    );
    void services.loadHistory().then((entries) => store.composer({ type: 'historyLoaded', entries }));
    void services.listFiles().then(
      (files) => store.view({ files }),
      () => {},
    );
  }

  /** Stops listening and kills `!cmd` children. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unwatchProcesses?.();
    this.unwatchProcesses = null;
    this.submitter.abortShell();
    this.o.services.dispose();
  }

  /** The focused context. */
  context(): KeyContext {
    if (this.o.store.getSnapshot().view.picker) return 'picker';
    const a = this.o.store.getSnapshot().approvals;
    if (a.queue.length > 0) return a.edit ? 'approvalEdit' : 'approval';
    return 'composer';
  }

  /** The completion menu for the composer's current state. */
  completion(): Completion | null {
    const s = this.o.store.getSnapshot();
    return completionFor(s.composer.text, s.composer.cursor, s.view.files);
  }

  /**
   * Handles the keys of one terminal read, in order, each against the state the previous one
   * left (subscribers are notified once, after the last).
   */
  handleKeys(keys: readonly KeyPress[]): void {
    this.o.store.batch(() => {
      for (const k of keys) this.handleKey(k);
    });
  }

  /** Handles one key press: the single entry point for input. */
  handleKey(key: KeyPress): void {
    const ctx = this.context();
    const cmd = resolveCommand(ctx, key, this.o.keymap);
    const s = this.o.store.getSnapshot();
    if (cmd !== Command.CLEAR_OR_EXIT && s.view.exitArmedAt !== null)
      this.o.store.view({ exitArmedAt: null });
    if (ctx === 'approval' || ctx === 'approvalEdit') {
      const head = s.approvals.queue[0];
      // Focus safety: nothing typed before the prompt was on screen for armMs reaches it
      // (Ctrl+C and Esc always work: they stop the turn, they never approve).
      if (
        head &&
        cmd !== Command.CLEAR_OR_EXIT &&
        cmd !== Command.INTERRUPT &&
        this.o.clock.now() - head.shownAt < this.o.approvalArmMs
      )
        return;
    }
    if (cmd === null) {
      // Printable text goes to the focused editor; in the approval prompt it does nothing.
      if (key.text && (ctx === 'composer' || ctx === 'approvalEdit'))
        this.compose({ type: 'insert', text: key.text });
      return;
    }
    this.run(cmd, key);
  }

  /** Applies an editing action to the focused editor: the approval's edit field or the composer. */
  private compose(a: ComposerAction): void {
    if (this.context() === 'approvalEdit') this.o.store.approvals({ type: 'editCompose', action: a });
    else this.o.store.composer(a);
  }

  private paste(text: string): void {
    if (text === '') return;
    this.compose({ type: 'insert', text });
    if (this.context() !== 'composer') return;
    const lines = text.split('\n').length;
    if (lines > 1 || text.length > 1000) {
      const size = text.length >= 10_240 ? `${Math.round(text.length / 1024)} KB` : `${text.length} chars`;
      this.o.store.view({ hint: `Pasted ${lines.toLocaleString('en-US')} lines (${size})` });
    }
  }

  /** Executes a command (exported for tests and for the approval prompt's mouse-free buttons). */
  run(cmd: Command, key?: KeyPress): void {
    const { store } = this.o;
    const s = store.getSnapshot();
    const comp = this.completion();
    const edit = EDITS[cmd];
    if (edit) {
      this.compose(edit);
      return;
    }
    switch (cmd) {
      case Command.SUBMIT: {
        const before = s.composer.text.slice(0, s.composer.cursor);
        if (before.endsWith('\\')) {
          // `\`+Enter: a newline that works in every terminal.
          store.composer({ type: 'backspace' });
          store.composer({ type: 'insert', text: '\n' });
          return;
        }
        if (comp && this.acceptCompletionOnEnter(comp)) return;
        this.submit(s.composer.text);
        return;
      }
      case Command.PASTE:
        this.paste(key?.text ?? '');
        return;
      case Command.COMPLETE:
        if (comp) {
          const r = applyCompletion(s.composer.text, comp, s.view.completionIndex);
          store.composer({ type: 'set', text: r.text, cursor: r.cursor });
        }
        return;
      case Command.CURSOR_UP:
        if (this.context() === 'composer' && comp && comp.items.length > 1) {
          store.view({
            completionIndex: (s.view.completionIndex - 1 + comp.items.length) % comp.items.length,
          });
          return;
        }
        this.compose({ type: 'up' });
        return;
      case Command.CURSOR_DOWN:
        if (this.context() === 'composer' && comp && comp.items.length > 1) {
          store.view({ completionIndex: (s.view.completionIndex + 1) % comp.items.length });
          return;
        }
        this.compose({ type: 'down' });
        return;
      case Command.DELETE_FORWARD_OR_EXIT:
        if (this.context() === 'composer' && s.composer.text === '') {
          this.exit(0);
          return;
        }
        this.compose({ type: 'deleteForward' });
        return;
      case Command.INTERRUPT:
        this.interrupt();
        return;
      case Command.CLEAR_OR_EXIT:
        this.clearOrExit();
        return;
      case Command.APPROVE:
      case Command.DENY:
      case Command.ALWAYS:
      case Command.EDIT_COMMAND:
      case Command.EDIT_CONFIRM:
      case Command.EDIT_CANCEL:
      case Command.DIFF_TOGGLE:
      case Command.DIFF_SCROLL_UP:
      case Command.DIFF_SCROLL_DOWN:
      case Command.DIFF_PAGE_UP:
      case Command.DIFF_PAGE_DOWN:
        runApprovalCommand(cmd, this.o);
        return;
      case Command.NEWLINE:
      case Command.CURSOR_LEFT:
      case Command.CURSOR_RIGHT:
      case Command.HOME:
      case Command.END:
      case Command.WORD_LEFT:
      case Command.WORD_RIGHT:
      case Command.BACKSPACE:
      case Command.DELETE_WORD_BACK:
      case Command.KILL_LINE_BACK:
      case Command.KILL_LINE_FORWARD:
        return; // one editing action each (EDITS, above)
      case Command.PICK_UP:
      case Command.PICK_DOWN:
      case Command.PICK_CONFIRM:
      case Command.PICK_CANCEL:
        runPickerCommand(cmd, this.o);
        return;
      default: {
        const unreachable: never = cmd;
        throw new Error(`unhandled command ${String(unreachable)}`);
      }
    }
  }

  /** Enter on an open menu: completes (and runs an argument-less slash command). */
  private acceptCompletionOnEnter(comp: Completion): boolean {
    const s = this.o.store.getSnapshot();
    if (comp.kind === 'file') {
      const r = applyCompletion(s.composer.text, comp, s.view.completionIndex);
      this.o.store.composer({ type: 'set', text: r.text, cursor: r.cursor });
      return true;
    }
    const cmd = comp.items[s.view.completionIndex] ?? comp.items[0];
    if (!cmd || s.composer.text === `/${cmd.name}`) return false;
    if (cmd.args) {
      const r = applyCompletion(s.composer.text, comp, s.view.completionIndex);
      this.o.store.composer({ type: 'set', text: r.text, cursor: r.cursor });
      return true;
    }
    this.submit(`/${cmd.name}`);
    return true;
  }

  /** Attaches `images` to the next prompt (the `-i/--image` files of an interactive start). */
  attachToNextPrompt(images: readonly UserImage[]): void {
    this.submitter.attachToNextPrompt(images);
  }

  /** Submits composer text: a slash command, a `!command`, or a prompt for the agent. */
  submit(raw: string): void {
    this.submitter.submit(raw);
  }

  /** A turn, tool, approval or `!command` is in progress (what Esc and Ctrl+C stop). */
  private busy(): boolean {
    const s = this.o.store.getSnapshot();
    return (
      this.submitter.shellRunning ||
      s.view.running ||
      s.transcript.stream !== null ||
      s.transcript.tools.length > 0 ||
      s.approvals.queue.length > 0
    );
  }

  private interrupt(): void {
    const { store, agent } = this.o;
    if (this.submitter.abortShell()) return;
    if (!this.busy()) return;
    // Cancelling the turn also settles its open approvals (denied as cancelled) and kills the
    // process tree of a running command; the prompt goes at once.
    agent.cancel();
    store.approvals({ type: 'cancelAll' });
    store.view({ hint: 'Interrupting…' });
  }

  private clearOrExit(): void {
    const { store, clock } = this.o;
    const s = store.getSnapshot();
    const now = clock.now();
    const windowMs = this.o.exitWindowMs;
    switch (ctrlC({ now, armedAt: s.view.exitArmedAt, windowMs, busy: this.busy() })) {
      case 'exit':
        this.exit(0);
        return;
      case 'interrupt':
        this.interrupt();
        break;
      case 'clear':
        if (s.approvals.edit) store.approvals({ type: 'editCancel' });
        store.composer({ type: 'clear' });
        if (s.view.hint.startsWith('Pasted ')) store.view({ hint: '' });
        break;
    }
    store.view({ exitArmedAt: now });
    // The hint goes when the window closes.
    clock.setTimeout(() => {
      if (store.getSnapshot().view.exitArmedAt === now) store.view({ exitArmedAt: null });
    }, windowMs + 1);
  }

  /** Exits once. */
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.o.onExit(code);
  }
}

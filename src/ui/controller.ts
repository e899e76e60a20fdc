/**
 * The UI controller: the one input router (STYLE.md §2.4) and the UI's commands. A key press is
 * normalised, resolved to a {@link Command} through the keymap for the focused context
 * (approval prompt > composer), and executed here, outside React. Submissions go to the
 * injected AgentController; side effects go through {@link UiServices}.
 */
import type { AgentController, AgentEvent } from '../agent/events.js';
import type { Clock } from '../util/clock.js';
import { redact } from '../util/redact.js';
import { applyCompletion, type Completion, completionFor } from './completion.js';
import { Command, DEFAULT_KEYMAP, type KeyContext, type KeyPress, resolveCommand } from './keymap.js';
import type { UiServices } from './services/types.js';
import { parseSlash } from './slash.js';
import { runSlash } from './slash-actions.js';
import type { UiStore } from './store.js';

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
  private shellAbort: AbortController | null = null;
  private exited = false;
  private unsubscribe: (() => void) | null = null;

  constructor(opts: UiControllerOptions) {
    this.o = { approvalArmMs: 250, exitWindowMs: 2000, keymap: DEFAULT_KEYMAP, ...opts };
  }

  /** Subscribes the store to the agent's events and loads history and file names. */
  start(): void {
    const { agent, store, services } = this.o;
    this.unsubscribe = agent.subscribe((e: AgentEvent) => {
      store.dispatch(e, agent.getSnapshot());
      // The agent is blocked on the user: ring once per request.
      if (e.type === 'approval_requested') services.bell();
    });
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
    this.shellAbort?.abort();
    this.o.services.dispose();
  }

  /** The focused context. */
  context(): KeyContext {
    const a = this.o.store.getSnapshot().approvals;
    if (a.queue.length > 0) return a.edit ? 'approvalEdit' : 'approval';
    return 'composer';
  }

  /** The completion menu for the composer's current state. */
  completion(): Completion | null {
    const s = this.o.store.getSnapshot();
    return completionFor(s.composer.text, s.composer.cursor, s.view.files);
  }

  /** Handles one key press: the single entry point for input. */
  handleKey(key: KeyPress): void {
    const ctx = this.context();
    const cmd = resolveCommand(ctx, key, this.o.keymap);
    const s = this.o.store.getSnapshot();
    if (cmd !== Command.CLEAR_OR_EXIT && s.view.exitArmedAt !== null)
      this.o.store.view({ exitArmedAt: null, hint: '' });
    if (ctx === 'approval' || ctx === 'approvalEdit') {
      const head = s.approvals.queue[0];
      // Focus safety: nothing typed before the prompt was on screen for armMs reaches it.
      if (head && cmd !== Command.CLEAR_OR_EXIT && this.o.clock.now() - head.shownAt < this.o.approvalArmMs)
        return;
      if (ctx === 'approvalEdit' && cmd === null && key.text) {
        const ed = s.approvals.edit;
        if (ed)
          this.o.store.approvals({
            type: 'editSet',
            text: ed.text.slice(0, ed.cursor) + key.text.replace(/[\r\n]+/g, ' ') + ed.text.slice(ed.cursor),
            cursor: ed.cursor + key.text.length,
          });
        return;
      }
    }
    if (cmd === null) {
      if (ctx === 'composer' && key.text) this.insertText(key.text);
      return;
    }
    this.run(cmd);
  }

  private insertText(text: string): void {
    // A chunk ending in CR is text typed (or sent) together with Enter.
    if (text.length > 1 && text.endsWith('\r') && !text.slice(0, -1).includes('\r')) {
      this.o.store.composer({ type: 'insert', text: text.slice(0, -1) });
      this.run(Command.SUBMIT);
      return;
    }
    this.o.store.composer({ type: 'insert', text });
  }

  /** Executes a command (exported for tests and for the approval prompt's mouse-free buttons). */
  run(cmd: Command): void {
    const { store } = this.o;
    const s = store.getSnapshot();
    const comp = this.completion();
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
      case Command.NEWLINE:
        store.composer({ type: 'insert', text: '\n' });
        return;
      case Command.COMPLETE:
        if (comp) {
          const r = applyCompletion(s.composer.text, comp, s.view.completionIndex);
          store.composer({ type: 'set', text: r.text, cursor: r.cursor });
        }
        return;
      case Command.CURSOR_UP:
        if (comp && comp.items.length > 1) {
          store.view({
            completionIndex: (s.view.completionIndex - 1 + comp.items.length) % comp.items.length,
          });
          return;
        }
        store.composer({ type: 'up' });
        return;
      case Command.CURSOR_DOWN:
        if (comp && comp.items.length > 1) {
          store.view({ completionIndex: (s.view.completionIndex + 1) % comp.items.length });
          return;
        }
        store.composer({ type: 'down' });
        return;
      case Command.CURSOR_LEFT:
        if (this.context() === 'approvalEdit') {
          this.editMove(-1);
          return;
        }
        store.composer({ type: 'left' });
        return;
      case Command.CURSOR_RIGHT:
        if (this.context() === 'approvalEdit') {
          this.editMove(1);
          return;
        }
        store.composer({ type: 'right' });
        return;
      case Command.HOME:
        if (this.context() === 'approvalEdit') {
          this.editMove(-Infinity);
          return;
        }
        store.composer({ type: 'home' });
        return;
      case Command.END:
        if (this.context() === 'approvalEdit') {
          this.editMove(Infinity);
          return;
        }
        store.composer({ type: 'end' });
        return;
      case Command.WORD_LEFT:
        store.composer({ type: 'wordLeft' });
        return;
      case Command.WORD_RIGHT:
        store.composer({ type: 'wordRight' });
        return;
      case Command.BACKSPACE: {
        const ed = s.approvals.edit;
        if (this.context() === 'approvalEdit' && ed) {
          if (ed.cursor > 0)
            store.approvals({
              type: 'editSet',
              text: ed.text.slice(0, ed.cursor - 1) + ed.text.slice(ed.cursor),
              cursor: ed.cursor - 1,
            });
          return;
        }
        store.composer({ type: 'backspace' });
        return;
      }
      case Command.DELETE_FORWARD_OR_EXIT:
        if (s.composer.text === '') {
          this.exit(0);
          return;
        }
        store.composer({ type: 'deleteForward' });
        return;
      case Command.DELETE_WORD_BACK:
        store.composer({ type: 'deleteWordBack' });
        return;
      case Command.KILL_LINE_BACK: {
        const ed = s.approvals.edit;
        if (this.context() === 'approvalEdit' && ed) {
          store.approvals({ type: 'editSet', text: ed.text.slice(ed.cursor), cursor: 0 });
          return;
        }
        store.composer({ type: 'killLineBack' });
        return;
      }
      case Command.KILL_LINE_FORWARD:
        store.composer({ type: 'killLineForward' });
        return;
      case Command.INTERRUPT:
        this.interrupt();
        return;
      case Command.CLEAR_OR_EXIT:
        this.clearOrExit();
        return;
      case Command.APPROVE:
        this.decide({ kind: 'approve' });
        return;
      case Command.DENY:
        this.decide({ kind: 'deny', reason: 'denied by the user' });
        return;
      case Command.ALWAYS:
        this.decide({ kind: 'always' });
        return;
      case Command.EDIT_COMMAND:
        store.approvals({ type: 'editStart' });
        return;
      case Command.EDIT_CONFIRM: {
        const ed = s.approvals.edit;
        if (!ed || ed.text.trim() === '') return;
        this.decide({ kind: 'edit', command: ed.text });
        return;
      }
      case Command.EDIT_CANCEL:
        store.approvals({ type: 'editCancel' });
        return;
      case Command.PICK_UP:
      case Command.PICK_DOWN:
      case Command.PICK_CONFIRM:
      case Command.PICK_CANCEL:
        // Only the session picker (a screen of its own) uses these.
        return;
      default: {
        const unreachable: never = cmd;
        throw new Error(`unhandled command ${String(unreachable)}`);
      }
    }
  }

  private editMove(delta: number): void {
    const ed = this.o.store.getSnapshot().approvals.edit;
    if (!ed) return;
    const cursor = Math.max(0, Math.min(ed.text.length, ed.cursor + delta));
    this.o.store.approvals({ type: 'editSet', text: ed.text, cursor });
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

  private decide(decision: Parameters<AgentController['resolveApproval']>[1]): void {
    const head = this.o.store.getSnapshot().approvals.queue[0];
    if (!head) return;
    this.o.store.approvals({ type: 'resolved', callId: head.callId, now: this.o.clock.now() });
    this.o.agent.resolveApproval(head.callId, decision);
  }

  /** Submits composer text: a slash command, a `!command`, or a prompt for the agent. */
  submit(raw: string): void {
    const { store, services, agent } = this.o;
    const text = raw.replace(/\s+$/, '');
    if (text.trim() === '') return;
    store.composer({ type: 'submitted', text });
    // History is a file: known secrets (the API key) never reach it.
    services.appendHistory(redact(text));
    const slash = text.startsWith('/') ? parseSlash(text) : null;
    if (slash) {
      runSlash(slash, { store, agent, services, exit: (code) => this.exit(code) });
      return;
    }
    if (text.startsWith('!') && text.length > 1) {
      this.runShell(text.slice(1).trim());
      return;
    }
    agent.submit({ text });
    if (store.getSnapshot().view.running) store.view({ queued: agent.getSnapshot().queued });
  }

  private runShell(command: string): void {
    const { store, services } = this.o;
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

  private interrupt(): void {
    const { store, agent } = this.o;
    const s = store.getSnapshot();
    if (this.shellAbort) {
      this.shellAbort.abort();
      return;
    }
    if (s.view.running || s.transcript.stream || s.transcript.tools.length > 0) {
      agent.cancel();
      store.view({ hint: 'Interrupting…' });
    }
  }

  private clearOrExit(): void {
    const { store, clock } = this.o;
    const s = store.getSnapshot();
    const now = clock.now();
    if (s.view.exitArmedAt !== null && now - s.view.exitArmedAt <= this.o.exitWindowMs) {
      this.exit(0);
      return;
    }
    if (s.approvals.edit) store.approvals({ type: 'editCancel' });
    store.composer({ type: 'clear' });
    store.view({ exitArmedAt: now, hint: 'Press Ctrl+C again to exit' });
  }

  /** Exits once. */
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.o.onExit(code);
  }
}

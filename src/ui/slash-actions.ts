/** What each slash command does (outside React; side effects through the agent and services). */
import type { AgentController, ApprovalMode } from '../agent/events.js';
import { expandCommand } from '../config/custom-commands.js';
import { visibleText } from '../util/visible-text.js';
import { formatAge, formatTokens } from './format.js';
import { openResume } from './resume.js';
import type { UiServices } from './services/types.js';
import { allSlashCommands, findSlash, type ParsedSlash } from './slash.js';
import type { UiStore } from './store.js';

/** What a slash command may touch. */
export interface SlashContext {
  store: UiStore;
  agent: AgentController;
  services: UiServices;
  exit: (code: number) => void;
}

const MODES: readonly ApprovalMode[] = ['suggest', 'auto-edit', 'full-auto'];

const KEYS_HELP = [
  'Keys: Enter send · Shift+Enter, Ctrl+J or \\+Enter newline · ↑/↓ history · Tab complete',
  '      Esc interrupt · Ctrl+C clear (twice: exit) · Ctrl+D exit on empty input',
  '      @path mention a file · !cmd run a shell command · y/n/a/e in approval prompts',
].join('\n');

function note(ctx: SlashContext, text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
  ctx.store.add({ kind: 'notice', level, text });
}

function statusText(ctx: SlashContext): string {
  const s = ctx.store.getSnapshot();
  const st = s.status;
  const c = st.conn;
  const age = c.connectedAt !== null && c.state === 'connected' ? formatAge(s.view.now - c.connectedAt) : '—';
  const cached =
    st.usage.inputTokens > 0 ? Math.round((st.usage.cachedTokens / st.usage.inputTokens) * 100) : 0;
  const rules = ctx.services.allowRules().map(visibleText);
  return [
    `Session ${st.sessionId || '(starting)'} · model ${st.model} · approval ${st.approval}`,
    `Transport ${c.transport} (${c.state}${c.fellBack ? ', fell back to HTTP' : ''}) · socket age ${age} · connections ${c.connections} · rotations ${c.rotations} · reconnects ${c.reconnects}`,
    `Chain: ${st.turns} model calls · last request ${st.lastIncremental === null ? '—' : st.lastIncremental ? 'incremental (previous_response_id)' : 'full create'} · last latency ${st.lastLatencyMs !== null ? `${Math.round(st.lastLatencyMs)} ms` : '—'} (first event ${st.lastFirstEventMs !== null ? `${Math.round(st.lastFirstEventMs)} ms` : '—'})`,
    `Usage: ${formatTokens(st.usage.inputTokens)} in (${cached}% cached) · ${formatTokens(st.usage.outputTokens)} out · ${formatTokens(st.usage.reasoningTokens)} reasoning`,
    `Project: ${visibleText(ctx.services.projectTrust())}`,
    `Always allowed here: ${rules.length > 0 ? rules.join(' · ') : 'nothing'} (tether config rules)`,
  ].join('\n');
}

function mcpText(ctx: SlashContext): string {
  const servers = ctx.services.mcpStatus();
  if (servers.length === 0)
    return "No MCP servers configured. Add one with `tether mcp add <name> <command> [args…]`, in a trusted project's .mcp.json, or with --mcp-config <file>.";
  return servers
    .map((s) => {
      const head = `${s.name} (${s.transport}) — ${s.state}${s.error ? `: ${s.error}` : ''} — ${s.target}`;
      const tools = s.tools.length > 0 ? `\n  tools: ${s.tools.join(', ')}` : '';
      return head + tools;
    })
    .join('\n');
}

/** `/ps` lists the background processes; `/ps kill <id>` ends one with its process tree. */
function psCommand(ctx: SlashContext, args: string): void {
  const list = ctx.services.processes();
  if (args === '') {
    if (list.length === 0) {
      note(ctx, 'No background processes are running.');
      return;
    }
    const now = Date.now();
    const lines = list.map(
      (p) =>
        `${p.id}  pid ${p.pid}  ${formatAge(Math.max(0, now - p.startedAt))}${p.tty ? '  tty' : ''}  ${p.command.split('\n')[0]}`,
    );
    note(ctx, [`Background processes (end one with /ps kill <id>):`, ...lines].join('\n'));
    return;
  }
  const m = /^(?:kill|end|stop)\s+(\d+)$/i.exec(args) ?? /^(\d+)$/.exec(args);
  if (!m) {
    note(ctx, 'Usage: /ps (list) or /ps kill <id>', 'warn');
    return;
  }
  const id = Number(m[1]);
  if (ctx.services.endProcess(id)) note(ctx, `Ended process ${id} and its child processes.`);
  else note(ctx, `No background process ${id} is running (see /ps).`, 'warn');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs a parsed slash command. */
export function runSlash(p: ParsedSlash, ctx: SlashContext): void {
  const cmd = findSlash(p.name);
  if (!cmd) {
    note(ctx, `Unknown command /${p.name}. /help lists the commands.`, 'warn');
    return;
  }
  if (cmd.prompt !== undefined) {
    // A custom command: its prompt file, with the arguments filled in, goes to the model.
    ctx.agent.submit({ text: expandCommand(cmd.prompt, p.args) });
    return;
  }
  switch (cmd.name) {
    case 'help':
      note(
        ctx,
        [
          ...allSlashCommands().map(
            (c) =>
              `/${c.name}${c.args ? ` ${c.args}` : ''} — ${c.description}${c.prompt !== undefined ? ' (custom)' : ''}`,
          ),
          '',
          KEYS_HELP,
        ].join('\n'),
      );
      return;
    case 'model':
      if (!p.args) {
        note(ctx, `Model: ${ctx.store.getSnapshot().status.model}`);
        return;
      }
      ctx.agent.setModel(p.args);
      ctx.store.status({ model: p.args });
      note(ctx, `Model set to ${p.args} (from the next request).`);
      return;
    case 'approval': {
      if (!p.args) {
        note(ctx, `Approval mode: ${ctx.store.getSnapshot().status.approval} (modes: ${MODES.join(', ')})`);
        return;
      }
      const mode = MODES.find((m) => m === p.args);
      if (!mode) {
        note(ctx, `Unknown approval mode "${p.args}"; use one of ${MODES.join(', ')}.`, 'warn');
        return;
      }
      ctx.agent.setApprovalMode(mode);
      ctx.store.status({ approval: mode });
      note(ctx, `Approval mode set to ${mode}.`);
      return;
    }
    case 'status':
      note(ctx, statusText(ctx));
      return;
    case 'diff':
      void ctx.services.gitDiff().then(
        (diff) =>
          diff.trim()
            ? ctx.store.add({ kind: 'diff', title: 'git diff', diff })
            : note(ctx, 'No changes in the workspace.'),
        (err: unknown) => note(ctx, `git diff failed: ${errorText(err)}`, 'error'),
      );
      return;
    case 'compact':
      note(ctx, 'Compacting the context…');
      void ctx.agent
        .compact()
        .catch((err: unknown) => note(ctx, `Compaction failed: ${errorText(err)}`, 'error'));
      return;
    case 'new':
      void ctx.agent
        .newSession()
        .catch((err: unknown) => note(ctx, `Could not start a new session: ${errorText(err)}`, 'error'));
      return;
    case 'resume':
      openResume(ctx, p.args);
      return;
    case 'copy': {
      const answer = ctx.store.getSnapshot().transcript.lastAnswer;
      if (!answer) {
        note(ctx, 'Nothing to copy yet.', 'warn');
        return;
      }
      ctx.services.copy(answer);
      note(ctx, `Copied the last answer (${answer.length} characters) to the clipboard.`);
      return;
    }
    case 'mcp':
      note(ctx, mcpText(ctx));
      return;
    case 'ps':
      psCommand(ctx, p.args);
      return;
    case 'quit':
      ctx.exit(0);
      return;
    default:
      note(ctx, `/${cmd.name} is not available here.`, 'warn');
      return;
  }
}

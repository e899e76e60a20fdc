/**
 * A minimal in-memory tool runtime for in-process runs when src/tools is not available: one
 * `shell` function tool whose run echoes the command's argument without spawning a process.
 */
import type { CallDecision, PolicyPort } from '../../src/agent/tool-exec.js';
import type { FunctionToolSpec } from '../../src/protocol/client-events.js';
import type {
  PreparedCall,
  ReadyCall,
  ToolCallRequest,
  ToolResult,
  ToolRuntime,
} from '../../src/tools/types.js';

const SHELL_SPEC: FunctionToolSpec = {
  type: 'function',
  name: 'shell',
  description: 'Runs a shell command (benchmark stand-in: echoes).',
  parameters: {
    type: 'object',
    properties: {
      command: { type: 'string' },
      workdir: { type: ['string', 'null'] },
      timeout_ms: { type: ['number', 'null'] },
    },
    required: ['command', 'workdir', 'timeout_ms'],
    additionalProperties: false,
  },
  strict: true,
};

/** Echo-only tools: `prepare` validates JSON, `run` answers with the text after `echo`. */
export class EchoTools implements ToolRuntime {
  specs(): FunctionToolSpec[] {
    return [SHELL_SPEC];
  }

  async prepare(req: ToolCallRequest): Promise<PreparedCall> {
    let args: unknown;
    try {
      args = JSON.parse(req.arguments);
    } catch {
      return { ok: false, callId: req.callId, name: req.name, output: 'invalid JSON arguments' };
    }
    const command =
      typeof args === 'object' && args !== null
        ? String((args as Record<string, unknown>)['command'] ?? '')
        : '';
    return {
      ok: true,
      callId: req.callId,
      name: req.name,
      kind: 'execute',
      args,
      subject: { kind: 'command', summary: `shell: ${command}`, command, paths: [] },
      touches: [],
    };
  }

  async run(call: ReadyCall): Promise<ToolResult> {
    const command = call.subject.command ?? '';
    return { status: 'ok', output: `${command.replace(/^echo\s+/, '')}\n`, exitCode: 0, durationMs: 0 };
  }
}

/** Approves everything, unsandboxed. */
export const ALLOW_ALL: PolicyPort = {
  decide: (): CallDecision => ({ action: 'auto', sandboxed: false, reason: 'benchmark' }),
};

/**
 * The MCP stdio transport, ours rather than the SDK's `StdioClientTransport` for three reasons:
 * the server runs as the leader of its own process group (so `npx`-launched servers and their
 * children end together), the group is registered with the tool process registry (so every
 * server dies with tether on exit, SIGINT and SIGTERM), and stderr is kept in a small ring buffer
 * instead of being written over the terminal UI. Framing is the SDK's own (`ReadBuffer`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { killGroup, registerGroup, unregisterGroup } from '../tools/exec/process-registry.js';
import { markerEnv } from '../tools/exec/run-marker.js';

export interface GroupStdioOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Bytes of stderr kept for error messages. */
  stderrKeep?: number;
}

export class GroupStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private child?: ChildProcess;
  private readonly buffer = new ReadBuffer();
  private stderrTail = '';
  private closed = false;

  constructor(private readonly opts: GroupStdioOptions) {}

  /** The last lines the server wrote to stderr (for "failed to start" messages). */
  stderr(): string {
    return this.stderrTail;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child) throw new Error('transport already started');
    return new Promise((resolve, reject) => {
      const child = spawn(this.opts.command, this.opts.args, {
        env: { ...this.opts.env, ...markerEnv(this.opts.env) },
        cwd: this.opts.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        shell: false,
        windowsHide: true,
      });
      this.child = child;
      child.once('error', (err) => {
        reject(err);
        this.onerror?.(err);
        this.finish();
      });
      child.once('spawn', () => {
        if (child.pid) registerGroup(child.pid);
        resolve();
      });
      child.once('close', () => this.finish());
      child.stdin?.on('error', (err) => this.onerror?.(err));
      child.stdout?.on('data', (chunk: Buffer) => {
        try {
          this.buffer.append(chunk);
          for (;;) {
            const msg = this.buffer.readMessage();
            if (msg === null) break;
            this.onmessage?.(msg);
          }
        } catch (err) {
          this.onerror?.(err as Error);
        }
      });
      const keep = this.opts.stderrKeep ?? 4096;
      child.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-keep);
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || this.closed) return reject(new Error('MCP server is not running'));
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', () => resolve());
    });
  }

  /** Ends the server's whole process group: SIGTERM, then SIGKILL after `graceMs`. */
  async close(graceMs = 1500): Promise<void> {
    const child = this.child;
    if (!child || this.closed) return;
    const pid = child.pid;
    child.stdin?.end();
    if (pid) killGroup(pid, 'SIGTERM');
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        if (pid) killGroup(pid, 'SIGKILL');
        resolve();
      }, graceMs);
      t.unref();
      child.once('close', () => {
        clearTimeout(t);
        // Children that outlived the leader (same group) go too.
        if (pid) killGroup(pid, 'SIGKILL');
        resolve();
      });
      if (child.exitCode !== null || child.signalCode !== null) {
        clearTimeout(t);
        if (pid) killGroup(pid, 'SIGKILL');
        resolve();
      }
    });
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    const pid = this.child?.pid;
    if (pid) {
      killGroup(pid, 'SIGKILL');
      unregisterGroup(pid);
    }
    this.onclose?.();
  }
}

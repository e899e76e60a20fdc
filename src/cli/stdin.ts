/**
 * Reading standard input without ever hanging: `-p -` waits for EOF (the prompt is required),
 * while piped context next to `-p <text>` is read only if data arrives promptly, so an
 * open-but-silent stdin (CI runners, `ssh -T`) never blocks a run.
 */
import { fstatSync } from 'node:fs';

/** How long a silent, still-open pipe may delay a `-p <text>` run before it is ignored (ms). */
export const PIPE_GRACE_MS = 250;

/** Reads all of stdin (for `-p -`). */
export async function readPromptFromStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads piped stdin as context for a `-p <text>` run; undefined when stdin is a TTY, empty or silent. */
export async function readPipedContext(
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<string | undefined> {
  if (stdin.isTTY) return undefined;
  let kind: 'file' | 'pipe' | 'other' = 'other';
  try {
    const st = fstatSync(0);
    kind = st.isFile() ? 'file' : st.isFIFO() || st.isSocket() ? 'pipe' : 'other';
  } catch {
    return undefined;
  }
  if (kind === 'other') return undefined;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let gotData = false;
    const finish = (value: string | undefined) => {
      clearTimeout(timer);
      stdin.removeAllListeners('data');
      stdin.removeAllListeners('end');
      stdin.pause();
      resolve(value);
    };
    const timer = setTimeout(
      () => {
        if (!gotData) finish(undefined);
      },
      kind === 'file' ? 5_000 : PIPE_GRACE_MS,
    );
    stdin.on('data', (c: Buffer) => {
      gotData = true;
      chunks.push(c);
    });
    stdin.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      finish(text.trim() ? text : undefined);
    });
    stdin.on('error', () => finish(undefined));
  });
}

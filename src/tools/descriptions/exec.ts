/** Model-facing descriptions of `exec_command` and `write_stdin` (Codex's unified-exec shapes). */
export const EXEC_COMMAND_DESCRIPTION = `Start a command in the workspace with the user's shell (the login profile's environment, functions and aliases are loaded) and return its output.

- If the command finishes within \`yield_time_ms\` (default 10000), you get its output and exit code.
- If it is still running then, you get the output so far and "Process running with session ID N"; the process keeps running (servers, watchers, REPLs, long builds). Use write_stdin with that session_id to poll for more output (empty \`chars\`), send input, or interrupt it ("\\u0003").
- \`workdir\`: directory relative to the workspace root (default: the root).
- \`tty\`: true runs it under a pseudo-terminal: needed to send it input later (REPLs, prompts, interactive programs). Default false: output through pipes and no stdin (programs see end-of-input).
- \`login\`: true starts a fresh login shell instead of the session's captured profile (slower; only when the profile must run again).
- \`shell\`: another shell binary (bash, zsh, sh or dash) instead of the user's shell.
- \`max_output_tokens\`: cap on returned output (about 4 characters per token); the middle of long output is dropped.
- Running processes are ended when the session ends; at most a few run at once (the least recently used one is ended beyond that). Commands may run in a sandbox where only the workspace is writable and the network is off.`;

export const WRITE_STDIN_DESCRIPTION = `Send input to a process started by exec_command and return its new output and state.

- \`session_id\`: the id exec_command returned.
- \`chars\`: text to type into its terminal (include "\\n" to submit a line; only for processes started with tty: true). Empty string: just wait and collect new output. "\\u0003" interrupts it (Ctrl-C, also without tty), "\\u0004" sends end-of-input (Ctrl-D).
- \`yield_time_ms\`: how long to collect output before returning (default 250; an empty poll waits at least 250 ms and at most 300000). Returns early when the process exits.
- When the process has exited, the reply has its exit code and the session is closed.`;

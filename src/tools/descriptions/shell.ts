/** Model-facing description of the `shell` tool. */
export const SHELL_DESCRIPTION = `Run a shell command in the workspace with the user's shell (bash, or zsh when that is the user's shell; the login profile's environment, functions and aliases are loaded) and return its combined stdout/stderr and exit code.

- \`workdir\`: directory to run in, relative to the workspace root (null = the root).
- \`timeout_ms\`: wall-clock limit in milliseconds (null = the default, 120000; the maximum is 600000). A command that prints nothing for a long time is also stopped. Timed-out commands are killed with exit code 124.
- stdin is closed: interactive programs will not get input. Prefer non-interactive flags (e.g. \`--yes\`, \`-y\`, \`CI=1\`).
- Long output is truncated to its beginning and end; the full output is saved to a file whose path is given, readable with read_file.
- Use the file tools (read_file, list_dir, glob, grep, apply_patch, edit, write_file) rather than shell for reading and editing files.
- Commands may run in a sandbox where only the workspace is writable and the network is off.`;

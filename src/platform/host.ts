/**
 * Which operating system tether runs on. Every Linux-only mechanism (procfs, bubblewrap, PID
 * namespaces) asks here, so macOS and other systems degrade in one place ("off, with one notice").
 */

/** Whether this is Linux (procfs, namespaces and bubblewrap may exist). */
export function isLinux(platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'linux';
}

/** Whether this is macOS (Library/ directories; no procfs, no namespaces). */
export function isDarwin(platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'darwin';
}

/** The platform's name for messages ("darwin", "win32", …). */
export function platformName(): string {
  return process.platform;
}

/** The one exit-code table (README "Exit codes"). Every path out of the CLI uses these. */
export const EXIT = {
  success: 0,
  failed: 1,
  usage: 2,
  auth: 3,
  network: 4,
  limit: 5,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

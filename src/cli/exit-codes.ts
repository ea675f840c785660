// The CLI's exit codes (documented in docs/service.md) and the error type commands throw.

export const EXIT = {
  OK: 0,
  /** Unexpected failure inside tiermem (a bug): the message says so. */
  INTERNAL: 1,
  /** Bad command line: unknown command or option, wrong ratio syntax, negative size, unreadable file. */
  USAGE: 2,
  /** The service is not reachable on the admin socket / URL. */
  UNREACHABLE: 3,
  /** The service refused the request (out of range, conflicting state); nothing was changed. */
  REJECTED: 4,
  /** The admin API refused the bearer token, or the token file is unreadable. */
  UNAUTHORIZED: 5,
  /** `serve` could not start (address in use, PMem backend unavailable, ...). */
  START_FAILED: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A user-facing error: one line that says what to do, and the exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

// Internal failures of the store: the engine's (an assertion in C that did not hold, reported
// through takeInternalErrors()) and the control plane's (a handler that threw). Each one ends
// only the command it happened in, with an INTERNAL error reply (INFO errorstats counts it as
// errorstat_INTERNAL); here it is counted (tiermem_internal_errors_total) and logged with its
// stack once per distinct error (the same place, message and command), so that a failure
// repeated by every request does not flood the log.

/** Distinct errors remembered for the once-only rule; past this, new ones are counted, not logged. */
const MAX_DISTINCT = 1024;

export const INTERNAL_REPLY_CODE = 'INTERNAL';

/** The reply a command gets when the control plane's handler threw (as the engine's, internal.c). */
export function internalErrorReply(command: string): string {
  return `${INTERNAL_REPLY_CODE} internal error in '${command}' (see the server log)`;
}

/** What the engine reports (native/store/internal.h). */
export interface EngineInternalError {
  where: string;
  what: string;
  stack: string;
}

export class InternalErrors {
  /** The control plane's internal errors (the engine counts its own). */
  controlPlane = 0;
  private readonly seen = new Set<string>();
  private saturated = false;

  constructor(private readonly log: (line: string) => void) {}

  /** A handler of `command` threw `err`. */
  fromControlPlane(command: string, err: unknown): void {
    this.controlPlane++;
    const e = err instanceof Error ? err : new Error(String(err));
    const stack = e.stack ?? `${e.name}: ${e.message}`;
    this.once(`js\0${command}\0${stack}`, `internal error in the control plane serving '${command}': ${stack}`);
  }

  /** The engine's reports, taken after a feed or timers call said some wait. */
  fromEngine(reports: readonly EngineInternalError[]): void {
    for (const r of reports)
      this.once(`c\0${r.where}\0${r.what}`, `internal error in the engine at ${r.where}: ${r.what}\n${r.stack}`);
  }

  private once(key: string, text: string): void {
    if (this.seen.has(key)) return;
    if (this.seen.size >= MAX_DISTINCT) {
      if (!this.saturated) this.log(`internal errors: over ${MAX_DISTINCT} distinct ones; no more are logged`);
      this.saturated = true;
      return;
    }
    this.seen.add(key);
    this.log(text.trimEnd());
  }
}

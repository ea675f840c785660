/**
 * Client input read by this process's store servers, counted per read. A forkless snapshot paces
 * its steps by it (persistence.ts, SnapshotRun): a loop that read nothing since the last step is
 * idle and the next step runs at once; one that read input waits before the next step.
 */
export const clientReads = { count: 0 };

// BGREWRITEAOF without fork: the new base is a point-in-time snapshot taken by the same engine
// mechanism as BGSAVE, in ~1 ms steps from the event loop: an RDB (aof-base 1), or with
// aof-use-rdb-preamble no, commands (native/store/aof_base.h), as Redis 7.0 writes either. At the cut the AOF switches
// to a new incr file (aof.ts cutForRewrite), so base + the incr files after the cut replay to the
// dataset; when the base is complete and fsynced, a new manifest is published atomically and the
// old files are deleted (finishRewrite). Also: BGREWRITEAOF's scheduling around BGSAVE and EXEC,
// auto-aof-rewrite-percentage / -min-size from the cron, CONFIG SET appendonly yes|no at run
// time, and INFO persistence's aof_* rewrite fields, all as Redis 7.0.15.

import fs from 'node:fs';
import path from 'node:path';
import type { NativeSnapshotStats, NativeStore } from '../native.js';
import type { AppendOnlyFile } from './aof.js';
import { SnapshotRun, type Persistence } from './persistence.js';

/** Redis's AOF_REWRITE_LIMITE_THRESHOLD and _MAX_MINUTES: after 3 failures in a row automatic
 *  rewrites wait 1, 2, 4 ... 60 minutes. */
const LIMIT_THRESHOLD = 3;
const LIMIT_MAX_MINUTES = 60;

interface Job {
  run: SnapshotRun;
  tmp: string;
  startedAt: number;
  /** The base is an RDB (aof-use-rdb-preamble yes when it started), else commands. */
  rdb: boolean;
  /** The base is complete (finishBeforeSave) with these figures; the rewrite ends on the next turn. */
  finished?: NativeSnapshotStats;
}

export type RewriteReply = { status: string } | { error: string };

export class AofRewriter {
  /** Redis's aof_rewrite_scheduled. */
  scheduled = false;
  rewrites = 0;
  lastOk = true;
  consecutiveFailures = 0;
  lastTimeSec = -1;
  /** Peak extra bytes the last rewrite's snapshot held (INFO aof_last_cow_size). */
  lastCowSize = 0;
  /** auto-aof-rewrite-percentage (0: off) and auto-aof-rewrite-min-size, Redis's defaults. */
  autoPercentage = 100;
  autoMinSize = 64n * 1024n * 1024n;
  private job: Job | null = null;
  private limitDelayMinutes = 0;
  private limitUntil = 0;

  constructor(
    private readonly engine: NativeStore,
    readonly aof: AppendOnlyFile,
    private readonly persistence: Persistence | null,
    private readonly log: (line: string) => void,
  ) {}

  get inProgress(): boolean {
    return this.job !== null;
  }

  /** Seconds the running rewrite has taken, or -1. */
  get currentTimeSec(): number {
    return this.job ? Math.floor((Date.now() - this.job.startedAt) / 1000) : -1;
  }

  /** Where the new base is written before it is renamed into the AOF directory (Redis's name). */
  private tempPath(): string {
    return path.join(path.dirname(this.aof.dirPath), `temp-rewriteaof-bg-${process.pid}.aof`);
  }

  /** BGREWRITEAOF (inExec: called from EXEC, where Redis only schedules it). */
  command(inExec: boolean): RewriteReply {
    if (this.job) return { error: 'ERR Background append only file rewriting already in progress' };
    if (this.persistence?.inProgress || inExec) {
      this.scheduled = true;
      this.consecutiveFailures = 0; // a manual request is not limited
      return { status: 'Background append only file rewriting scheduled' };
    }
    if (this.start()) return { status: 'Background append only file rewriting started' };
    return {
      error: "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
    };
  }

  /** Start now (Redis's rewriteAppendOnlyFileBackground): the cut, then the snapshot. */
  start(): boolean {
    if (this.job || this.persistence?.inProgress) return false;
    try {
      this.aof.cutForRewrite();
    } catch (e) {
      this.log(`Can't open the append-only file for the rewrite: ${(e as Error).message}`);
      this.lastOk = false;
      return false;
    }
    this.rewrites++;
    const tmp = this.tempPath();
    const rdb = this.aof.useRdbPreamble;
    let fd = -1;
    try {
      fd = fs.openSync(tmp, 'w', 0o644);
      this.engine.snapshotStart(
        fd,
        this.persistence?.rdbcompression ?? true,
        this.persistence?.rdbchecksum ?? true,
        this.persistence?.bufferLimit() ?? 1 << 20,
        true,
        false,
        !rdb,
      );
    } catch (e) {
      if (fd >= 0) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      this.log(`Can't rewrite append only file in background: ${(e as Error).message}`);
      this.lastOk = false;
      this.aof.rewriteFailed();
      return false;
    }
    this.scheduled = false;
    const job: Job = {
      tmp,
      rdb,
      startedAt: Date.now(),
      run: new SnapshotRun(this.engine, fd, (err) => this.ended(job, err)),
    };
    this.job = job;
    this.log('Background append only file rewriting started');
    return true;
  }

  private ended(job: Job, err: string | null): void {
    if (this.job !== job) return;
    this.job = null;
    this.lastTimeSec = Math.round((Date.now() - job.startedAt) / 1000);
    if (err === null) {
      try {
        this.aof.finishRewrite(job.tmp, job.rdb);
        this.lastOk = true;
        this.consecutiveFailures = 0;
        const s = job.finished ?? this.engine.snapshotStats();
        this.lastCowSize = s.peakExtra;
        this.log(
          `Background AOF rewrite finished successfully (${s.keys} keys, ${s.preimages} written ahead of changes ` +
            `(${s.retained} of them kept as blocks), ` +
            `peak extra memory ${s.peakExtra} bytes, ${Date.now() - job.startedAt} ms)`,
        );
        return;
      } catch (e) {
        err = (e as Error).message;
      }
    }
    this.log(`Background AOF rewrite terminated with error: ${err}`);
    fs.rmSync(job.tmp, { force: true });
    this.lastOk = false;
    this.consecutiveFailures++;
    this.aof.rewriteFailed();
    // Waiting for a base to turn appendonly on: try again.
    if (this.aof.state === 'wait-rewrite') this.scheduled = true;
  }

  /** Stop a running rewrite (Redis's killAppendOnlyChild): not a failure. */
  kill(why: string): void {
    const job = this.job;
    if (!job) return;
    this.job = null;
    this.log(`Killing running AOF rewrite (${why})`);
    job.run.abort();
    fs.rmSync(job.tmp, { force: true });
    this.lastTimeSec = Math.round((Date.now() - job.startedAt) / 1000);
    this.aof.rewriteFailed();
  }

  /**
   * SAVE while a rewrite runs. Redis saves beside its rewrite child, which goes on and is reaped by
   * a later cron; here the engine has one snapshot, so the rewrite's remaining steps run now,
   * inside SAVE (which blocks anyway), and the rewrite ends on the next turn: meanwhile it is still
   * in progress (BGSAVE and BGREWRITEAOF answer as Redis's do while its child runs).
   */
  finishBeforeSave(): void {
    const job = this.job;
    if (!job || job.finished) return;
    const err = job.run.finishNow();
    job.finished = this.engine.snapshotStats();
    setImmediate(() => this.ended(job, err));
  }

  /** CONFIG SET appendonly yes (Redis's startAppendOnly). Null, or why it could not. */
  enable(inExec: boolean): string | null {
    if (this.aof.state !== 'off') return null;
    this.aof.beginWaitingForRewrite();
    if (this.persistence?.inProgress) {
      this.scheduled = true;
      this.log(
        'AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.',
      );
    } else if (inExec) {
      this.scheduled = true;
      this.log('AOF was enabled during a transaction. An AOF background was scheduled to start when possible.');
    } else {
      // A rewrite started while off collects no writes: it cannot serve as this base.
      if (this.job) this.kill('AOF was enabled: a new rewrite starts');
      if (!this.start()) {
        this.aof.state = 'off';
        return 'Unable to turn on AOF. Check server logs.';
      }
    }
    return null;
  }

  /** CONFIG SET appendonly no (Redis's stopAppendOnly). */
  disable(): void {
    if (this.aof.state === 'off') return;
    this.aof.stop();
    this.scheduled = false;
    this.kill('AOF was disabled');
  }

  /** Redis's aofRewriteLimited: true while automatic rewrites wait after repeated failures. */
  private limited(): boolean {
    if (this.consecutiveFailures < LIMIT_THRESHOLD) {
      this.limitDelayMinutes = 0;
      this.limitUntil = 0;
      return false;
    }
    const now = Date.now();
    if (this.limitUntil !== 0) {
      if (now < this.limitUntil) return true;
      this.limitUntil = 0;
      return false;
    }
    this.limitDelayMinutes = Math.min(LIMIT_MAX_MINUTES, this.limitDelayMinutes === 0 ? 1 : this.limitDelayMinutes * 2);
    this.limitUntil = now + this.limitDelayMinutes * 60_000;
    this.log(
      `Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${this.limitDelayMinutes} minutes`,
    );
    return true;
  }

  /** The cron (serverCron's checks): a scheduled rewrite, then the automatic one on growth. */
  tick(): void {
    if (this.job || this.persistence?.inProgress || this.persistence?.loading) return;
    if (this.scheduled) {
      if (!this.limited()) this.start();
      return;
    }
    const size = this.aof.currentSize;
    if (this.aof.state !== 'on' || this.autoPercentage === 0 || BigInt(size) <= this.autoMinSize) return;
    const base = this.aof.baseSize > 0 ? this.aof.baseSize : 1;
    const growth = Math.floor((size * 100) / base) - 100;
    if (growth >= this.autoPercentage && !this.limited()) {
      this.log(`Starting automatic rewriting of AOF on ${growth}% growth`);
      this.start();
    }
  }
}

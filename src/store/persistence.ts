// RDB persistence, the control plane's half: files, timers and configuration. The engine (C)
// serializes and loads (native/store/rdb*.c, snapshot.c); this side opens the temp file, drives
// a BGSAVE in ~1 ms steps from the event loop, fsyncs off the loop, renames and fsyncs the
// directory (a kill -9 at any moment leaves the previous dump intact), checks the save points,
// loads dump.rdb at start-up with progress lines, and answers SAVE, BGSAVE, LASTSAVE, SHUTDOWN
// and INFO persistence as Redis 7.0 does.

import fs from 'node:fs';
import path from 'node:path';
import type { NativeStore } from '../native.js';
import { clientReads } from './loop-activity.js';
import { fromNative, profileLogLines, type MemoryProfile } from './memprofile.js';

export interface PersistenceOptions {
  /** Working directory of dump.rdb (Redis's `dir`). Default: the current directory. */
  dir?: string;
  /** Default 'dump.rdb'. */
  dbfilename?: string;
  /** Save points as Redis's `save` directive: "3600 1 300 100 60 10000", or "" for none. Default "". */
  save?: string;
  /** LZF strings (rdbcompression). Default true. */
  rdbcompression?: boolean;
  /** CRC64 trailer (rdbchecksum). Default true. */
  rdbchecksum?: boolean;
  /** Refuse writes with MISCONF after a failed background save (when save points exist). Default true. */
  stopWritesOnBgsaveError?: boolean;
  /** Bytes a snapshot may buffer before writers write it out themselves; 0 = automatic. */
  snapshotBufferLimit?: number;
  /** Load dir/dbfilename at start-up. Default true. */
  load?: boolean;
}

export interface SavePoint {
  seconds: number;
  changes: number;
}

/** Redis's `save` syntax: pairs of "<seconds> <changes>", or "" (none). Null when malformed. */
export function parseSavePoints(v: string): SavePoint[] | null {
  const t = v.trim() === '' ? [] : v.trim().split(/\s+/);
  if (t.length % 2 !== 0) return null;
  const out: SavePoint[] = [];
  for (let i = 0; i < t.length; i += 2) {
    if (!/^\d+$/.test(t[i]!) || !/^\d+$/.test(t[i + 1]!)) return null;
    out.push({ seconds: Number(t[i]), changes: Number(t[i + 1]) });
  }
  return out;
}

export function formatSavePoints(p: readonly SavePoint[]): string {
  return p.map((s) => `${s.seconds} ${s.changes}`).join(' ');
}

/** How long one BGSAVE step may run on the event loop. */
const STEP_US = 1000;
/**
 * The share of a busy event loop a BGSAVE may take. When the loop read nothing from clients since
 * the last step, the next step follows at once; when it did, the next step waits so that steps
 * take about this share of the time: writes keep >= 0.8x of their throughput and the save takes
 * longer (Redis's child uses another core instead). 0.15 kept 0.75-0.79x of the SET rate on a
 * 1 GiB save, 0.10 kept 0.82-0.92x (docs/persistence.md).
 */
const BUSY_SHARE = 0.1;
/** Redis retries a failed automatic BGSAVE after this long (CONFIG_BGSAVE_RETRY_DELAY). */
const RETRY_DELAY_S = 5;
/** Loading at start-up: work per step, and how often a progress line is logged. */
const LOAD_STEP_US = 50_000;
const LOAD_LOG_MS = 1000;

type Log = (line: string) => void;

interface Running {
  run: SnapshotRun;
  /** Settles waitBgsave's promise (false when aborted or failed). */
  settle: (ok: boolean) => void;
  tmp: string;
  dirtyAtCut: number;
  startedAt: number;
  /** BGSAVE STAT_MEMORY */
  profile: boolean;
}

/**
 * A started snapshot (engine.snapshotStart on fd) run to its end from the event loop: ~1 ms steps,
 * paced to BUSY_SHARE of a busy loop, then fsync and close off the loop. BGSAVE and the AOF
 * rewrite both run on it. done(null) once the file is complete and synced, done(why) when it
 * failed (the snapshot aborted); the descriptor is closed exactly once either way. abort() stops
 * it without calling done.
 */
export class SnapshotRun {
  private state: 'stepping' | 'syncing' | 'over' = 'stepping';
  private closed = false;

  constructor(
    private readonly engine: NativeStore,
    private readonly fd: number,
    private readonly done: (error: string | null) => void,
  ) {
    // Busy or idle is told by client input read since the last step (loop-activity.ts), not by
    // the wall-clock gap between steps: that gap includes the save's own pause, so after one
    // pause every later gap looked busy and a save on an idle loop paused ~6 ms per 1 ms step;
    // and a short gap after a step (clients served quickly) looked idle, so a busy loop could
    // run steps back to back.
    let readsAtEnd = clientReads.count;
    const step = (): void => {
      if (this.state !== 'stepping') return;
      const begin = performance.now();
      const busy = clientReads.count !== readsAtEnd;
      let finished: boolean;
      try {
        finished = this.engine.snapshotStep(STEP_US);
      } catch (e) {
        this.state = 'over';
        this.engine.snapshotAbort();
        this.close();
        return this.done((e as Error).message);
      }
      readsAtEnd = clientReads.count;
      if (!finished) {
        const wait = (performance.now() - begin) * (1 / BUSY_SHARE - 1);
        if (!busy || wait < 1) setImmediate(step);
        else setTimeout(step, Math.round(wait));
        return;
      }
      // The file is complete: fsync it off the event loop.
      this.state = 'syncing';
      fs.fsync(this.fd, (err) => {
        const aborted = this.state === 'over';
        this.state = 'over';
        this.close();
        if (!aborted) this.done(err ? err.message : null);
      });
    };
    setImmediate(step);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fs.closeSync(this.fd);
    } catch {
      /* nothing to do */
    }
  }

  /**
   * The rest now, on the caller's turn: the remaining steps, then fsync (SAVE while the AOF rewrite
   * runs: the engine has one snapshot). Null when the file is complete and synced, else why not;
   * done is never called.
   */
  finishNow(): string | null {
    if (this.state === 'over') return 'the snapshot is over';
    const syncing = this.state === 'syncing';
    this.state = 'over';
    let err: string | null = null;
    try {
      if (!syncing)
        while (!this.engine.snapshotStep(1_000_000)) {
          /* one step per second of work, as SAVE's */
        }
      fs.fsyncSync(this.fd);
    } catch (e) {
      this.engine.snapshotAbort();
      err = (e as Error).message;
    }
    // A running fsync's callback closes the descriptor (it sees the run over and calls nothing).
    if (!syncing) this.close();
    return err;
  }

  /** Stop: the snapshot is aborted (if still stepping) and done is never called. */
  abort(): void {
    if (this.state === 'over') return;
    if (this.state === 'stepping') {
      this.engine.snapshotAbort();
      this.close();
    }
    // While syncing, the fsync's callback closes the descriptor.
    this.state = 'over';
  }
}

export class Persistence {
  dir: string;
  dbfilename: string;
  savePoints: SavePoint[];
  rdbcompression: boolean;
  rdbchecksum: boolean;
  stopWritesOnBgsaveError: boolean;
  snapshotBufferLimit: number;
  readonly loadAtStart: boolean;

  /** Unix seconds of the last successful save (start-up counts, as in Redis). */
  lastSave = Math.floor(Date.now() / 1000);
  lastBgsaveOk = true;
  lastBgsaveTry = 0;
  lastBgsaveTimeSec = -1;
  saves = 0;
  /** Peak extra bytes the last snapshot held (INFO rdb_last_cow_size). */
  lastCowSize = 0;
  loading = false;
  lastLoadKeys = 0;
  lastLoadExpired = 0;
  private running: Running | null = null;
  /** Whether other background work (an AOF rewrite) holds the engine's snapshot. */
  backgroundBusy: () => boolean = () => false;
  /** Completion of the running BGSAVE (tests and SHUTDOWN wait on it). */
  private done: Promise<boolean> | null = null;
  private scheduled = false;
  private scheduledProfile = false;

  constructor(
    private readonly engine: NativeStore,
    opts: PersistenceOptions,
    private readonly log: Log,
    private readonly dataBytes: () => number = () => 0,
  ) {
    this.dir = path.resolve(opts.dir ?? '.');
    this.dbfilename = opts.dbfilename ?? 'dump.rdb';
    this.savePoints = parseSavePoints(opts.save ?? '') ?? [];
    this.rdbcompression = opts.rdbcompression ?? true;
    this.rdbchecksum = opts.rdbchecksum ?? true;
    this.stopWritesOnBgsaveError = opts.stopWritesOnBgsaveError ?? true;
    this.snapshotBufferLimit = opts.snapshotBufferLimit ?? 0;
    this.loadAtStart = opts.load ?? true;
    engine.configSet('rdbcompression', this.rdbcompression ? 1 : 0);
    engine.configSet('rdbchecksum', this.rdbchecksum ? 1 : 0);
  }

  get file(): string {
    return path.join(this.dir, this.dbfilename);
  }

  get inProgress(): boolean {
    return this.running !== null;
  }

  /** Whether writes must get MISCONF (Redis's writeCommandsDeniedByDiskError for RDB). */
  private updateMisconf(): void {
    const deny = this.stopWritesOnBgsaveError && this.savePoints.length > 0 && !this.lastBgsaveOk;
    this.engine.configSet('misconf', deny ? 1 : 0);
  }

  setStopWrites(v: boolean): void {
    this.stopWritesOnBgsaveError = v;
    this.updateMisconf();
  }

  setSavePoints(p: SavePoint[]): void {
    this.savePoints = p;
    this.updateMisconf();
  }

  setCompression(v: boolean): void {
    this.rdbcompression = v;
    this.engine.configSet('rdbcompression', v ? 1 : 0);
  }

  setChecksum(v: boolean): void {
    this.rdbchecksum = v;
    this.engine.configSet('rdbchecksum', v ? 1 : 0);
  }

  /** The buffer a snapshot may hold: the configured cap, or 1/100 of the data within 1-64 MiB. */
  bufferLimit(): number {
    if (this.snapshotBufferLimit > 0) return this.snapshotBufferLimit;
    return Math.min(64 << 20, Math.max(1 << 20, Math.floor(this.dataBytes() / 100)));
  }

  private tempPath(): string {
    return path.join(this.dir, `temp-${process.pid}.rdb`);
  }

  /** SAVE: the whole snapshot now, fsynced and renamed. Null, or why it failed. */
  save(): string | null {
    if (this.running) return 'Background save already in progress';
    const tmp = this.tempPath();
    const started = Date.now();
    let fd = -1;
    try {
      fd = fs.openSync(tmp, 'w', 0o644);
      const dirty = this.engine.snapshotStart(fd, this.rdbcompression, this.rdbchecksum, this.bufferLimit());
      while (!this.engine.snapshotStep(1_000_000)) {
        /* one step per second of work: nothing else runs during SAVE, as in Redis */
      }
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = -1;
      fs.renameSync(tmp, this.file);
      fsyncDirSync(this.dir);
      this.engine.dirtyConsume(dirty);
      this.succeeded(started, false);
      this.log(`DB saved on disk (${this.engine.snapshotStats().keys} keys, ${Date.now() - started} ms)`);
      return null;
    } catch (e) {
      this.engine.snapshotAbort();
      if (fd >= 0) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      this.log(`Failed saving the DB: ${(e as Error).message}`);
      return (e as Error).message;
    }
  }

  /** Redis's bookkeeping after a save (rdbSave, backgroundSaveDoneHandler). */
  private succeeded(startedMs: number, background: boolean): void {
    this.lastSave = Math.floor(Date.now() / 1000);
    this.lastBgsaveOk = true;
    this.saves++;
    if (background) {
      this.lastCowSize = this.engine.snapshotStats().peakExtra;
      this.lastBgsaveTimeSec = Math.round((Date.now() - startedMs) / 1000);
    }
    this.updateMisconf();
  }

  /** The last BGSAVE STAT_MEMORY's profile (null before the first), and whether one runs. */
  memoryProfile(): { profile: MemoryProfile | null; running: boolean } {
    const n = this.engine.memoryProfile();
    return { profile: n ? fromNative(n) : null, running: this.running?.profile === true };
  }

  /** BGSAVE: starts the snapshot and returns; steps run from the event loop. `profile`: BGSAVE
   *  STAT_MEMORY, a memory profile tallied on the way (memprofile.ts). */
  bgsave(profile = false): 'started' | 'busy' | { error: string } {
    if (this.running) return 'busy';
    const tmp = this.tempPath();
    let fd: number;
    let dirtyAtCut: number;
    this.lastBgsaveTry = Math.floor(Date.now() / 1000);
    try {
      fd = fs.openSync(tmp, 'w', 0o644);
    } catch (e) {
      // Redis's fork succeeds and its child fails: "started", then the error status.
      this.failed(`Can't open ${tmp}: ${(e as Error).message}`);
      return 'started';
    }
    try {
      dirtyAtCut = this.engine.snapshotStart(
        fd,
        this.rdbcompression,
        this.rdbchecksum,
        this.bufferLimit(),
        false,
        profile,
      );
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      return { error: (e as Error).message };
    }
    const startedAt = Date.now();
    this.log('Background saving started');
    this.done = new Promise<boolean>((resolve) => {
      const running: Running = {
        settle: resolve,
        profile,
        tmp,
        dirtyAtCut,
        startedAt,
        run: new SnapshotRun(this.engine, fd, (err) => {
          if (this.running !== running) return resolve(false);
          if (err !== null) {
            this.finishFailed(running, err);
            return resolve(false);
          }
          fs.rename(tmp, this.file, (err2) => {
            if (this.running !== running) return resolve(false);
            if (err2) {
              this.finishFailed(running, err2.message);
              return resolve(false);
            }
            fsyncDir(this.dir, () => {
              this.running = null;
              this.engine.dirtyConsume(dirtyAtCut);
              this.succeeded(startedAt, true);
              const s = this.engine.snapshotStats();
              this.log(
                `Background saving terminated with success (${s.keys} keys, ${s.preimages} written ahead of changes ` +
                  `(${s.retained} of them kept as blocks), ` +
                  `peak extra memory ${s.peakExtra} bytes, ${s.pieces} steps inside big collections, ${Date.now() - startedAt} ms)`,
              );
              const prof = profile ? this.memoryProfile().profile : null;
              if (prof) for (const line of profileLogLines(prof)) this.log(line);
              resolve(true);
            });
          });
        }),
      };
      this.running = running;
    });
    return 'started';
  }

  private failed(why: string): void {
    this.lastBgsaveOk = false;
    this.log(`Background saving error: ${why}`);
    this.updateMisconf();
  }

  private finishFailed(running: Running, why: string): void {
    if (this.running === running) this.running = null;
    running.run.abort();
    fs.rmSync(running.tmp, { force: true });
    this.failed(why);
  }

  /** Stop a running BGSAVE and remove its temp file (SHUTDOWN, close). */
  abortBgsave(): void {
    const running = this.running;
    if (!running) return;
    this.running = null;
    running.run.abort();
    running.settle(false);
    fs.rmSync(running.tmp, { force: true });
    this.log('Background save aborted');
  }

  /** Resolves when the running BGSAVE ends (true on success); immediately if none runs. */
  waitBgsave(): Promise<boolean> {
    return this.running && this.done ? this.done : Promise.resolve(this.lastBgsaveOk);
  }

  /** BGSAVE SCHEDULE: a save starts as soon as none is running (Redis's rdb_bgsave_scheduled). */
  schedule(profile = false): void {
    this.scheduled = true;
    this.scheduledProfile ||= profile;
  }

  /** The cron: scheduled saves and save points (serverCron's checks). */
  tick(): void {
    if (this.running || this.loading || this.backgroundBusy()) return;
    const now = Math.floor(Date.now() / 1000);
    if (this.scheduled) {
      const profile = this.scheduledProfile;
      this.scheduled = this.scheduledProfile = false;
      this.bgsave(profile);
      return;
    }
    const dirty = this.engine.info().dirty;
    for (const p of this.savePoints) {
      if (
        dirty >= p.changes &&
        now - this.lastSave > p.seconds &&
        (now - this.lastBgsaveTry > RETRY_DELAY_S || this.lastBgsaveOk)
      ) {
        this.log(`${p.changes} changes in ${p.seconds} seconds. Saving...`);
        this.bgsave();
        return;
      }
    }
  }

  /** Load dir/dbfilename at start-up, logging progress on long loads. Throws on a bad file. */
  load(): void {
    if (!this.loadAtStart) return;
    this.loading = true;
    try {
      const start = Date.now();
      const p = loadRdbFile(this.engine, this.file, this.log);
      if (p === null) return;
      this.lastLoadKeys = p.keys;
      this.lastLoadExpired = p.expired;
      this.log(
        `DB loaded from disk: ${((Date.now() - start) / 1000).toFixed(3)} seconds (${p.keys} keys` +
          (p.expired > 0 ? `, ${p.expired} already expired and dropped` : '') +
          (p.empty > 0 ? `, ${p.empty} empty keys skipped` : '') +
          ')',
      );
    } finally {
      this.loading = false;
    }
  }

  /** INFO persistence, Redis 7.0.15's fields up to the AOF ones (aof.ts adds those). */
  info(dirty: number): string[] {
    // Any snapshot's figures (BGSAVE's or the AOF rewrite's), as Redis shows any child's.
    const stats = this.engine.snapshotStats();
    const s = stats.active ? stats : null;
    const cur = this.running ? Math.round((Date.now() - this.running.startedAt) / 1000) : -1;
    return [
      `loading:${this.loading ? 1 : 0}`,
      'async_loading:0',
      `current_cow_peak:${s ? s.peakExtra : 0}`,
      `current_cow_size:${s ? s.peakExtra : 0}`,
      'current_cow_size_age:0',
      'current_fork_perc:0.00',
      `current_save_keys_processed:${s ? s.keys : 0}`,
      'current_save_keys_total:0',
      `rdb_changes_since_last_save:${dirty}`,
      `rdb_bgsave_in_progress:${this.running ? 1 : 0}`,
      `rdb_last_save_time:${this.lastSave}`,
      `rdb_last_bgsave_status:${this.lastBgsaveOk ? 'ok' : 'err'}`,
      `rdb_last_bgsave_time_sec:${this.lastBgsaveTimeSec}`,
      `rdb_current_bgsave_time_sec:${cur}`,
      `rdb_saves:${this.saves}`,
      `rdb_last_cow_size:${this.lastCowSize}`,
      `rdb_last_load_keys_expired:${this.lastLoadExpired}`,
      `rdb_last_load_keys_loaded:${this.lastLoadKeys}`,
    ];
  }
}

export interface RdbLoaded {
  keys: number;
  expired: number;
  empty: number;
}

/** The loader's step length and the interval of its progress lines (tests shorten both). */
export interface LoadPace {
  stepUs: number;
  logMs: number;
}

/**
 * Load an RDB file into the store in bounded steps, logging progress lines on long loads (dump.rdb
 * at start-up, and an AOF's base with aofBase, whose expired keys are kept as Redis keeps a
 * preamble's). Null when the file does not exist; throws (file and byte offset named) on a bad one.
 */
export function loadRdbFile(
  engine: NativeStore,
  file: string,
  log: Log,
  aofBase = false,
  pace: LoadPace = { stepUs: LOAD_STEP_US, logMs: LOAD_LOG_MS },
): RdbLoaded | null {
  if (!engine.loadOpen(file, aofBase)) return null;
  const start = Date.now();
  let lastLog = start;
  try {
    for (;;) {
      const p = engine.loadStep(pace.stepUs);
      const now = Date.now();
      if (p.done) return { keys: p.keys, expired: p.expired, empty: p.empty };
      if (now - lastLog >= pace.logMs) {
        lastLog = now;
        const secs = Math.max(now - start, 1) / 1000;
        const pct = p.size > 0 ? ((100 * p.pos) / p.size).toFixed(1) : '100.0';
        log(`Loading RDB ${file}: ${p.keys} keys, ${Math.round(p.keys / secs)} keys/s, ${pct}% of ${p.size} bytes`);
      }
    }
  } finally {
    engine.loadClose();
  }
}

export function fsyncDirSync(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string, cb: () => void): void {
  fs.open(dir, 'r', (err, fd) => {
    if (err) return cb();
    fs.fsync(fd, () => fs.close(fd, () => cb()));
  });
}

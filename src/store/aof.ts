// The append-only file as Redis 7.0 lays it out (multi-part): <dir>/<appenddirname>/ holds one
// base (<appendfilename>.<n>.base.rdb, or .base.aof, commands, with aof-use-rdb-preamble no), incr files (<appendfilename>.<n>.incr.aof) and the
// manifest (<appendfilename>.manifest, written to a temp name and renamed). The engine (aof.c)
// produces the RESP of every write; this side owns the files: it writes every client's writes of
// one event-loop turn together (one write, one fdatasync under appendfsync always) before any
// reply of that turn goes out, and replays the files at start-up through a loading client.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import type { NativeStore } from '../native.js';
import type { AofRewriter } from './aof-rewrite.js';
import { loadRdbFile } from './persistence.js';

export type AppendFsync = 'always' | 'everysec' | 'no';

export interface AofOptions {
  /** appendonly yes: load the AOF at start (instead of dump.rdb) and append every write. */
  enabled: boolean;
  /** The working directory (Redis's `dir`, shared with dump.rdb). Default: the current directory. */
  dir?: string;
  /** appenddirname (default appendonlydir). */
  dirname?: string;
  /** appendfilename (default appendonly.aof). */
  filename?: string;
  /** appendfsync (default everysec). */
  fsync?: AppendFsync;
  /** aof-load-truncated (default yes): a truncated last file loads up to its last whole command. */
  loadTruncated?: boolean;
  /** auto-aof-rewrite-percentage (default 100; 0 = no automatic rewrite). */
  autoRewritePercentage?: number;
  /** auto-aof-rewrite-min-size in bytes (default 64 MiB). */
  autoRewriteMinSize?: number;
  /** aof-use-rdb-preamble (default yes): a rewrite's base is an RDB; no: commands (.base.aof). */
  useRdbPreamble?: boolean;
}

interface ManifestFile {
  name: string;
  seq: number;
  type: 'b' | 'h' | 'i';
}

/** A file that does not replay: start-up stops with this (file and offset named). */
export class AofLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AofLoadError';
  }
}

const RDB_EOF = 0xff;
const RDB_AUX = 0xfa;

/** An RDB with no keys, as the base of a fresh AOF (checksum 0: "saved without checksum"). */
function emptyRdbBase(): Buffer {
  const aux = (k: string, v: Buffer): Buffer => Buffer.concat([Buffer.from([RDB_AUX, k.length]), Buffer.from(k), v]);
  const str = (s: string): Buffer => Buffer.concat([Buffer.from([s.length]), Buffer.from(s)]);
  return Buffer.concat([
    Buffer.from('REDIS0010'),
    aux('redis-ver', str('7.0.15')),
    aux('redis-bits', Buffer.from([0xc0, 64])),
    aux('aof-base', Buffer.from([0xc0, 1])),
    Buffer.from([RDB_EOF]),
    Buffer.alloc(8),
  ]);
}

interface Scan {
  /** Bytes of whole commands (an unfinished MULTI excluded). */
  valid: number;
  truncated: boolean;
  /** Where the format broke, if it did. */
  corrupt: number | null;
  /** Whole commands in the valid bytes. */
  commands: number;
}

const CR = 13;
const LF = 10;

/** Walk the RESP arrays of an AOF: where the whole commands end, truncation, corruption. */
export function scanAof(b: Buffer): Scan {
  let p = 0;
  let good = 0;
  let multiAt = -1;
  let commands = 0;
  let commandsAtMulti = 0;
  const line = (at: number, kind: number): { n: number; next: number } | 'eof' | 'bad' => {
    if (at >= b.length) return 'eof';
    if (b[at] !== kind) return 'bad';
    const nl = b.indexOf(LF, at);
    if (nl < 0) return 'eof';
    if (b[nl - 1] !== CR) return 'bad';
    const s = b.toString('latin1', at + 1, nl - 1);
    if (!/^\d+$/.test(s)) return 'bad';
    return { n: Number(s), next: nl + 1 };
  };
  const end = (truncated: boolean, corrupt: number | null): Scan => ({
    valid: multiAt >= 0 ? multiAt : good,
    commands: multiAt >= 0 ? commandsAtMulti : commands,
    truncated: truncated || (corrupt === null && multiAt >= 0),
    corrupt,
  });
  while (p < b.length) {
    if (b[p] === 0x23) {
      // #TS:... annotation
      const nl = b.indexOf(LF, p);
      if (nl < 0) return end(true, null);
      p = good = nl + 1;
      continue;
    }
    const start = p;
    const head = line(p, 0x2a);
    if (head === 'eof') return end(true, null);
    if (head === 'bad' || head.n < 1) return end(false, p);
    p = head.next;
    let name = '';
    for (let i = 0; i < head.n; i++) {
      const bulk = line(p, 0x24);
      if (bulk === 'eof') return end(true, null);
      if (bulk === 'bad') return end(false, p);
      if (bulk.next + bulk.n + 2 > b.length) return end(true, null);
      if (b[bulk.next + bulk.n] !== CR || b[bulk.next + bulk.n + 1] !== LF) return end(false, bulk.next + bulk.n);
      if (i === 0 && head.n === 1) name = b.toString('latin1', bulk.next, bulk.next + bulk.n).toLowerCase();
      p = bulk.next + bulk.n + 2;
    }
    if (name === 'multi') {
      multiAt = start;
      commandsAtMulti = commands;
    } else if (name === 'exec') multiAt = -1;
    good = p;
    commands++;
  }
  return end(false, null);
}

/** appendonly: on, off, or turned on and waiting for the rewrite that writes its base. */
export type AofState = 'on' | 'off' | 'wait-rewrite';

export class AppendOnlyFile {
  fsync: AppendFsync;
  /** Redis's `dir`: CONFIG SET dir moves where the next files go (as Redis's chdir does), while
   *  the incr file already open keeps taking the writes until the next rewrite's cut. */
  dir: string;
  readonly dirname: string;
  readonly filename: string;
  /** aof-load-truncated: read at the next load (CONFIG SET may change it). */
  loadTruncated: boolean;
  /** Redis's aof_state. */
  state: AofState = 'off';
  /** aof-use-rdb-preamble: the next base (a rewrite's, or a fresh one) is an RDB, else commands. */
  useRdbPreamble: boolean;
  private fd = -1;
  private unsynced = false;
  private syncing = false;
  /** Run when the in-flight everysec fdatasync ends (a replaced descriptor waits to close). */
  private afterSync: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The manifest as on disk: the base, history files (deleted after a rewrite), incr files. */
  private base: ManifestFile | null = null;
  private history: ManifestFile[] = [];
  private incr: ManifestFile[] = [];
  /** This turn's propagated bytes, written together by commit(). */
  private group: Buffer[] = [];
  private groupBytes = 0;
  private commitScheduled = false;
  /** Called after each commit: the socket side releases the replies it held for it. */
  onCommit: (() => void) | null = null;
  /** Crash tests only: called at each step of finishRewrite ('before-manifest', 'before-delete'). */
  testCrashPoint: ((stage: string) => void) | null = null;
  /** INFO persistence: aof_current_size, and aof_base_size (Redis's aof_rewrite_base_size: the
   *  base file's size after a load, the whole AOF's size when the last rewrite ended). */
  currentSize = 0;
  baseSize = 0;
  /** Bytes in the incr file being appended to. */
  private incrSize = 0;
  lastWriteOk = true;
  lastFsyncOk = true;
  /** What a failed write left to write (Redis keeps it in aof_buf and retries each second). */
  private unwritten: Buffer | null = null;
  private writeErrno = 0;
  private fsyncErrno = 0;
  private lastWriteErrorLog = 0;
  delayedFsync = 0;

  constructor(
    private readonly engine: NativeStore,
    opts: AofOptions,
    private readonly log: (line: string) => void,
  ) {
    this.fsync = opts.fsync ?? 'everysec';
    this.dirname = opts.dirname ?? 'appendonlydir';
    this.dir = path.resolve(opts.dir ?? '.');
    this.filename = opts.filename ?? 'appendonly.aof';
    this.loadTruncated = opts.loadTruncated ?? true;
    this.useRdbPreamble = opts.useRdbPreamble ?? true;
    this.timer = setInterval(() => this.everySecond(), 1000);
    this.timer.unref();
  }

  /** <dir>/<appenddirname>: where every file is opened, created, renamed or deleted. */
  get dirPath(): string {
    return path.resolve(this.dir, this.dirname);
  }

  get manifestName(): string {
    return `${this.filename}.manifest`;
  }

  private get tempIncrName(): string {
    return `temp-${this.filename}.incr`;
  }

  /** A base's name: .base.rdb (RDB) or .base.aof (commands), as Redis's getNewBaseFileNameAndMarkPreAsHistory. */
  private baseName(seq: number, rdb: boolean): string {
    return `${this.filename}.${seq}.base.${rdb ? 'rdb' : 'aof'}`;
  }

  private get baseSeq(): number {
    return this.base?.seq ?? 0;
  }

  private get incrSeq(): number {
    return this.incr.length > 0 ? this.incr[this.incr.length - 1]!.seq : 0;
  }

  private setManifest(files: ManifestFile[]): void {
    this.base = files.find((f) => f.type === 'b') ?? null;
    this.history = files.filter((f) => f.type === 'h');
    this.incr = files.filter((f) => f.type === 'i');
  }

  private manifestFiles(): ManifestFile[] {
    return [...(this.base ? [this.base] : []), ...this.history, ...this.incr];
  }

  private fileSize(name: string): number {
    return fs.statSync(path.join(this.dirPath, name)).size;
  }

  /** Load the files if they exist (else create a base, an incr file and the manifest), then append. */
  open(): void {
    const manifestPath = path.join(this.dirPath, this.manifestName);
    if (fs.existsSync(manifestPath)) {
      this.setManifest(this.parseManifest(fs.readFileSync(manifestPath, 'latin1')));
      this.load([...(this.base ? [this.base] : []), ...this.incr]);
    } else {
      fs.mkdirSync(this.dirPath, { recursive: true });
      // As Redis's rewrite of an empty dataset: an RDB with no keys, or an empty file of commands.
      this.base = { name: this.baseName(1, this.useRdbPreamble), seq: 1, type: 'b' };
      this.writeDurably(this.base.name, this.useRdbPreamble ? emptyRdbBase() : Buffer.alloc(0));
      this.log(`Creating AOF base file ${this.base.name} on server start`);
    }
    if (this.incr.length === 0) {
      const seq = this.incrSeq + 1;
      this.incr.push({ name: `${this.filename}.${seq}.incr.aof`, seq, type: 'i' });
      this.writeDurably(this.incr[0]!.name, Buffer.alloc(0));
      this.log(`Creating AOF incr file ${this.incr[0]!.name} on server start`);
    }
    this.writeManifest(this.manifestFiles());
    const current = this.incr[this.incr.length - 1]!.name;
    this.fd = fs.openSync(path.join(this.dirPath, current), 'a');
    this.incrSize = this.fileSize(current);
    this.baseSize = this.base ? this.fileSize(this.base.name) : 0;
    this.currentSize = this.baseSize + this.incr.reduce((n, f) => n + this.fileSize(f.name), 0);
    this.state = 'on';
    this.engine.aofEnable(true);
  }

  /**
   * After a feed, timers() or the cron: the engine's propagated bytes join this event-loop turn's
   * group, whose commit is scheduled for the end of the turn. True while a group waits for its
   * commit: the caller holds every reply until then (onCommit releases them), so nothing is
   * acknowledged before it is written (and, with appendfsync always, fsynced).
   */
  collect(): boolean {
    const bytes = this.engine.aofTake();
    if (bytes !== null && this.fd >= 0) {
      this.group.push(bytes);
      this.groupBytes += bytes.length;
    }
    if (this.group.length === 0) return false;
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => this.commit());
    }
    return true;
  }

  /**
   * The turn's group commit, as Redis's beforeSleep: one write of every client's writes, one
   * fdatasync with appendfsync always, then the held replies go out (onCommit).
   */
  commit(): void {
    this.commitScheduled = false;
    this.writeGroup();
    this.onCommit?.();
  }

  /** The group to the file now, without releasing replies (a command running may not re-enter
   *  the engine): the scheduled commit releases them. */
  private writeGroup(): void {
    if (this.group.length === 0) return;
    const bytes = this.group.length === 1 ? this.group[0]! : Buffer.concat(this.group, this.groupBytes);
    this.group = [];
    this.groupBytes = 0;
    if (this.fd >= 0) this.write(bytes);
  }

  /** Everything propagated so far to the file now (SHUTDOWN, close). */
  flush(): void {
    this.collect();
    this.commit();
  }

  /**
   * Redis's flushAppendOnlyFile: one write of what an earlier failure left plus `bytes`. A
   * failure (ENOSPC, EIO, a short write, which is undone with ftruncate) exits with appendfsync
   * always, as acknowledged writes must be on disk; otherwise the bytes are kept and retried
   * each second and writes get MISCONF until a write succeeds (aof_last_write_status).
   */
  private write(bytes: Buffer): void {
    const all = this.unwritten === null ? bytes : Buffer.concat([this.unwritten, bytes]);
    this.unwritten = null;
    let written = 0;
    let errno = 0;
    try {
      while (written < all.length) written += fs.writeSync(this.fd, all, written);
    } catch (e) {
      errno = Math.abs((e as NodeJS.ErrnoException).errno ?? osConstants.errno.EIO);
    }
    if (written < all.length) {
      this.writeFailed(all, written, errno);
      return;
    }
    if (!this.lastWriteOk) {
      this.log('AOF write error looks solved, Redis can write again.');
      this.lastWriteOk = true;
      this.publishDiskError();
    }
    this.currentSize += all.length;
    this.incrSize += all.length;
    if (this.fsync === 'always') {
      try {
        fs.fdatasyncSync(this.fd);
      } catch (e) {
        this.lastFsyncOk = false;
        this.log(
          `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${errnoText(e)}. Exiting...`,
        );
        process.exit(1);
      }
    } else {
      this.unsynced = true;
    }
  }

  private writeFailed(all: Buffer, written: number, errno: number): void {
    // Redis's AOF_WRITE_LOG_ERROR_RATE: one line per 30 s.
    const canLog = Date.now() - this.lastWriteErrorLog > 30_000;
    if (canLog) this.lastWriteErrorLog = Date.now();
    if (written === 0) {
      if (canLog) this.log(`Error writing to the AOF file: ${strerror(errno)}`);
      this.writeErrno = errno;
    } else {
      if (canLog) this.log(`Short write while writing to the AOF file: (nwritten=${written}, expected=${all.length})`);
      try {
        fs.ftruncateSync(this.fd, this.incrSize);
        written = 0;
      } catch (e) {
        if (canLog)
          this.log(
            'Could not remove short write from the append-only file.  Redis may refuse to load the AOF ' +
              `the next time it starts.  ftruncate: ${errnoText(e)}`,
          );
      }
      this.writeErrno = osConstants.errno.ENOSPC;
    }
    if (this.fsync === 'always') {
      this.log("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      process.exit(1);
    }
    this.currentSize += written;
    this.incrSize += written;
    this.unwritten = all.subarray(written);
    this.lastWriteOk = false;
    this.publishDiskError();
  }

  /** The engine's MISCONF for writes (Redis's writeCommandsDeniedByDiskError, its AOF part):
   *  a write error's errno, else an everysec fsync error's, while appendonly is not off. */
  private publishDiskError(): void {
    const errno = this.state === 'off' ? 0 : !this.lastWriteOk ? this.writeErrno : this.fsyncErrno;
    this.engine.configSet('aof-write-errno', errno);
  }

  /** Bytes a failed write left to retry (INFO aof_buffer_length). */
  get bufferLength(): number {
    return this.unwritten?.length ?? 0;
  }

  /** everysec: fdatasync off the loop (libuv's pool), at most one in flight. */
  private everySecond(): void {
    // serverCron's retry of a failed write, once a second.
    if (!this.lastWriteOk && this.unwritten !== null && this.fd >= 0 && this.state !== 'off')
      this.write(Buffer.alloc(0));
    if (this.fsync !== 'everysec' || !this.unsynced || this.fd < 0) return;
    if (this.syncing) {
      this.delayedFsync++;
      return;
    }
    this.unsynced = false;
    this.syncing = true;
    fs.fdatasync(this.fd, (err) => {
      this.syncing = false;
      // As Redis's bio thread: the status follows the last fsync, logged when it turns bad.
      if (err && this.lastFsyncOk) this.log(`Fail to fsync the AOF file: ${errnoText(err)}`);
      this.lastFsyncOk = err === null;
      this.fsyncErrno = err ? Math.abs(err.errno ?? osConstants.errno.EIO) : 0;
      this.publishDiskError();
      const then = this.afterSync;
      this.afterSync = [];
      for (const f of then) f();
    });
  }

  /** A replaced descriptor: fsynced (off the loop unless already synced) and closed, after any
   *  fdatasync still running on it. */
  private retire(fd: number, unsynced: boolean): void {
    const close = (): void => {
      if (!unsynced) return fs.close(fd, () => {});
      fs.fdatasync(fd, () => fs.close(fd, () => {}));
    };
    if (this.syncing) this.afterSync.push(close);
    else close();
  }

  /**
   * The rewrite's cut (Redis's openNewIncrAofForAppend), called in the same turn as the
   * snapshot's start: what was propagated before goes to the current incr file, and the writes
   * after it go to a new one, so the new base plus the files after it replay to the dataset.
   * With appendonly on, the new incr file is named in the manifest at once; waiting for the base
   * (CONFIG SET appendonly yes), a temp incr file collects the writes until the rewrite ends;
   * with appendonly off nothing is appended. Throws if the new file or manifest cannot be written.
   */
  cutForRewrite(): void {
    fs.mkdirSync(this.dirPath, { recursive: true });
    if (this.state === 'off') {
      this.readManifest();
      return;
    }
    const pending = this.engine.aofTake();
    if (pending !== null && this.fd >= 0) {
      this.group.push(pending);
      this.groupBytes += pending.length;
    }
    this.writeGroup();
    let file: ManifestFile | null = null;
    let name = this.tempIncrName;
    if (this.state === 'on') {
      const seq = this.incrSeq + 1;
      file = { name: `${this.filename}.${seq}.incr.aof`, seq, type: 'i' };
      name = file.name;
    }
    const fd = fs.openSync(path.join(this.dirPath, name), 'w', 0o644);
    if (file !== null) {
      try {
        this.writeManifest([...this.manifestFiles(), file]);
      } catch (e) {
        fs.closeSync(fd);
        throw e;
      }
      this.incr.push(file);
      this.log(`Creating AOF incr file ${name} on background rewrite`);
    }
    if (this.fd >= 0) this.retire(this.fd, this.unsynced);
    this.fd = fd;
    this.unsynced = false;
    this.incrSize = 0;
    // Re-enabling resets the stream's db: the new file starts with a SELECT.
    this.engine.aofEnable(true);
  }

  /** With appendonly off, the manifest on disk (if any) is what a rewrite replaces. */
  private readManifest(): void {
    const p = path.join(this.dirPath, this.manifestName);
    this.setManifest(fs.existsSync(p) ? this.parseManifest(fs.readFileSync(p, 'latin1')) : []);
  }

  /**
   * The rewrite's base is complete in tmpBase (fsynced; an RDB, or commands when !rdb): it becomes
   * the next base, the temp incr
   * file (waiting for the base) the next incr file; the old base and the incr files before the
   * cut become history in a manifest published atomically, then are deleted and the manifest
   * written again without them (Redis's backgroundRewriteDoneHandler and aofDelHistoryFiles).
   * Throws, leaving the old manifest in force, if a rename or the manifest fails.
   */
  finishRewrite(tmpBase: string, rdb = true): void {
    const base: ManifestFile = {
      name: this.baseName(this.baseSeq + 1, rdb),
      seq: this.baseSeq + 1,
      type: 'b',
    };
    const basePath = path.join(this.dirPath, base.name);
    fs.renameSync(tmpBase, basePath);
    const undo: string[] = [basePath];
    let incr: ManifestFile[] = [];
    let history = [...this.history, ...(this.base ? [{ ...this.base, type: 'h' as const }] : [])];
    try {
      if (this.state === 'wait-rewrite') {
        const seq = this.incrSeq + 1;
        const file: ManifestFile = { name: `${this.filename}.${seq}.incr.aof`, seq, type: 'i' };
        fs.renameSync(path.join(this.dirPath, this.tempIncrName), path.join(this.dirPath, file.name));
        undo.push(path.join(this.dirPath, file.name));
        history = [...history, ...this.incr.map((f) => ({ ...f, type: 'h' as const }))];
        incr = [file];
      } else if (this.state === 'on') {
        history = [...history, ...this.incr.slice(0, -1).map((f) => ({ ...f, type: 'h' as const }))];
        incr = this.incr.slice(-1);
      } else {
        history = [...history, ...this.incr.map((f) => ({ ...f, type: 'h' as const }))];
      }
      this.testCrashPoint?.('before-manifest');
      this.writeManifest([base, ...history, ...incr]);
    } catch (e) {
      for (const f of undo) fs.rmSync(f, { force: true });
      throw e;
    }
    this.base = base;
    this.history = history;
    this.incr = incr;
    if (this.state !== 'off') {
      this.currentSize = this.fileSize(base.name) + this.incrSize;
      this.baseSize = this.currentSize;
    }
    if (this.state === 'wait-rewrite') this.state = 'on';
    this.testCrashPoint?.('before-delete');
    // History goes; a failure here only leaves files the next rewrite deletes.
    try {
      for (const f of this.history) {
        this.log(`Removing the history file ${f.name} in the background`);
        fs.rmSync(path.join(this.dirPath, f.name), { force: true });
      }
      this.history = [];
      this.writeManifest(this.manifestFiles());
    } catch (e) {
      this.log(`Error removing the AOF history files: ${(e as Error).message}`);
    }
  }

  /** A rewrite failed or was stopped: a temp incr file (waiting for the base) is dropped with what
   *  it collected; with appendonly on, the new incr file stays (as in Redis). */
  rewriteFailed(): void {
    if (this.state !== 'wait-rewrite' || this.fd < 0) return;
    this.engine.aofEnable(false);
    this.engine.aofTake();
    this.group = [];
    this.groupBytes = 0;
    this.retire(this.fd, false);
    this.fd = -1;
    fs.rmSync(path.join(this.dirPath, this.tempIncrName), { force: true });
  }

  /** CONFIG SET appendonly yes: writes are not appended until the rewrite that writes the base starts. */
  beginWaitingForRewrite(): void {
    this.state = 'wait-rewrite';
    // Redis's startAppendOnly forgets an earlier error.
    if (!this.lastFsyncOk) this.log('AOF reopen, just ignore the AOF fsync error in bio job');
    if (!this.lastWriteOk) this.log('AOF reopen, just ignore the last error.');
    this.lastFsyncOk = true;
    this.lastWriteOk = true;
    this.publishDiskError();
  }

  /** CONFIG SET appendonly no (Redis's stopAppendOnly): what was propagated is written and
   *  fsynced, the file closed, nothing more appended. */
  stop(): void {
    const pending = this.engine.aofTake();
    if (pending !== null && this.fd >= 0) {
      this.group.push(pending);
      this.groupBytes += pending.length;
    }
    this.writeGroup();
    this.engine.aofEnable(false);
    if (this.fd >= 0) {
      try {
        fs.fsyncSync(this.fd);
      } catch (e) {
        this.log(`Fail to fsync the AOF file: ${(e as Error).message}`);
      }
      this.retire(this.fd, false);
    }
    if (this.state === 'wait-rewrite') fs.rmSync(path.join(this.dirPath, this.tempIncrName), { force: true });
    this.fd = -1;
    this.unsynced = false;
    this.state = 'off';
    // Redis's stopAppendOnly drops aof_buf; writes are no longer refused for the AOF.
    this.unwritten = null;
    this.publishDiskError();
  }

  /** Last bytes out and synced (SHUTDOWN, close). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.fd < 0) return;
    this.flush();
    try {
      fs.fsyncSync(this.fd);
    } finally {
      fs.closeSync(this.fd);
      this.fd = -1;
      this.engine.aofEnable(false);
    }
  }

  private parseManifest(text: string): ManifestFile[] {
    const files: ManifestFile[] = [];
    for (const raw of text.split('\n')) {
      const l = raw.trim();
      if (l === '' || l.startsWith('#')) continue;
      const t = l.split(/\s+/);
      const kv = new Map<string, string>();
      for (let i = 0; i + 1 < t.length; i += 2) kv.set(t[i]!, t[i + 1]!);
      const name = kv.get('file');
      const seq = Number(kv.get('seq'));
      const type = kv.get('type');
      if (name === undefined || !Number.isInteger(seq) || (type !== 'b' && type !== 'h' && type !== 'i'))
        throw new AofLoadError(`Invalid AOF manifest file format: ${this.manifestName} line "${l}"`);
      files.push({ name, seq, type });
    }
    if (!files.some((f) => f.type === 'b' || f.type === 'i'))
      throw new AofLoadError(`Found an empty AOF manifest: ${this.manifestName}`);
    return files;
  }

  private writeManifest(files: ManifestFile[]): void {
    const order = [
      ...files.filter((f) => f.type === 'b'),
      ...files.filter((f) => f.type === 'h'),
      ...files.filter((f) => f.type === 'i'),
    ];
    const text = order.map((f) => `file ${f.name} seq ${f.seq} type ${f.type}\n`).join('');
    const tmp = `temp-${this.manifestName}`;
    this.writeDurably(tmp, Buffer.from(text));
    fs.renameSync(path.join(this.dirPath, tmp), path.join(this.dirPath, this.manifestName));
    this.syncDir();
  }

  private writeDurably(name: string, data: Buffer): void {
    const fd = fs.openSync(path.join(this.dirPath, name), 'w');
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.syncDir();
  }

  private syncDir(): void {
    const fd = fs.openSync(this.dirPath, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** The base, then the incr files in order, through one loading client. */
  private load(files: ManifestFile[]): void {
    const start = Date.now();
    const slot = this.engine.clientOpen('aof-loading', '', -1);
    let commands = 0;
    try {
      const order = files;
      order.forEach((f, i) => {
        const file = path.join(this.dirPath, f.name);
        if (!fs.existsSync(file)) throw new AofLoadError(`The AOF file ${f.name} doesn't exist`);
        if (f.type === 'b' && f.name.endsWith('.rdb')) {
          // An RDB base (aof-use-rdb-preamble yes): the same loader as dump.rdb, in bounded steps.
          this.log(`Loading RDB preamble from AOF file ${f.name}`);
          const r = loadRdbFile(this.engine, file, this.log, true);
          if (r !== null) this.log(`Done loading RDB preamble from AOF file ${f.name} (${r.keys} keys)`);
          return;
        }
        const b = fs.readFileSync(file);
        const isLast = i === order.length - 1;
        const s = scanAof(b);
        if (s.corrupt !== null)
          throw new AofLoadError(
            `Bad file format reading the append only file ${f.name} at offset ${s.corrupt}: ` +
              `make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`,
          );
        if (s.truncated) {
          if (!isLast || !this.loadTruncated)
            throw new AofLoadError(
              `Unexpected end of file reading the append only file ${f.name} at offset ${s.valid} ` +
                `(file size ${b.length}): make a backup of it, then use ./redis-check-aof --fix ` +
                `<filename.manifest>, or set aof-load-truncated yes to load it up to offset ${s.valid}`,
            );
          this.log(
            `!!! Warning: short read while loading the AOF file ${f.name}!!! ` +
              `AOF ${f.name} loaded anyway because aof-load-truncated is enabled: truncated to offset ` +
              `${s.valid} (was ${b.length} bytes)`,
          );
          fs.truncateSync(file, s.valid);
        }
        this.replay(slot, b.subarray(0, s.valid));
        commands += s.commands;
      });
    } finally {
      this.engine.clientClose(slot);
    }
    this.log(
      `DB loaded from append only file: ${((Date.now() - start) / 1000).toFixed(3)} seconds (${commands} commands)`,
    );
  }

  /** Feed whole commands in chunks; replies are drained and dropped. */
  private replay(slot: number, data: Buffer): void {
    const CHUNK = 1 << 20;
    const out = Buffer.allocUnsafe(1 << 16);
    for (let off = 0; off < data.length; off += CHUNK) {
      const part = data.subarray(off, Math.min(off + CHUNK, data.length));
      this.engine.feed(slot, part, part.length, out, 0);
      while (this.engine.status[0]! > 0) this.engine.drain(slot, out, 0);
    }
  }

  /** An everysec fdatasync is running (INFO aof_pending_bio_fsync). */
  get fsyncInFlight(): boolean {
    return this.syncing;
  }
}

/** INFO persistence's aof_* status fields, Redis 7.0.15's (before module_fork_*). */
export function aofInfo(aof: AppendOnlyFile | null, rw: AofRewriter | null): string[] {
  return [
    `aof_enabled:${aof && aof.state !== 'off' ? 1 : 0}`,
    `aof_rewrite_in_progress:${rw?.inProgress ? 1 : 0}`,
    `aof_rewrite_scheduled:${rw?.scheduled ? 1 : 0}`,
    `aof_last_rewrite_time_sec:${rw?.lastTimeSec ?? -1}`,
    `aof_current_rewrite_time_sec:${rw?.currentTimeSec ?? -1}`,
    `aof_last_bgrewrite_status:${rw && !rw.lastOk ? 'err' : 'ok'}`,
    `aof_rewrites:${rw?.rewrites ?? 0}`,
    `aof_rewrites_consecutive_failures:${rw?.consecutiveFailures ?? 0}`,
    `aof_last_write_status:${aof && !(aof.lastWriteOk && aof.lastFsyncOk) ? 'err' : 'ok'}`,
    `aof_last_cow_size:${rw?.lastCowSize ?? 0}`,
  ];
}

/** The fields Redis adds at the end of the section while appendonly is yes. */
export function aofSizes(aof: AppendOnlyFile | null, rw: AofRewriter | null): string[] {
  if (!aof || aof.state === 'off') return [];
  return [
    `aof_current_size:${aof.currentSize}`,
    `aof_base_size:${aof.baseSize}`,
    `aof_pending_rewrite:${rw?.scheduled ? 1 : 0}`,
    `aof_buffer_length:${aof.bufferLength}`,
    `aof_pending_bio_fsync:${aof.fsyncInFlight ? 1 : 0}`,
    `aof_delayed_fsync:${aof.delayedFsync}`,
  ];
}

/** strerror(3)'s text for an errno (libuv's, capitalised as glibc's mostly is). */
function strerror(errno: number): string {
  const m = getSystemErrorMap().get(-errno)?.[1] ?? `errno ${errno}`;
  return m.charAt(0).toUpperCase() + m.slice(1);
}

function errnoText(e: unknown): string {
  const errno = (e as NodeJS.ErrnoException).errno;
  return errno === undefined ? (e as Error).message : strerror(Math.abs(errno));
}

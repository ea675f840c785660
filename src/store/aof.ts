// The append-only file as Redis 7.0 lays it out (multi-part): <dir>/<appenddirname>/ holds one
// base (<appendfilename>.<n>.base.rdb), incr files (<appendfilename>.<n>.incr.aof) and the
// manifest (<appendfilename>.manifest, written to a temp name and renamed). The engine (aof.c)
// produces the RESP of every write; this side owns the files: it writes every client's writes of
// one event-loop turn together (one write, one fdatasync under appendfsync always) before any
// reply of that turn goes out, and replays the files at start-up through a loading client.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NativeStore } from '../native.js';
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

export class AppendOnlyFile {
  fsync: AppendFsync;
  readonly dirPath: string;
  readonly dirname: string;
  readonly filename: string;
  readonly loadTruncated: boolean;
  private fd = -1;
  private unsynced = false;
  private syncing = false;
  private timer: NodeJS.Timeout | null = null;
  private incrName = '';
  private baseName = '';
  /** This turn's propagated bytes, written together by commit(). */
  private group: Buffer[] = [];
  private groupBytes = 0;
  private commitScheduled = false;
  /** Called after each commit: the socket side releases the replies it held for it. */
  onCommit: (() => void) | null = null;
  /** INFO persistence. */
  currentSize = 0;
  baseSize = 0;
  lastWriteOk = true;
  lastFsyncOk = true;
  delayedFsync = 0;

  constructor(
    private readonly engine: NativeStore,
    opts: AofOptions,
    private readonly log: (line: string) => void,
  ) {
    this.fsync = opts.fsync ?? 'everysec';
    this.dirname = opts.dirname ?? 'appendonlydir';
    this.dirPath = path.resolve(opts.dir ?? '.', this.dirname);
    this.filename = opts.filename ?? 'appendonly.aof';
    this.loadTruncated = opts.loadTruncated ?? true;
  }

  get manifestName(): string {
    return `${this.filename}.manifest`;
  }

  /** Load the files if they exist (else create a base, an incr file and the manifest), then append. */
  open(): void {
    const manifestPath = path.join(this.dirPath, this.manifestName);
    let files: ManifestFile[];
    if (fs.existsSync(manifestPath)) {
      files = this.parseManifest(fs.readFileSync(manifestPath, 'latin1'));
      this.load(files);
    } else {
      fs.mkdirSync(this.dirPath, { recursive: true });
      files = [
        { name: `${this.filename}.1.base.rdb`, seq: 1, type: 'b' },
        { name: `${this.filename}.1.incr.aof`, seq: 1, type: 'i' },
      ];
      this.writeDurably(files[0]!.name, emptyRdbBase());
      this.log(`Creating AOF base file ${files[0]!.name} on server start`);
      this.writeDurably(files[1]!.name, Buffer.alloc(0));
      this.log(`Creating AOF incr file ${files[1]!.name} on server start`);
      this.writeManifest(files);
    }
    const base = files.find((f) => f.type === 'b');
    const incr = files.filter((f) => f.type === 'i');
    if (incr.length === 0) {
      const seq = 1;
      incr.push({ name: `${this.filename}.${seq}.incr.aof`, seq, type: 'i' });
      this.writeDurably(incr[0]!.name, Buffer.alloc(0));
      this.writeManifest([...files, incr[0]!]);
    }
    this.baseName = base?.name ?? '';
    this.incrName = incr[incr.length - 1]!.name;
    this.fd = fs.openSync(path.join(this.dirPath, this.incrName), 'a');
    this.baseSize = this.baseName ? fs.statSync(path.join(this.dirPath, this.baseName)).size : 0;
    this.currentSize = this.baseSize + incr.reduce((n, f) => n + fs.statSync(path.join(this.dirPath, f.name)).size, 0);
    this.engine.aofEnable(true);
    this.timer = setInterval(() => this.everySecond(), 1000);
    this.timer.unref();
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
    if (this.group.length > 0) {
      const bytes = this.group.length === 1 ? this.group[0]! : Buffer.concat(this.group, this.groupBytes);
      this.group = [];
      this.groupBytes = 0;
      this.write(bytes);
    }
    this.onCommit?.();
  }

  /** Everything propagated so far to the file now (SHUTDOWN, close). */
  flush(): void {
    this.collect();
    this.commit();
  }

  private write(bytes: Buffer): void {
    try {
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(this.fd, bytes, off);
      this.currentSize += bytes.length;
      this.lastWriteOk = true;
    } catch (e) {
      this.lastWriteOk = false;
      this.fatal(`Error writing to the AOF file: ${(e as Error).message}`);
      return;
    }
    if (this.fsync === 'always') {
      try {
        fs.fdatasyncSync(this.fd);
      } catch (e) {
        this.lastFsyncOk = false;
        this.fatal(`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${(e as Error).message}`);
      }
    } else {
      this.unsynced = true;
    }
  }

  /** Redis exits when it cannot write an acknowledged write; so does this store. */
  private fatal(msg: string): void {
    this.log(msg + '. Exiting...');
    process.exit(1);
  }

  /** everysec: fdatasync off the loop (libuv's pool), at most one in flight. */
  private everySecond(): void {
    if (this.fsync !== 'everysec' || !this.unsynced || this.fd < 0) return;
    if (this.syncing) {
      this.delayedFsync++;
      return;
    }
    this.unsynced = false;
    this.syncing = true;
    fs.fdatasync(this.fd, (err) => {
      this.syncing = false;
      this.lastFsyncOk = err === null;
      if (err) this.log(`Error syncing the AOF file: ${err.message}`);
    });
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
    const base = files.find((f) => f.type === 'b');
    const incr = files.filter((f) => f.type === 'i');
    const slot = this.engine.clientOpen('aof-loading', '', -1);
    let commands = 0;
    try {
      const order = [...(base ? [base] : []), ...incr];
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
export function aofInfo(aof: AppendOnlyFile | null): string[] {
  return [
    `aof_enabled:${aof ? 1 : 0}`,
    'aof_rewrite_in_progress:0',
    'aof_rewrite_scheduled:0',
    'aof_last_rewrite_time_sec:-1',
    'aof_current_rewrite_time_sec:-1',
    'aof_last_bgrewrite_status:ok',
    'aof_rewrites:0',
    'aof_rewrites_consecutive_failures:0',
    `aof_last_write_status:${aof && !aof.lastWriteOk ? 'err' : 'ok'}`,
    'aof_last_cow_size:0',
  ];
}

/** The fields Redis adds at the end of the section while appendonly is yes. */
export function aofSizes(aof: AppendOnlyFile | null): string[] {
  if (!aof) return [];
  return [
    `aof_current_size:${aof.currentSize}`,
    `aof_base_size:${aof.baseSize}`,
    'aof_pending_rewrite:0',
    'aof_buffer_length:0',
    `aof_pending_bio_fsync:${aof.fsyncInFlight ? 1 : 0}`,
    `aof_delayed_fsync:${aof.delayedFsync}`,
  ];
}

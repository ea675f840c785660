// The store engine's public entry: a Redis-protocol (RESP2) database whose data plane is C
// (native/store/): parsing, dispatch, execution, replies and every byte of keys, metadata,
// values and buffers in tiermem. Keys and metadata are pinned to DRAM; values are routed by the
// threshold. This side owns the sockets, timers and configuration.

import type { ChangeLog } from '../service/change-log.js';
import type { AddressInfo } from 'node:net';
import { openStore } from '../allocator.js';
import type { NativeStoreCensus } from '../native.js';
import type { Allocator, Tier } from '../types.js';
import type { StoreComposition } from './composition.js';
import { AppendOnlyFile, type AofOptions } from './aof.js';
import { AofRewriter } from './aof-rewrite.js';
import { controlPlane } from './control.js';
import type { ConfigFileRef, StartupSetting } from './conf-file.js';
import { applyStartupSettings, startupDatabases } from './startup-settings.js';
import { loadUsersAtStartup } from './acl-startup.js';
import { configuredUsers } from './conf-users.js';
import { DEFAULT_OUTPUT_LIMITS, StoreHost, type StoreLimits, type StoreStats } from './host.js';
import { InternalErrors } from './internal-errors.js';
import { closeIdle } from './security.js';
import { startCron } from './hz.js';
import type { MemoryProfile } from './memprofile.js';
import { Persistence, type PersistenceOptions } from './persistence.js';
import { StoreNetServer } from './server.js';
import type { TieringController } from './tiering.js';

export type { StoreComposition, TypeComposition, TierFigures } from './composition.js';
export type { TieringController, TieringControllerParams } from './tiering.js';
export type { DataType } from './data/types.js';
export { DATA_TYPES } from './data/types.js';
export type { StoreStats } from './host.js';
export type { PersistenceOptions } from './persistence.js';
export type { MemoryProfile, ProfileCell, StorePart, TypePart } from './memprofile.js';
export type { AofOptions, AppendFsync } from './aof.js';

export interface StoreServerOptions {
  allocator: Allocator;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 6379; 0 picks a free port (see `address`). */
  port?: number;
  /** The ratio controller, for CONFIG SET dram-pmem-ratio / dynamic-threshold-*; optional. */
  controller?: TieringController | null;
  /** Unparsed input per client before it is disconnected (client-query-buffer-limit). Default 1 GiB. */
  maxQueryBuffer?: number;
  /** Unsent output per normal client before it is disconnected (the normal class's hard
   *  client-output-buffer-limit); 0 = unlimited. Default 256 MiB. */
  maxOutputBuffer?: number;
  /** Largest bulk argument / string value (proto-max-bulk-len). Default 512 MiB. */
  maxBulkLen?: number;
  /** Run the active expiry cycle (default true). */
  activeExpiry?: boolean;
  /** Number of databases (SELECT 0..n-1). Default 16. */
  databases?: number;
  /** Where CONFIG SET logs run-time changes of the tiering settings. */
  changes?: ChangeLog;
  /** The default user's password (requirepass); clients must AUTH. Default none. */
  requirepass?: string;
  /** With no password, refuse non-loopback clients (protected-mode). Default true. */
  protectedMode?: boolean;
  /** Connections beyond this are refused (maxclients). Default 10000. */
  maxClients?: number;
  /** Close clients idle this many seconds (timeout); 0 = never (default). */
  timeout?: number;
  /** TCP keepalive period in seconds (tcp-keepalive); 0 = off. Default 300. */
  tcpKeepalive?: number;
  /**
   * RDB persistence (SAVE, BGSAVE, save points, dump.rdb loaded at start). Absent: the store
   * does not persist (SAVE and BGSAVE reply an error).
   */
  persistence?: PersistenceOptions;
  /** Log lines (loading progress, saves). Default: none. */
  log?: (line: string) => void;
  /** What SHUTDOWN does after its save: default, close this server. */
  onShutdown?: () => void;
  /** The append-only file (appendonly, appendfsync, appenddirname, ...); its `dir` defaults to
   *  the persistence one. Absent: appendonly no. With appendonly yes it is loaded at start
   *  instead of dump.rdb. */
  aof?: AofOptions;
  /** CONFIG parameters to apply at start, in order, before the data is loaded (a config file's
   *  and the flags'); a refused one stops start-up with Redis's fatal config error. */
  settings?: readonly StartupSetting[];
  /** The redis.conf-style file CONFIG REWRITE rewrites (absolute); absent: none. */
  configFile?: ConfigFileRef | null;
}

export interface StoreServer {
  readonly address: AddressInfo;
  /** Per data type x tier keys and bytes, client buffers; from the engine's counters, no scan. */
  composition(): StoreComposition;
  /** Connection and command counters (INFO stats). */
  readonly stats: Readonly<StoreStats>;
  /** The migrator as the controller's second actuator: move up to `bytes` of values to `to`
   *  (coldest DRAM values out, hottest PMem values in); returns the bytes one immediate bounded
   *  step moved, the rest follows in the cron's steps within tier-migrate-rate. */
  migrate(bytes: number, to: Tier): number;
  /** Where every block the engine holds is, by the kernel (move_pages; a walk of the whole
   *  keyspace that blocks the loop: for checks such as bench/soak, not for monitoring). */
  pageCensus(): NativeStoreCensus;
  /** The persistence state (null when not configured). */
  readonly persistence: Persistence | null;
  /** BGSAVE STAT_MEMORY's last profile and whether one runs (null without persistence). */
  memoryProfile(): { profile: MemoryProfile | null; running: boolean } | null;
  /** BGSAVE STAT_MEMORY, as a client's command would start it. */
  startProfile(): 'started' | 'busy' | 'unavailable' | { error: string };
  /**
   * Stop accepting, disconnect clients, free every key and value. The allocator stays open.
   * With save points configured, the dataset is saved first (as Redis does on SIGTERM).
   */
  close(): Promise<void>;
}

/** Read once, when this module loads: setting it later cannot turn fault injection on. */
const TEST_FAULTS_AT_START = process.env.TIERMEM_TEST_FAULTS === '1';

/** Background freeing also takes the loop's idle time, in slices this long between I/O. */
const LAZY_SLICE_US = 1000;

export async function startStoreServer(opts: StoreServerOptions): Promise<StoreServer> {
  const limits: StoreLimits = {
    maxBulkLen: opts.maxBulkLen ?? 512 * 1024 * 1024,
    maxQueryBuffer: opts.maxQueryBuffer ?? 1024 * 1024 * 1024,
    output: [
      { ...DEFAULT_OUTPUT_LIMITS[0]!, hard: opts.maxOutputBuffer ?? DEFAULT_OUTPUT_LIMITS[0]!.hard },
      { ...DEFAULT_OUTPUT_LIMITS[1]! },
      { ...DEFAULT_OUTPUT_LIMITS[2]! },
    ],
  };
  const engine = openStore(opts.allocator, {
    databases: startupDatabases(opts.settings ?? []) ?? opts.databases ?? 16,
  });
  const host = new StoreHost(opts.allocator, engine, limits, opts.controller ?? null);
  if (opts.changes) host.changes = opts.changes;
  engine.setDefer(controlPlane(host));
  const log = opts.log ?? ((): void => {});
  host.internalErrors = new InternalErrors(log);
  // Fault injection for the internal-error tests: only when the process started with it.
  if (TEST_FAULTS_AT_START) {
    host.testFaults = true;
    host.applyLimit('test-faults', 1);
  }
  if (opts.persistence) host.persistence = new Persistence(engine, opts.persistence, log, () => host.usedBytes());
  host.configFile = opts.configFile ?? null;
  // Loaded before the port opens (as Redis loads before it accepts) and before requirepass
  // applies (the loading client needs no AUTH); a bad file stops start-up. With appendonly yes
  // the AOF is the dataset and dump.rdb is not read, as in Redis.
  // The AOF object exists whenever the store persists (appendonly can be turned on at run time).
  const aof =
    opts.aof || opts.persistence
      ? new AppendOnlyFile(
          engine,
          { enabled: false, ...opts.aof, dir: opts.aof?.dir ?? opts.persistence?.dir ?? '.' },
          log,
        )
      : null;
  // Before the start-up settings, which set the AOF's parameters (auto-aof-rewrite-*, aof-use-rdb-preamble).
  const rewriter = aof ? new AofRewriter(engine, aof, host.persistence, log) : null;
  host.aof = aof;
  host.aofRewrite = rewriter;
  if (rewriter && host.persistence) host.persistence.backgroundBusy = (): boolean => rewriter.inProgress;
  if (rewriter && opts.aof?.autoRewritePercentage !== undefined)
    rewriter.autoPercentage = opts.aof.autoRewritePercentage;
  if (rewriter && opts.aof?.autoRewriteMinSize !== undefined)
    rewriter.autoMinSize = BigInt(opts.aof.autoRewriteMinSize);
  try {
    // Before loading, as Redis reads its config first (encodings and limits apply to the load).
    applyStartupSettings(host, opts.settings ?? []);
    if (aof && opts.aof?.enabled) aof.open();
    else host.persistence?.load();
  } catch (e) {
    aof?.close();
    host.closed = true;
    engine.close();
    throw e;
  }
  // Crash tests: the process kills itself at a named step of a rewrite's end.
  const crashAt = TEST_FAULTS_AT_START ? process.env.TIERMEM_TEST_AOF_CRASH : undefined;
  if (aof && crashAt)
    aof.testCrashPoint = (stage): void => {
      if (stage === crashAt) process.kill(process.pid, 'SIGKILL');
    };
  if (opts.requirepass) host.setRequirepass(Buffer.from(opts.requirepass, 'utf8'));
  try {
    loadUsersAtStartup(host, configuredUsers(opts.settings ?? []));
  } catch (e) {
    host.closed = true;
    host.aof?.close();
    engine.close();
    throw e;
  }
  if (opts.protectedMode !== undefined) host.access.protectedMode = opts.protectedMode;
  if (opts.maxClients !== undefined) host.access.maxClients = opts.maxClients;
  if (opts.timeout !== undefined) host.access.timeout = opts.timeout;
  if (opts.tcpKeepalive !== undefined) host.access.tcpKeepalive = opts.tcpKeepalive;
  const net = new StoreNetServer(host);
  let address: AddressInfo;
  try {
    address = await net.listen(opts.port ?? 6379, opts.host ?? '127.0.0.1');
  } catch (e) {
    host.closed = true;
    host.aof?.close();
    engine.close();
    throw e;
  }
  host.port = address.port;
  host.configuredPort = opts.port ?? 6379;
  host.bindAddress = opts.host ?? '127.0.0.1';
  // Active expiry and incremental rehashing, in bounded steps (the timer never keeps the process alive).
  // The migrator acts on its own (promotions on read, DRAM-pressure demotions) only while a
  // ratio controller steers; under a fixed threshold, placement is the operator's.
  const steering = (): number => (host.controller && host.controller.status !== 'paused' ? 1 : 0);
  let auto = -1;
  // A pending background free (FLUSHALL ASYNC, UNLINK or DEL of a big value) goes on in the
  // loop's idle time, one slice per turn after the poll phase (setImmediate), so clients wait at
  // most a slice while the memory comes back in seconds, as from Redis's lazyfree thread, rather
  // than at the cron's 2.5% duty (minutes for 10M keys).
  let lazyDraining = false;
  const drainLazy = (): void => {
    lazyDraining = !host.closed && engine.lazyRun(LAZY_SLICE_US) > 0;
    if (lazyDraining) setImmediate(drainLazy);
  };
  // The controller's migration quota is served the same way, in slices between I/O until it is
  // met or the byte budget (tier-migrate-rate) is spent: at the cron's duty alone the migrator
  // moved about 3 MB/s, and low-churn's 1:4 -> 1:1 step (10 MB) took 3-4 s.
  let migDraining = false;
  const drainMigration = (): void => {
    migDraining = !closed && engine.migrateRun(LAZY_SLICE_US) > 0;
    if (migDraining) setImmediate(drainMigration);
  };
  const periodic = (budgetUs: number): void => {
    const a = steering();
    if (a !== auto) host.applyLimit('tier-migrate-auto', (auto = a));
    engine.cron(budgetUs);
    host.aof?.collect(); // the DELs of expired keys
    if (!lazyDraining) drainLazy(); // returns at once when nothing is pending
  };
  const persistence = host.persistence;
  // serverCron: every 1000/hz ms (hz.ts); the first run now, before any client.
  let first = true;
  const cron = startCron(host, (budgetUs) => {
    if (first || opts.activeExpiry !== false) periodic(budgetUs);
    first = false;
    persistence?.tick();
    rewriter?.tick();
  });
  // Idle clients (timeout), checked every second as Redis's client cron does.
  const idle = setInterval(() => closeIdle(host.clients.values(), host.access.timeout, Date.now()), 1000);
  idle.unref();
  let closed = false;
  // The store allocates in C, a pipeline per native call: its routed volume fires the
  // controller's early ticks between two commands, as the facade's own volume does.
  const detachVolume = opts.allocator.addVolumeSource(engine);
  const server: StoreServer = {
    address,
    get stats() {
      return host.stats();
    },
    persistence,
    composition: () => host.composition(),
    memoryProfile: () => (closed ? null : (persistence?.memoryProfile() ?? null)),
    startProfile: () => {
      if (closed || !persistence) return 'unavailable';
      if (persistence.inProgress) return 'busy';
      return persistence.bgsave(true);
    },
    migrate: (bytes, to) => {
      if (closed) return 0;
      const moved = engine.migrate(to === 'dram' ? 0 : 1, Math.max(0, Math.floor(bytes)));
      if (moved > 0 && !migDraining) {
        migDraining = true;
        setImmediate(drainMigration);
      }
      return moved;
    },
    pageCensus: () => engine.pageCensus(),
    async close() {
      if (closed) return;
      closed = true;
      cron.stop();
      clearInterval(idle);
      rewriter?.kill('shutdown');
      if (persistence) {
        persistence.abortBgsave();
        if (persistence.savePoints.length > 0 && !host.shutdownDone) persistence.save();
      }
      await net.close();
      host.closed = true;
      host.aof?.close();
      if (!opts.allocator.closed) {
        detachVolume();
        engine.close();
      }
    },
  };
  host.onShutdown =
    opts.onShutdown ??
    ((): void => {
      void server.close();
    });
  return server;
}

// The store's control-plane state: the native engine, the allocator and controller it serves,
// the limits JS enforces (socket output), and what INFO and CONFIG read. Requests never pass
// through here: server.ts hands each socket read to the engine in one native call.

import { noChangeLog, type ChangeLog } from '../service/change-log.js';
import type { NativeStore, NativeStoreInfo } from '../native.js';
import type { Allocator, AllocatorInfo } from '../types.js';
import type { AppendOnlyFile } from './aof.js';
import type { AofRewriter } from './aof-rewrite.js';
import { compose, type StoreComposition } from './composition.js';
import { DEFAULT_ACCESS, type IdleCandidate, type StoreAccess } from './security.js';
import type { Persistence } from './persistence.js';
import type { ConfigFileRef } from './conf-file.js';
import { DEFAULT_MIGRATE_RATE, type TieringController } from './tiering.js';
import { InternalErrors } from './internal-errors.js';
import { defaultHz, type HzState } from './hz.js';
import { ENGINE_DEFAULTS } from './engine-defaults.js';

/** One class's client-output-buffer-limit: bytes, and how long the soft limit may be exceeded. */
export interface OutputLimit {
  /** A BigInt beyond 2^53 (Redis takes up to 2^64-1). */
  hard: number | bigint;
  soft: number | bigint;
  softSeconds: number;
}

/** The client classes of client-output-buffer-limit, in the engine's order (OBUF_*). */
export const OUTPUT_CLASSES = ['normal', 'replica', 'pubsub'] as const;
export type OutputClass = (typeof OUTPUT_CLASSES)[number];

/** client-output-buffer-limit's defaults per class: tiermem's normal hard limit (a client that
 *  reads nothing cannot hold the memory of the store), Redis 7.0's for the others. */
export const DEFAULT_OUTPUT_LIMITS: readonly OutputLimit[] = [
  { hard: 256 * 1024 * 1024, soft: 0, softSeconds: 0 },
  { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 },
  { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
];

export interface StoreLimits {
  /** Largest bulk argument and string value (proto-max-bulk-len); enforced by the engine. */
  maxBulkLen: number | bigint;
  /** Unparsed input a client may hold before it is disconnected; enforced by the engine. */
  maxQueryBuffer: number | bigint;
  /**
   * Unsent output (engine-held plus the socket's backlog) per client class before the client
   * is disconnected (client-output-buffer-limit); 0 = no limit. Indexed as OUTPUT_CLASSES.
   */
  output: [OutputLimit, OutputLimit, OutputLimit];
}

export interface StoreStats {
  connections: number;
  rejectedConnections: number;
  commands: number;
  netInput: number;
  netOutput: number;
  /** Clients closed for exceeding the query or output buffer limit. */
  bufferLimitDisconnects: number;
}

/** One connection as the socket side sees it (the engine holds the rest). */
export interface ClientHandle extends IdleCandidate {
  readonly slot: number;
  readonly id: number;
  /** Bytes the socket still has to send. */
  backlog(): number;
  /** The client's address (ip:port), as CLIENT LIST shows it. */
  readonly addr: string;
}

export class StoreHost {
  readonly startedAt = Date.now();
  readonly clients = new Map<number, ClientHandle>();
  /** Live bytes the allocator held before the store started (the empty baseline). */
  readonly baselineBytes: number;
  peakBytes = 0;
  port = 0;
  /** The address the store listens on (CONFIG GET bind). */
  bindAddress = '127.0.0.1';
  /** The port asked for (0: any free one), which CONFIG REWRITE writes back. */
  configuredPort = 0;
  /** True while CONFIG SET pmem-threshold has the controller paused (static threshold). */
  staticThreshold = false;
  /** Disconnects the socket side made for the output limit (the engine counts the query limit). */
  outputLimitDisconnects = 0;
  /** Set once the engine is closed. */
  closed = false;
  /** Where CONFIG SET logs run-time changes of the tiering settings (the service log). */
  changes: ChangeLog = noChangeLog;
  /** Who may connect and for how long (security.ts); requirepass through setRequirepass. */
  readonly access: StoreAccess = { ...DEFAULT_ACCESS };
  /** Connections refused at accept (maxclients, protected mode); the engine never saw them. */
  refusedConnections = 0;
  /** RDB files, save points and their state (null: the store does not persist). */
  persistence: Persistence | null = null;
  /** What SHUTDOWN does once any save is done: close the server (and exit, under `tiermem serve`). */
  onShutdown: (() => void) | null = null;
  /** The append-only file, on or off (null: the store was started without persistence). */
  aof: AppendOnlyFile | null = null;
  /** BGREWRITEAOF and the AOF's run-time switches (null with aof). */
  aofRewrite: AofRewriter | null = null;
  /** Internal failures: counted and logged once each (internal-errors.ts). */
  internalErrors = new InternalErrors(() => {});
  /** The redis.conf-style file the server was started with (absolute), for CONFIG REWRITE. */
  configFile: ConfigFileRef | null = null;
  /** Tests only: TIERMEM_TEST_FAULTS=1 was set at start, so faults may be injected. */
  testFaults = false;
  /** hz, dynamic-hz and the rate the cron runs at (hz.ts). */
  readonly hz: HzState = defaultHz();
  private cachedInfo: AllocatorInfo | null = null;

  constructor(
    readonly alloc: Allocator,
    readonly engine: NativeStore,
    readonly limits: StoreLimits,
    readonly controller: TieringController | null,
  ) {
    const s = alloc.stats();
    this.baselineBytes = s.tiers.dram.liveBytes + s.tiers.pmem.liveBytes;
    this.applyLimit('proto-max-bulk-len', limits.maxBulkLen);
    this.applyLimit('client-query-buffer-limit', limits.maxQueryBuffer);
    this.applyLimit('tier-migrate-rate', DEFAULT_MIGRATE_RATE);
    for (const [name, v] of ENGINE_DEFAULTS) this.applyLimit(name, v);
  }

  /** SHUTDOWN did its save (or was told not to): closing must not save again. */
  shutdownDone = false;

  /** SHUTDOWN's last step, after the reply-less command returns. */
  requestShutdown(): void {
    this.shutdownDone = true;
    const fn = this.onShutdown;
    if (fn) setImmediate(fn);
  }

  /** Push a data-plane parameter to the engine. */
  applyLimit(name: string, value: number | bigint): void {
    if (!this.engine.configSet(name, value)) throw new Error(`the engine has no parameter ${name}`);
  }

  /**
   * requirepass: the default user's only password ('' = none). `bytes` is the password as the
   * client will send it; CONFIG GET shows it back (one char per byte), as Redis does.
   */
  setRequirepass(bytes: Buffer): void {
    this.engine.setRequirepass(bytes);
    this.access.requirepass = bytes.toString('latin1');
  }

  /** aclfile: ACL LOAD and ACL SAVE's file, loaded at start-up ('' = none); fixed once started. */
  aclfile = '';

  /** aclfile (immutable): the path as given, relative to the working directory as in Redis. */
  setAclFile(path: string): void {
    this.engine.setAclFile(Buffer.from(path, 'latin1'));
    this.aclfile = path;
  }

  /** Load the users of the aclfile (start-up): null, or Redis's error text; nothing changed then. */
  loadAclFile(): string | null {
    return this.engine.aclLoad(Buffer.from(this.aclfile, 'latin1'));
  }

  /** Backend description, read once (it looks at NUMA topology). */
  get allocatorInfo(): AllocatorInfo {
    this.cachedInfo ??= this.alloc.info();
    return this.cachedInfo;
  }

  info(): NativeStoreInfo {
    return this.engine.info();
  }

  /** Live allocator bytes now (both tiers, every category), tracking the peak. */
  usedBytes(): number {
    const s = this.alloc.stats();
    const used = s.tiers.dram.liveBytes + s.tiers.pmem.liveBytes;
    if (used > this.peakBytes) this.peakBytes = used;
    return used;
  }

  composition(info: NativeStoreInfo = this.info()): StoreComposition {
    let backlog = 0;
    for (const c of this.clients.values()) backlog += c.backlog();
    const c = compose(info, backlog);
    c.internalErrors += this.internalErrors.controlPlane;
    return c;
  }

  stats(info: NativeStoreInfo = this.info()): StoreStats {
    return {
      connections: info.connections,
      rejectedConnections: info.rejectedConnections + this.refusedConnections,
      commands: info.commands,
      netInput: info.netInput,
      netOutput: info.netOutput,
      bufferLimitDisconnects: info.bufferLimitDisconnects + this.outputLimitDisconnects,
    };
  }
}

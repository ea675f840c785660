// Loads the compiled C addon and types its surface. Nothing here allocates or routes: the
// addon does; this file only says what it looks like to TypeScript.

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TiermemError } from './errors.js';

/** Offsets into the stats snapshot, as the C core lays it out (see native/include/tiermem.h). */
export interface NativeLayout {
  length: number;
  threshold: number;
  limit: number;
  cell: number;
  cellFields: number;
  tier: number;
  tierFields: number;
  liveHist: number;
  flowBytes: number;
  flowCount: number;
  buckets: number;
  tiers: number;
  categories: number;
  maxSize: number;
  /** Sizes of the other enums (TM_POLICY_COUNT, TM_DRAM_KIND_COUNT, TM_PMEM_SOURCE_COUNT). */
  policies: number;
  dramKinds: number;
  pmemSources: number;
}

/** Configuration handed to the C core (enums as integers, see tm_config; threshold is required). */
export interface NativeConfig {
  dram: number;
  pmem: number;
  nodes?: string;
  dir?: string;
  fileSize?: number;
  threshold: number;
  limitDram?: number;
  limitPmem?: number;
  policy: number;
}

/** Counters of the native store engine, read by INFO, MEMORY STATS and the metrics. */
export interface NativeStoreInfo {
  commands: number;
  connections: number;
  rejectedConnections: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  evictedKeys: number;
  netInput: number;
  netOutput: number;
  bufferLimitDisconnects: number;
  dirty: number;
  /** Values and keyspaces still being freed in the background, and those freed so far. */
  lazyfreePending: number;
  lazyfreedObjects: number;
  /** Clients waiting in a blocking command (CLIENT PAUSE's postponed ones excluded). */
  blockedClients: number;
  /** Channels and patterns with at least one subscriber. */
  pubsubChannels: number;
  pubsubShardChannels: number;
  pubsubPatterns: number;
  clients: number;
  oom: number;
  queryBytes: number;
  outputBytes: number;
  errorReplies: number;
  /** The engine's internal failures (native/store/internal.h). */
  internalErrors: number;
  /** Error replies by error code (WRONGTYPE, ERR, ...), sorted by code as Redis lists them. */
  errorStats: { code: string; count: number }[];
  databases: number;
  /** Owners of store memory: the data types (string list set zset hash), then the store itself. */
  owners: number;
  /** [keys, keys with a TTL] per database, flattened. */
  dbs: number[];
  /** [((owner * categories + category) * tiers + tier) * 2 + 0 bytes | 1 blocks]. */
  cells: Float64Array;
  commandStats: { name: string; calls: number; usec: number; failed: number; rejected: number }[];
  tiering: NativeStoreTiering;
}

/** Reads by tier, the migrator's traffic and demands, and maxmemory (native/store/migrate.h). */
export interface NativeStoreTiering {
  dramReadHits: number;
  pmemReadHits: number;
  /** The byte-rate budget (tier-migrate-rate, bytes/s; 0 = off) and the rate moved last second. */
  migrateRate: number;
  migratedRate: number;
  toPmemBytes: number;
  toPmemValues: number;
  toDramBytes: number;
  toDramValues: number;
  promotedOnRead: number;
  /** The promotion gate (native/store/mig_gate.h): the share of read-bar passes promoted now,
   * and the passes it held back. */
  promoteAdmit: number;
  promoteRefused: number;
  /** Bytes still asked to move by the controller, per destination, and owed for promotions. */
  quotaPmem: number;
  quotaDram: number;
  debt: number;
  /** Moves refused for lack of memory on the destination tier. */
  failed: number;
  /** Exact: Redis's maxmemory is an unsigned long long (up to 2^64-1). */
  maxmemory: bigint;
  maxmemoryPolicy: number;
  /** What maxmemory is compared with: every byte the store holds, both tiers. */
  used: number;
}

/** Where the store's blocks are, by the kernel (move_pages over every block the engine holds). */
export interface NativeStoreCensus {
  pageSize: number;
  /** Distinct pages touched by the store's blocks, and those not resident. */
  pages: number;
  absentPages: number;
  blocks: number;
  /** Distinct pages per NUMA node (index = node, up to 8 nodes). */
  nodePages: number[];
  /**
   * [(tier * categories + category) * (3 + 8) + {0 blocks, 1 split over nodes, 2 no page resident,
   * 3 + n resident pages all on node n}].
   */
  cells: Float64Array;
}

/**
 * The store engine in C, opened on a heap. One feed() per socket read runs every complete
 * command in it and copies the replies into `out` at `offset`; `status` then holds
 * [reply bytes still pending, close (0 no, 1 after writing, 2 now), client id low, high,
 * output-buffer class (0 normal, 2 pubsub), events (1: other clients were woken: call woken()),
 * ms until a deadline the commands set (-1: none)].
 */
export interface NativeStore {
  readonly status: Int32Array;
  feed(slot: number, input: Uint8Array, length: number, out: Uint8Array, offset: number): number;
  drain(slot: number, out: Uint8Array, offset: number): number;
  /** Slots of the clients that other clients' commands gave output or a close request. */
  woken(): number[];
  /** Run the blocking timeouts and pause end that are due; ms until the next one, or -1. */
  timers(): number;
  clientOpen(addr: string, laddr: string, fd: number): number;
  clientClose(slot: number): void;
  cron(budgetMicros: number): number;
  /** Background freeing only (lazyfree.c): at least one bounded step; objects still pending. */
  lazyRun(budgetMicros: number): number;
  info(): NativeStoreInfo;
  /** A data-plane parameter (hash-max-listpack-entries, proto-max-bulk-len...): false if unknown. */
  /** A BigInt carries values beyond 2^53 exactly (int64, or uint64 for maxmemory). */
  configSet(name: string, value: number | bigint): boolean;
  /** The controller's quota for the migrator: move `bytes` of values to tier 0 (DRAM) or 1;
   *  returns the bytes one immediate bounded step moved (the rest follows in cron steps). */
  migrate(toTier: number, bytes: number): number;
  /** One bounded migrator step outside the cron; bytes moved (0: nothing asked, or no budget). */
  migrateRun(budgetMicros: number): number;
  resetStats(): void;
  /** INFO latencystats' lines (latency_percentiles_usec_<command>:p50=...), in table order. */
  latencyInfo(): string[];
  /** latency-tracking-info-percentiles as CONFIG GET shows it; with values (each in 0..100),
   *  set it instead: false on OOM. */
  latencyPercentiles(): string;
  latencyPercentiles(values: readonly number[]): boolean;
  /** requirepass: the default user's only password; empty = no password. Hashed at once in C. */
  setRequirepass(password: Uint8Array): void;
  /** True while the default user needs no password (protected mode refuses remote clients). */
  passwordless(): boolean;
  /** aclfile: the file ACL LOAD and ACL SAVE use ('' = none); bytes of the path. */
  setAclFile(path: Uint8Array): void;
  /** Replace every ACL user by an ACL file's (all or nothing): null, or Redis's error text. */
  aclLoad(path: Uint8Array): string | null;
  /** Define a user of the configuration (a `user` line's words after `user`: name, rules...),
   *  as Redis at start-up (the default user is reset first): null, or Redis's log text. */
  aclConfDefine(words: readonly Uint8Array[]): string | null;
  /** Every user's ACL LIST line ("user <name> <rules>"), in ACL LIST's order. */
  aclUserLines(): string[];
  /** The control plane's commands (INFO, CONFIG, MEMORY STATS): args in, RESP bytes out. */
  setDefer(fn: (slot: number, args: Buffer[]) => Uint8Array | string): void;
  /** fn() between two commands after every everyBytes of routed allocation; null removes it. */
  setVolumeHook(everyBytes: number, fn: (() => void) | null): void;
  /** The engine's internal failures waiting to be logged, oldest first (status event EV_INTERNAL). */
  takeInternalErrors(): { where: string; what: string; stack: string }[];
  /** Every block's pages by NUMA node, per accounted tier x category (slow: for checks). */
  pageCensus(): NativeStoreCensus;
  /** Start/stop propagating writes to the AOF buffer (native/store/aof.h). */
  aofEnable(on: boolean): void;
  /** The propagated bytes since the last take (null: none). */
  aofTake(): Buffer | null;
  /** Whether the command running (a control-plane one) was called by EXEC. */
  inExec(): boolean;
  close(): void;
  /** Start a point-in-time snapshot into an open file (fd); returns the dirty counter at the cut.
   *  aofBase: the file is an AOF's base (aof-base 1 in its header). profile: BGSAVE STAT_MEMORY,
   *  tally every key written (memoryProfile). commands: an AOF base of commands instead of an
   *  RDB (aof-use-rdb-preamble no; native/store/aof_base.h). */
  snapshotStart(
    fd: number,
    compress: boolean,
    checksum: boolean,
    bufferLimit: number,
    aofBase?: boolean,
    profile?: boolean,
    commands?: boolean,
  ): number;
  /** The last BGSAVE STAT_MEMORY's profile (native/store/memprofile.h), null before the first. */
  memoryProfile(): NativeMemoryProfile | null;
  /** About budgetMicros of snapshot work; true once the file is complete (EOF and CRC written). */
  snapshotStep(budgetMicros: number): boolean;
  snapshotAbort(): void;
  snapshotStats(): NativeSnapshotStats;
  /** A save of the state at dirty counter n succeeded. */
  dirtyConsume(n: number): void;
  /** Map an RDB file for loading: false if it does not exist; throws on other errors. aofBase:
   *  an AOF's base, whose already expired keys are kept (the incr files may name them). */
  loadOpen(path: string, aofBase?: boolean): boolean;
  /** About budgetMicros of loading; throws (file and byte offset named) on a bad file. */
  loadStep(budgetMicros: number): NativeLoadProgress;
  loadClose(): void;
}

export interface NativeMemoryProfile {
  cutMs: number;
  doneMs: number;
  keysWithExpiry: number;
  clients: number;
  /** A profiled snapshot is under way (the figures are still the last one's). */
  running: boolean;
  /** Per type x tier (engine order): keys, then value, key and metadata bytes. */
  types: Float64Array;
  /** Per store part x tier bytes (keyspace, expires, client buffers, AOF buffer, lazyfree, other). */
  store: Float64Array;
}

export interface NativeSnapshotStats {
  active: boolean;
  keys: number;
  preimages: number;
  /** Of the preimages, those kept as blocks (the rest were serialized on the command path). */
  retained: number;
  bytes: number;
  /** Largest buffer the snapshot held: its extra memory (INFO rdb_last_cow_size). */
  peakExtra: number;
  /** Changes to owed keys that bypassed the pre-modification hook; always 0 unless a bug. */
  missedHooks: number;
  /** Steps that ended inside a big collection's record (written over several steps). */
  pieces: number;
}

export interface NativeLoadProgress {
  done: boolean;
  keys: number;
  expired: number;
  empty: number;
  pos: number;
  size: number;
}

/** One open heap: functions bound to it in C, plus its shared stats array. */
export interface NativeHeap {
  stats: Float64Array;
  malloc(size: number, category?: number): number;
  calloc(count: number, size: number, category?: number): number;
  mallocFrom(data: Uint8Array, category?: number): number;
  mallocDram(size: number, category?: number): number;
  mallocPmem(size: number, category?: number): number;
  realloc(handle: number, size: number): number;
  free(handle: number): void;
  move(handle: number, tier: number): void;
  usable(handle: number): number;
  tierOf(handle: number): number;
  categoryOf(handle: number): number;
  /** The tier memkind_detect_kind names for the block, -1 for neither (slow; for checks). */
  detectTier(handle: number): number;
  /** memkind_malloc_usable_size of the block (slow; for checks). */
  backendUsable(handle: number): number;
  write(handle: number, data: Uint8Array | string, offset?: number): number;
  read(handle: number, offset?: number, length?: number): Buffer;
  readInto(handle: number, target: Uint8Array, offset?: number, length?: number): number;
  copy(dst: number, dstOffset: number, src: number, srcOffset: number, length: number): void;
  mallocBatch(sizes: Float64Array, out: Float64Array, category?: number): number;
  freeBatch(handles: Float64Array): void;
  getThreshold(): number;
  setThreshold(t: number): void;
  /** A dithered threshold: split in 1/65536 of the threshold's power-of-two bucket (tiermem.h). */
  setRoute(threshold: number, split: number): void;
  getSplit(): number;
  setLimit(tier: number, bytes: number): void;
  policy(p?: number): number;
  snapshot(): void;
  /** Pages per NUMA node 0..maxNodes-1, then the count of pages not yet backed. */
  pageNodes(handle: number, maxNodes?: number): number[];
  liveHandles(): number;
  kindName(tier: number): string;
  formulaOk(): boolean;
  /** The store engine on this heap (one per heap; closing the heap closes it). */
  storeOpen(config: { databases?: number }): NativeStore;
  close(): void;
}

export interface NativeAddon {
  layout: NativeLayout;
  open(config: NativeConfig): NativeHeap;
  daxKmemAvailable(): boolean;
  sizeClass(size: number): number;
  /** Check a `user` line's words after `user` (name, rules...) as Redis when it reads the line:
   *  null, or [index of the directive word Redis's error names ("user" = 0), Redis's reason]. */
  aclConfCheck(words: readonly Uint8Array[]): [number, string] | null;
  memkindVersion: number;
  version: string;
}

const REBUILD =
  'Run `npm rebuild tiermem` to build it (it needs a C compiler, libmemkind-dev and libnuma-dev; ' +
  'installs with --ignore-scripts skip this build).';

function addonPath(): string {
  // src/native.ts and dist/native.js both sit one level below the package root.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const p of [join(root, 'build', 'Release', 'tiermem.node'), join(root, 'build', 'Debug', 'tiermem.node')]) {
    if (existsSync(p)) return p;
  }
  throw new TiermemError(
    'ERR_TIERMEM_ADDON',
    `tiermem's native addon is not built (looked in ${join(root, 'build')}). ${REBUILD}`,
  );
}

let loaded: NativeAddon | undefined;

export function native(): NativeAddon {
  if (loaded === undefined) {
    const path = addonPath();
    const require = createRequire(import.meta.url);
    try {
      loaded = require(path) as NativeAddon;
    } catch (e) {
      // A build for another Node ABI, or a shared library (libmemkind, libnuma) missing.
      const why = e instanceof Error ? e.message : String(e);
      throw new TiermemError(
        'ERR_TIERMEM_ADDON',
        `tiermem's native addon ${path} cannot be loaded: ${why}. ${REBUILD}`,
      );
    }
  }
  return loaded;
}

// Public types of tiermem's allocator facade. The allocator itself lives in C (native/);
// these types describe what the TypeScript facade exposes over it.

// Each name list below is in the order of its C enum in native/include/tiermem.h: a name's index
// is the integer the core uses (the facade maps names to integers by index and back, nowhere else;
// test/allocator.routing.test.ts checks the lengths against the core's *_COUNT constants).

/** The two memory tiers. DRAM is fast and small, PMem (Optane, CXL, or its emulation) large and slow. */
export type Tier = 'dram' | 'pmem';
/** tm_tier. */
export const TIERS: readonly Tier[] = ['dram', 'pmem'];

/**
 * What an allocation holds. Accounting is kept per tier x category in C; the set is fixed and
 * small so that a counter update is an array index, not a lookup.
 */
export type Category = 'data' | 'metadata' | 'keys' | 'buffers' | 'other';
/** tm_category. */
export const CATEGORIES: readonly Category[] = ['data', 'metadata', 'keys', 'buffers', 'other'];

/** An allocation's name: a checked integer (index + generation) into the native handle table. */
export type Handle = number;

/** What happens when the chosen tier is full or at its byte limit. */
export type ExhaustionPolicy = 'spill' | 'strict';
/** tm_policy. */
export const POLICIES: readonly ExhaustionPolicy[] = ['spill', 'strict'];

/** How the DRAM tier binds its pages. */
export type DramKind = 'regular' | 'default';
/** tm_dram_kind. */
export const DRAM_KINDS: readonly DramKind[] = ['regular', 'default'];

/** The resolution of a threshold's split (the native core's TM_SPLIT_ONE). */
export const SPLIT_STEPS = 65536;

/** The initial routing threshold in bytes when none is given (the facade and the service). */
export const DEFAULT_THRESHOLD = 4096;

/** What the batch calls take: numbers, in an Array or a numeric TypedArray. */
export type BatchNumbers =
  | readonly number[]
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

export interface AllocatorOptions {
  /**
   * The PMem tier backend: 'auto' (default: KMEM-DAX if memkind finds a node, otherwise an
   * emulated file-backed tier in a private temporary directory), 'dax-kmem', 'dax-kmem-all',
   * 'dax-kmem-preferred', 'node:N[,M]', or 'file:DIR[:SIZE]' (SIZE with units, e.g. 1GiB).
   */
  pmem?: string;
  /** DRAM tier kind: 'regular' (default; bound to the NUMA nodes that have CPUs) or 'default' (unbound). */
  dram?: DramKind;
  /** Initial size threshold in bytes: size < threshold goes to DRAM. Default DEFAULT_THRESHOLD (4096). */
  threshold?: number;
  /** Byte limits on live usable bytes per tier; 0 or absent means no limit. */
  limits?: Partial<Record<Tier, number>>;
  /** Policy when a tier is full or at its limit. Default 'spill'. */
  policy?: ExhaustionPolicy;
  /** Called with one line of human-readable start-up information (backend, emulation). */
  log?: (line: string) => void;
}

/** Live and cumulative figures for one tier x category cell. */
export interface CellStats {
  liveBytes: number;
  liveCount: number;
  allocs: number;
  frees: number;
}

export interface TierStats {
  liveBytes: number;
  liveCount: number;
  allocs: number;
  frees: number;
  /** Allocations that could not be served by any allowed tier (requested on this tier). */
  failures: number;
  /** Allocations that wanted this tier but were served by the other one (policy 'spill'). */
  fallbacks: number;
  /** Bytes placed here by explicit zmallocDram/zmallocPmem (cumulative, usable bytes): the pinned
   *  inflow the controller models. Not client and I/O buffers (they live for a request) nor moves. */
  forcedBytes: number;
  limit: number;
  byCategory: Record<Category, CellStats>;
  /** Live usable bytes by power-of-two size bucket: index b covers usable sizes [2^b, 2^(b+1)). */
  liveHist: Float64Array;
}

export interface AllocatorStats {
  threshold: number;
  tiers: Record<Tier, TierStats>;
  /**
   * Cumulative flow of routed (threshold-decided) allocations by requested size, power-of-two
   * buckets: bytes (usable) and counts. Diff two snapshots to get the recent flow.
   */
  flowBytes: Float64Array;
  flowCount: Float64Array;
  /** DRAM share of all live bytes, 0-1 (NaN when nothing is live). */
  dramShare: number;
}

export interface BackendInfo {
  tier: Tier;
  /** memkind kind name, e.g. 'MEMKIND_REGULAR', 'MEMKIND_DAX_KMEM', 'file-backed PMEM kind'. */
  kind: string;
  /** Which pmem option chose it ('auto', 'dax-kmem', 'node', 'file', ...). Empty for DRAM. */
  source: string;
  /** True when the PMem tier is emulated (file-backed on an ordinary filesystem or an explicitly named ordinary node). */
  emulated: boolean;
  /** NUMA nodes the tier's pages land on, as far as known. */
  nodes: number[];
  /** Directory of a file-backed kind. */
  dir?: string;
  /** Max size of a file-backed kind in bytes (0: unlimited). */
  fileSize?: number;
  /** Human-readable explanation, shown at start-up. */
  description: string;
}

export interface AllocatorInfo {
  version: string;
  memkindVersion: string;
  dram: BackendInfo;
  pmem: BackendInfo;
  policy: ExhaustionPolicy;
  /** True when usable sizes come from the verified size-class formula rather than memkind calls. */
  sizeClassFormula: boolean;
  numa: NumaNode[];
}

export interface NumaNode {
  node: number;
  cpus: number[];
  cpuless: boolean;
  totalBytes: number;
  freeBytes: number;
}

/** Pages of a block per NUMA node (node -> pages; only nodes that hold some), and pages not yet backed. */
export interface PageNodes {
  nodes: Record<number, number>;
  absent: number;
}

/** The tiered allocator. Every method throws a TiermemError with a `code` on bad input. */
/** What counts routed volume for the allocator's volume hook besides the facade itself. */
export interface VolumeSource {
  setVolumeHook(everyBytes: number, hook: (() => void) | null): void;
}

export interface Allocator {
  zmalloc(size: number, category?: Category): Handle;
  zcalloc(count: number, size: number, category?: Category): Handle;
  /** zmalloc(data.length) and a copy of `data` into it, in one native call. */
  zmallocFrom(data: Uint8Array, category?: Category): Handle;
  zrealloc(handle: Handle, size: number): Handle;
  zfree(handle: Handle): void;
  zmallocSize(handle: Handle): number;
  zmallocDram(size: number, category?: Category): Handle;
  zmallocPmem(size: number, category?: Category): Handle;
  tierOf(handle: Handle): Tier;
  categoryOf(handle: Handle): Category;
  /** Move a block to the other tier behind the same handle (it stays there: pinned). */
  move(handle: Handle, tier: Tier): void;
  /** Copy bytes of `data` into the allocation at `offset`. Returns bytes written. */
  write(handle: Handle, data: Uint8Array | string, offset?: number): number;
  /** Copy `length` bytes (default: to the end of the usable size) out into a new Buffer. */
  read(handle: Handle, offset?: number, length?: number): Buffer;
  /** Copy into `target`; returns bytes copied. */
  readInto(handle: Handle, target: Uint8Array, offset?: number, length?: number): number;
  /** Copy `length` bytes between two allocations (memmove semantics). */
  copy(dst: Handle, dstOffset: number, src: Handle, srcOffset: number, length: number): void;
  /**
   * Batch forms of the hot operations; one native call for many allocations. The argument is an
   * Array of numbers or a numeric TypedArray (a Float64Array is used without a copy); each value
   * is checked as the single call checks it, nothing is coerced.
   */
  zmallocBatch(sizes: BatchNumbers, category?: Category): Float64Array;
  zfreeBatch(handles: BatchNumbers): void;
  stats(): AllocatorStats;
  /** The raw snapshot, refreshed by this call, laid out as nativeLayout() says; zero-copy. */
  rawStats(): Float64Array;
  /** Number of live allocations. */
  readonly liveCount: number;
  /** The routing threshold in bytes (size < threshold goes to DRAM); an atomic in C. Setting it
   *  sets a plain threshold (split 0). */
  threshold: number;
  /**
   * The dithered part of the threshold (0-1, in steps of 1/SPLIT_STEPS; 0 = none): that fraction
   * of the routed requests at or above the threshold but inside its power-of-two bucket goes to
   * DRAM, counted by a credit counter, the rest to PMem. With the threshold at a power of two it
   * is the share of that bucket's flow sent to DRAM, so values of one size can be split too.
   */
  readonly split: number;
  /** Set the threshold and its split at once (the controller's dithered threshold). */
  setRoute(threshold: number, split: number): void;
  /** Per-tier byte limits (0 = none) and the exhaustion policy, changeable at run time. */
  setLimit(tier: Tier, bytes: number): void;
  policy: ExhaustionPolicy;
  /**
   * Call `hook` after every `everyBytes` of routed allocation volume (checked in the facade, so a
   * bulk load triggers the controller without waiting for its timer). null removes it.
   */
  setVolumeHook(everyBytes: number, hook: (() => void) | null): void;
  /**
   * Another allocation stream on this heap that counts its own routed volume (the store engine,
   * which allocates in C) gets every setVolumeHook too. Returns the function that detaches it.
   */
  addVolumeSource(source: VolumeSource): () => void;
  /** Receive every allocation event (for trace recording); null stops. One sink at a time. */
  setTraceSink(sink: TraceSink | null): void;
  info(): AllocatorInfo;
  /** Checks (slow; not for the hot path): pages per NUMA node (move_pages), the tier memkind itself
   *  detects for the block (memkind_detect_kind; null for neither), and memkind's own usable size. */
  pageNodes(handle: Handle): PageNodes;
  detectTier(handle: Handle): Tier | null;
  backendUsableSize(handle: Handle): number;
  /** Free every live block and release the tiers; later calls throw ERR_TIERMEM_CLOSED. */
  close(): void;
  readonly closed: boolean;
}

/** Receives allocation events from the facade while a trace is being recorded. */
export interface TraceSink {
  /** `forced` is the tier asked for explicitly (zmallocDram/zmallocPmem), null when routed. */
  onAlloc(handle: Handle, size: number, category: Category, forced: Tier | null, placed: Tier): void;
  onFree(handle: Handle): void;
  onRealloc(oldHandle: Handle, newHandle: Handle, size: number, placed: Tier): void;
}

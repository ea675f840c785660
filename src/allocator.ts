// The zmalloc facade: a thin TypeScript layer over the C core. Routing, allocation, handle
// checks and accounting all happen in C (native/); this file maps names to the core's enums (a
// name's index in its list in types.ts), builds readable stats from the shared snapshot array,
// and carries the optional hooks.

import { TiermemError } from './errors.js';
import { native, type NativeHeap, type NativeLayout, type NativeStore } from './native.js';
import { numaNodes } from './numa.js';
import { choiceError, shown } from './units.js';
import { PMEM_SOURCES, choosePmem, releaseEmulationDir, type PmemChoice } from './pmem-backend.js';
import {
  CATEGORIES,
  DEFAULT_THRESHOLD,
  SPLIT_STEPS,
  DRAM_KINDS,
  POLICIES,
  TIERS,
  type Allocator,
  type VolumeSource,
  type AllocatorInfo,
  type AllocatorOptions,
  type AllocatorStats,
  type BackendInfo,
  type BatchNumbers,
  type Category,
  type CellStats,
  type DramKind,
  type ExhaustionPolicy,
  type Handle,
  type PageNodes,
  type Tier,
  type TierStats,
  type TraceSink,
} from './types.js';

function invalid(msg: string): TiermemError {
  return new TiermemError('ERR_TIERMEM_INVALID_ARG', msg);
}

/**
 * The core's integer for a name: its index in `names` (each list is in its C enum's order). The one
 * mapping from names to integers; indexOf compares strings only, so 'toString' or '__proto__' are
 * unknown names like any other, and on five interned strings it costs a few compares.
 */
function enumIndex<T extends string>(names: readonly T[], value: T, what: string): number {
  const i = names.indexOf(value);
  if (i < 0) throw choiceError(names, value, what);
  return i;
}

const categoryIndex = (category: Category | undefined): number =>
  category === undefined ? 0 : enumIndex(CATEGORIES, category, 'category');
const tierIndex = (tier: Tier): number => enumIndex(TIERS, tier, 'tier');
const policyIndex = (policy: ExhaustionPolicy): number => enumIndex(POLICIES, policy, 'policy');

function checkLimit(bytes: unknown, what: string): number {
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw invalid(`${what} must be a non-negative integer number of bytes (0 = no limit), got ${shown(bytes)}`);
  }
  return bytes;
}

/**
 * The numbers of a batch argument, checked as the single calls check theirs: a Float64Array as is,
 * another numeric TypedArray or an Array whose every element is a number copied; nothing coerced
 * (no strings, booleans, Sets, array-likes). The core then checks each value's range.
 */
function batchNumbers(value: unknown, what: string): Float64Array {
  if (value instanceof Float64Array) return value;
  if (Array.isArray(value)) {
    const out = new Float64Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'number') throw invalid(`${what}[${i}] must be a number, got ${typeof v}`);
      out[i] = v;
    }
    return out;
  }
  if (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array || value instanceof BigUint64Array)
  ) {
    return Float64Array.from(value as unknown as ArrayLike<number>);
  }
  const got =
    value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
  throw invalid(`${what} must be an Array or TypedArray of numbers, got ${got}`);
}

class TieredAllocator implements Allocator {
  readonly #heap: NativeHeap;
  readonly #layout: NativeLayout;
  readonly #pmem: PmemChoice;
  readonly #dramKind: DramKind;
  #closed = false;
  // Hooks: one boolean guards both so the hot path pays a single branch when none is set.
  #hooked = false;
  #sink: TraceSink | null = null;
  #volumeEvery = 0;
  readonly #volumeSources = new Set<VolumeSource>();
  #volume = 0;
  #volumeHook: (() => void) | null = null;

  constructor(options: AllocatorOptions) {
    const dram = options.dram ?? 'regular';
    const dramIndex = enumIndex(DRAM_KINDS, dram, 'dram');
    const threshold = options.threshold ?? DEFAULT_THRESHOLD;
    checkLimit(threshold, 'threshold');
    const limits = options.limits ?? {};
    const limitDram = checkLimit(limits.dram ?? 0, 'limits.dram');
    const limitPmem = checkLimit(limits.pmem ?? 0, 'limits.pmem');
    const policy = policyIndex(options.policy ?? 'spill');
    const choice = choosePmem(options.pmem ?? 'auto');
    try {
      const addon = native();
      this.#heap = addon.open({
        dram: dramIndex,
        pmem: enumIndex(PMEM_SOURCES, choice.source, 'pmem source'),
        nodes: choice.nodes?.join(','),
        dir: choice.dir,
        fileSize: choice.fileSize ?? 0,
        threshold,
        limitDram,
        limitPmem,
        policy,
      });
      this.#layout = addon.layout;
      heaps.set(this, this.#heap);
    } catch (e) {
      if (choice.tempDir !== undefined) releaseEmulationDir(choice.tempDir);
      throw e;
    }
    this.#pmem = choice;
    this.#dramKind = dram;
    options.log?.(`tiermem: DRAM tier: ${this.#heap.kindName(tierIndex('dram'))}; ${choice.description}`);
  }

  // ------------------------------------------------------------------ allocation (hot path)

  zmalloc(size: number, category?: Category): Handle {
    const h = this.#heap.malloc(size, categoryIndex(category));
    if (this.#hooked) this.#afterAlloc(h, size, category ?? 'data', null);
    return h;
  }

  /** zmalloc(data.length) + write(data) in one native call (routed by data.length). */
  zmallocFrom(data: Uint8Array, category?: Category): Handle {
    const h = this.#heap.mallocFrom(data, categoryIndex(category));
    if (this.#hooked) this.#afterAlloc(h, data.length, category ?? 'data', null);
    return h;
  }

  zcalloc(count: number, size: number, category: Category = 'data'): Handle {
    const h = this.#heap.calloc(count, size, categoryIndex(category));
    if (this.#hooked) this.#afterAlloc(h, count * size, category, null);
    return h;
  }

  zmallocDram(size: number, category: Category = 'metadata'): Handle {
    const h = this.#heap.mallocDram(size, categoryIndex(category));
    if (this.#hooked) this.#afterAlloc(h, size, category, 'dram');
    return h;
  }

  zmallocPmem(size: number, category: Category = 'data'): Handle {
    const h = this.#heap.mallocPmem(size, categoryIndex(category));
    if (this.#hooked) this.#afterAlloc(h, size, category, 'pmem');
    return h;
  }

  zrealloc(handle: Handle, size: number): Handle {
    const h = this.#heap.realloc(handle, size);
    if (this.#sink !== null) this.#sink.onRealloc(handle, h, size, this.tierOf(h));
    return h;
  }

  zfree(handle: Handle): void {
    this.#heap.free(handle);
    if (this.#sink !== null) this.#sink.onFree(handle);
  }

  zmallocSize(handle: Handle): number {
    return this.#heap.usable(handle);
  }

  tierOf(handle: Handle): Tier {
    return TIERS[this.#heap.tierOf(handle)]!;
  }

  categoryOf(handle: Handle): Category {
    return CATEGORIES[this.#heap.categoryOf(handle)]!;
  }

  /** The tier memkind itself reports for the block (memkind_detect_kind), or null. Slow; for checks. */
  detectTier(handle: Handle): Tier | null {
    return TIERS[this.#heap.detectTier(handle)] ?? null;
  }

  /** memkind's own usable size for the block (memkind_malloc_usable_size). Slow; for checks. */
  backendUsableSize(handle: Handle): number {
    return this.#heap.backendUsable(handle);
  }

  /** Move a block to the other tier behind the same handle (it stays there: pinned). */
  move(handle: Handle, tier: Tier): void {
    this.#heap.move(handle, tierIndex(tier));
  }

  /** Pages of the block per NUMA node (move_pages), and pages not yet backed. */
  pageNodes(handle: Handle): PageNodes {
    const counts = this.#heap.pageNodes(handle, 64);
    const nodes: Record<number, number> = {};
    counts.slice(0, 64).forEach((c, i) => {
      if (c > 0) nodes[i] = c;
    });
    return { nodes, absent: counts[64] ?? 0 };
  }

  /** Number of live allocations. */
  get liveCount(): number {
    return this.#heap.liveHandles();
  }

  // ------------------------------------------------------------------ bytes

  write(handle: Handle, data: Uint8Array | string, offset = 0): number {
    return this.#heap.write(handle, data, offset);
  }

  read(handle: Handle, offset?: number, length?: number): Buffer {
    return this.#heap.read(handle, offset, length);
  }

  readInto(handle: Handle, target: Uint8Array, offset?: number, length?: number): number {
    return this.#heap.readInto(handle, target, offset, length);
  }

  copy(dst: Handle, dstOffset: number, src: Handle, srcOffset: number, length: number): void {
    this.#heap.copy(dst, dstOffset, src, srcOffset, length);
  }

  // ------------------------------------------------------------------ batches

  zmallocBatch(sizes: BatchNumbers, category: Category = 'data'): Float64Array {
    const s = batchNumbers(sizes, 'sizes');
    const out = new Float64Array(s.length);
    this.#heap.mallocBatch(s, out, categoryIndex(category));
    if (this.#hooked) for (let i = 0; i < out.length; i++) this.#afterAlloc(out[i]!, s[i]!, category, null);
    return out;
  }

  zfreeBatch(handles: BatchNumbers): void {
    const h = batchNumbers(handles, 'handles');
    this.#heap.freeBatch(h);
    if (this.#sink !== null) for (const x of h) this.#sink.onFree(x);
  }

  // ------------------------------------------------------------------ hooks

  #afterAlloc(handle: Handle, size: number, category: Category, forced: Tier | null): void {
    if (this.#sink !== null) this.#sink.onAlloc(handle, size, category, forced, this.tierOf(handle));
    if (this.#volumeHook !== null && forced === null) {
      this.#volume += size;
      if (this.#volume >= this.#volumeEvery) {
        this.#volume = 0;
        this.#volumeHook();
      }
    }
  }

  setVolumeHook(everyBytes: number, hook: (() => void) | null): void {
    if (hook !== null) {
      if (typeof hook !== 'function') throw invalid('hook must be a function or null');
      if (typeof everyBytes !== 'number' || !Number.isSafeInteger(everyBytes) || everyBytes <= 0) {
        throw invalid(`everyBytes must be a positive integer, got ${shown(everyBytes)}`);
      }
    }
    this.#volumeHook = hook;
    this.#volumeEvery = hook === null ? 0 : everyBytes;
    this.#volume = 0;
    for (const source of this.#volumeSources) source.setVolumeHook(this.#volumeEvery, hook);
    this.#hooked = this.#volumeHook !== null || this.#sink !== null;
  }

  addVolumeSource(source: VolumeSource): () => void {
    this.#volumeSources.add(source);
    source.setVolumeHook(this.#volumeEvery, this.#volumeHook);
    return () => {
      if (this.#volumeSources.delete(source)) source.setVolumeHook(0, null);
    };
  }

  setTraceSink(sink: TraceSink | null): void {
    this.#sink = sink;
    this.#hooked = this.#volumeHook !== null || this.#sink !== null;
  }

  // ------------------------------------------------------------------ knobs

  get threshold(): number {
    return this.#heap.getThreshold();
  }

  set threshold(t: number) {
    this.#heap.setThreshold(t);
  }

  get split(): number {
    return this.#heap.getSplit() / SPLIT_STEPS;
  }

  setRoute(threshold: number, split: number): void {
    if (typeof split !== 'number' || !(split >= 0 && split <= 1))
      throw invalid(`split must be a number from 0 to 1, got ${shown(split)}`);
    this.#heap.setRoute(threshold, Math.round(split * SPLIT_STEPS));
  }

  get policy(): ExhaustionPolicy {
    return POLICIES[this.#heap.policy()]!;
  }

  set policy(p: ExhaustionPolicy) {
    this.#heap.policy(policyIndex(p));
  }

  setLimit(tier: Tier, bytes: number): void {
    this.#heap.setLimit(tierIndex(tier), checkLimit(bytes, 'limit'));
  }

  // ------------------------------------------------------------------ reading

  /** The raw snapshot (refreshed by this call), laid out as `nativeLayout()` says; zero-copy. */
  rawStats(): Float64Array {
    this.#heap.snapshot();
    return this.#heap.stats;
  }

  stats(): AllocatorStats {
    const s = this.rawStats();
    const L = this.#layout;
    const tiers = {} as Record<Tier, TierStats>;
    let total = 0;
    TIERS.forEach((tier, t) => {
      const byCategory = {} as Record<Category, CellStats>;
      let liveBytes = 0,
        liveCount = 0,
        allocs = 0,
        frees = 0;
      CATEGORIES.forEach((cat, c) => {
        const o = L.cell + (t * L.categories + c) * L.cellFields;
        const cell: CellStats = { liveBytes: s[o]!, liveCount: s[o + 1]!, allocs: s[o + 2]!, frees: s[o + 3]! };
        byCategory[cat] = cell;
        liveBytes += cell.liveBytes;
        liveCount += cell.liveCount;
        allocs += cell.allocs;
        frees += cell.frees;
      });
      const o = L.tier + t * L.tierFields;
      tiers[tier] = {
        liveBytes,
        liveCount,
        allocs,
        frees,
        failures: s[o]!,
        fallbacks: s[o + 1]!,
        forcedBytes: s[o + 2]!,
        limit: s[L.limit + t]!,
        byCategory,
        liveHist: s.slice(L.liveHist + t * L.buckets, L.liveHist + (t + 1) * L.buckets),
      };
      total += liveBytes;
    });
    return {
      threshold: s[L.threshold]!,
      tiers,
      flowBytes: s.slice(L.flowBytes, L.flowBytes + L.buckets),
      flowCount: s.slice(L.flowCount, L.flowCount + L.buckets),
      dramShare: total > 0 ? tiers.dram.liveBytes / total : NaN,
    };
  }

  info(): AllocatorInfo {
    const addon = native();
    const topo = numaNodes();
    const v = addon.memkindVersion;
    const dram: BackendInfo = {
      tier: 'dram',
      kind: this.#heap.kindName(tierIndex('dram')),
      source: this.#dramKind,
      emulated: false,
      nodes: this.#dramKind === 'regular' ? topo.filter((n) => !n.cpuless).map((n) => n.node) : topo.map((n) => n.node),
      description:
        this.#dramKind === 'regular'
          ? 'DRAM tier: MEMKIND_REGULAR, bound to the NUMA nodes that have CPUs (never spills onto a KMEM-DAX node)'
          : 'DRAM tier: MEMKIND_DEFAULT, unbound (the kernel may place pages on any node)',
    };
    const c = this.#pmem;
    const pmem: BackendInfo = {
      tier: 'pmem',
      kind: this.#heap.kindName(tierIndex('pmem')),
      source: c.option === 'auto' ? `auto -> ${c.source}` : c.source,
      emulated: c.emulated,
      nodes: c.nodes ?? [],
      ...(c.dir !== undefined ? { dir: c.dir, fileSize: c.fileSize ?? 0 } : {}),
      description: c.description,
    };
    return {
      version: addon.version,
      memkindVersion: `${Math.floor(v / 1e6)}.${Math.floor(v / 1e3) % 1000}.${v % 1000}`,
      dram,
      pmem,
      policy: this.policy,
      sizeClassFormula: this.#heap.formulaOk(),
      numa: topo,
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#heap.close();
    if (this.#pmem.tempDir !== undefined) releaseEmulationDir(this.#pmem.tempDir);
  }
}

/** Create a tiered allocator. Throws ERR_TIERMEM_BACKEND when the requested PMem backend is unavailable. */
export function createAllocator(options: AllocatorOptions = {}): Allocator {
  if (options === null || typeof options !== 'object') throw invalid('options must be an object');
  if (options.log !== undefined && typeof options.log !== 'function') throw invalid('options.log must be a function');
  if (options.limits !== undefined && (options.limits === null || typeof options.limits !== 'object')) {
    throw invalid('options.limits must be an object such as { dram: bytes }');
  }
  return new TieredAllocator(options);
}

/** The native heap behind each allocator, for the store engine that lives in it. */
const heaps = new WeakMap<Allocator, NativeHeap>();

/**
 * Open the C store engine on an allocator's heap (internal: src/store uses it). Its keys,
 * metadata, values and buffers are all allocated and accounted in that heap.
 */
export function openStore(alloc: Allocator, config: { databases?: number }): NativeStore {
  const heap = heaps.get(alloc);
  if (heap === undefined) throw invalid('openStore needs an allocator made by createAllocator');
  if (alloc.closed) throw new TiermemError('ERR_TIERMEM_CLOSED', 'the allocator is closed');
  return heap.storeOpen(config);
}

/** The offsets of rawStats(). */
export function nativeLayout(): NativeLayout {
  return native().layout;
}

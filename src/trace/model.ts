// A model of the native allocator for simulation: same routing rule (size < threshold -> DRAM,
// and the dithered split of the threshold's bucket),
// same usable sizes, same statistics (live bytes and histograms per tier, routed flow by
// requested size, forced bytes), same volume hook and trace sink; no memory behind it, no limits.

import {
  CATEGORIES,
  DEFAULT_THRESHOLD,
  SPLIT_STEPS,
  type Allocator,
  type AllocatorStats,
  type CellStats,
  type Category,
  type Handle,
  type Tier,
  type TierStats,
  type TraceSink,
} from '../types.js';
import { TiermemError } from '../errors.js';
import { bucketOf, HIST_BUCKETS, usableSize } from './sizeclass.js';

/** The allocator surface the simulator drives; the real facade and the model both provide it. */
export type SimAllocator = Pick<
  Allocator,
  | 'zmalloc'
  | 'zmallocDram'
  | 'zmallocPmem'
  | 'zrealloc'
  | 'zfree'
  | 'stats'
  | 'threshold'
  | 'split'
  | 'setRoute'
  | 'setVolumeHook'
  | 'setTraceSink'
  | 'tierOf'
>;

const DRAM = 1;
const PMEM = 2;

interface TierCounters {
  liveBytes: number;
  liveCount: number;
  allocs: number;
  frees: number;
  forcedBytes: number;
  hist: Float64Array;
  cells: CellStats[];
}

function newTier(): TierCounters {
  return {
    liveBytes: 0,
    liveCount: 0,
    allocs: 0,
    frees: 0,
    forcedBytes: 0,
    hist: new Float64Array(HIST_BUCKETS),
    cells: CATEGORIES.map(() => ({ liveBytes: 0, liveCount: 0, allocs: 0, frees: 0 })),
  };
}

function badSize(size: number): never {
  throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `size must be a non-negative integer, got ${size}`);
}

/** The end of the power-of-two bucket holding t ([2^b, 2^(b+1)); bucket 0 is [0, 2)). */
function bucketEnd(t: number): number {
  return t < 2 ? 2 : 2 ** (Math.floor(Math.log2(t)) + 1);
}

export class ModelAllocator implements SimAllocator {
  #threshold: number;
  // The dithered range [threshold, ditherEnd), its split in 1/SPLIT_STEPS and the credit
  // counter's low 16 bits: the native core's rule, step for step.
  #ditherEnd: number;
  #split = 0;
  #credit = 0;
  private usable = new Float64Array(1024);
  private tier = new Uint8Array(1024); // 0 = not live
  private pinned = new Uint8Array(1024);
  private cat = new Uint8Array(1024);
  private next = 1;
  private readonly tiers = [newTier(), newTier(), newTier()]; // index by DRAM / PMEM
  private readonly flowBytes = new Float64Array(HIST_BUCKETS);
  private readonly flowCount = new Float64Array(HIST_BUCKETS);
  private hookEvery = 0;
  private hook: (() => void) | null = null;
  private sinceHook = 0;
  private sink: TraceSink | null = null;

  constructor(threshold = DEFAULT_THRESHOLD) {
    this.#threshold = threshold;
    this.#ditherEnd = threshold;
  }

  get threshold(): number {
    return this.#threshold;
  }
  /** A plain threshold (split 0), as the core's tm_set_threshold. */
  set threshold(t: number) {
    this.setRoute(t, 0);
  }
  get split(): number {
    return this.#ditherEnd > this.#threshold ? this.#split / SPLIT_STEPS : 0;
  }
  setRoute(threshold: number, split: number): void {
    if (!(split >= 0 && split <= 1))
      throw new TiermemError('ERR_TIERMEM_INVALID_ARG', `split must be a number from 0 to 1, got ${split}`);
    this.#threshold = threshold;
    this.#split = Math.round(split * SPLIT_STEPS);
    this.#ditherEnd = this.#split === 0 ? threshold : bucketEnd(threshold);
  }

  /** tm_route: below the threshold DRAM; in the dithered range the credit counter's carry. */
  private route(size: number): number {
    if (size < this.#threshold) return DRAM;
    if (size >= this.#ditherEnd) return PMEM;
    const sum = this.#credit + this.#split;
    this.#credit = sum % SPLIT_STEPS;
    return sum >= SPLIT_STEPS ? DRAM : PMEM;
  }

  private grow(h: number): void {
    if (h < this.usable.length) return;
    const n = Math.max(h + 1, this.usable.length * 2);
    const u = new Float64Array(n);
    u.set(this.usable);
    this.usable = u;
    const t = new Uint8Array(n);
    t.set(this.tier);
    this.tier = t;
    const p = new Uint8Array(n);
    p.set(this.pinned);
    this.pinned = p;
    const c = new Uint8Array(n);
    c.set(this.cat);
    this.cat = c;
  }

  private place(size: number, category: Category, forced: number): Handle {
    if (!Number.isSafeInteger(size) || size < 0) badSize(size);
    const t = forced || this.route(size);
    const u = usableSize(size);
    const h = this.next++;
    this.grow(h);
    const ci = Math.max(0, CATEGORIES.indexOf(category));
    this.usable[h] = u;
    this.tier[h] = t;
    this.pinned[h] = forced ? 1 : 0;
    this.cat[h] = ci;
    const tc = this.tiers[t]!;
    tc.liveBytes += u;
    tc.liveCount++;
    tc.allocs++;
    tc.hist[bucketOf(u)]! += u;
    const cell = tc.cells[ci]!;
    cell.liveBytes += u;
    cell.liveCount++;
    cell.allocs++;
    if (forced) tc.forcedBytes += u;
    else {
      const b = bucketOf(size);
      this.flowBytes[b]! += u;
      this.flowCount[b]!++;
    }
    return h;
  }

  private unplace(h: Handle): void {
    const t = Number.isInteger(h) && h > 0 && h < this.next ? (this.tier[h] ?? 0) : 0;
    if (!t) throw new TiermemError('ERR_TIERMEM_INVALID_HANDLE', `handle ${h} is not live`);
    const u = this.usable[h]!;
    const tc = this.tiers[t]!;
    tc.liveBytes -= u;
    tc.liveCount--;
    tc.frees++;
    tc.hist[bucketOf(u)]! -= u;
    const cell = tc.cells[this.cat[h]!]!;
    cell.liveBytes -= u;
    cell.liveCount--;
    cell.frees++;
    this.tier[h] = 0;
  }

  private routed(h: Handle): Handle {
    if (this.hook && this.hookEvery > 0) {
      this.sinceHook += this.usable[h]!;
      if (this.sinceHook >= this.hookEvery) {
        this.sinceHook = 0;
        this.hook();
      }
    }
    return h;
  }

  private tierName(h: Handle): Tier {
    return this.tier[h] === DRAM ? 'dram' : 'pmem';
  }

  zmalloc(size: number, category: Category = 'data'): Handle {
    const h = this.place(size, category, 0);
    this.sink?.onAlloc(h, size, category, null, this.tierName(h));
    return this.routed(h);
  }
  zmallocDram(size: number, category: Category = 'data'): Handle {
    const h = this.place(size, category, DRAM);
    this.sink?.onAlloc(h, size, category, 'dram', 'dram');
    return h;
  }
  zmallocPmem(size: number, category: Category = 'data'): Handle {
    const h = this.place(size, category, PMEM);
    this.sink?.onAlloc(h, size, category, 'pmem', 'pmem');
    return h;
  }
  /** Like the core: a pinned (forced) block keeps its tier, a routed one is routed by its new size. */
  zrealloc(handle: Handle, size: number): Handle {
    const forced = this.pinned[handle] ? (this.tier[handle] ?? 0) : 0;
    const category = CATEGORIES[this.cat[handle] ?? 0] ?? 'data';
    this.unplace(handle);
    const h = this.place(size, category, forced);
    this.sink?.onRealloc(handle, h, size, this.tierName(h));
    return forced ? h : this.routed(h);
  }
  zfree(handle: Handle): void {
    this.unplace(handle);
    this.sink?.onFree(handle);
  }
  tierOf(handle: Handle): Tier {
    if (!this.tier[handle]) throw new TiermemError('ERR_TIERMEM_INVALID_HANDLE', `handle ${handle} is not live`);
    return this.tierName(handle);
  }
  setVolumeHook(everyBytes: number, hook: (() => void) | null): void {
    this.hookEvery = hook ? everyBytes : 0;
    this.hook = hook;
    this.sinceHook = 0;
  }
  setTraceSink(sink: TraceSink | null): void {
    this.sink = sink;
  }

  /**
   * The migrator's model: move up to `bytes` of routed (not pinned) blocks to tier `to`, as the
   * store's migrator does with values. With no access times in a trace, age stands in for heat:
   * demotion takes the oldest DRAM blocks first, promotion the newest PMem blocks first. Each
   * direction resumes where it stopped (a clock hand), so repeated calls do not rescan. Returns
   * the bytes moved.
   */
  migrate(bytes: number, to: Tier): number {
    const dst = to === 'dram' ? DRAM : PMEM;
    const src = dst === DRAM ? PMEM : DRAM;
    let moved = 0;
    const n = this.next;
    // Bounded per call, as the store's migrator works in bounded steps.
    const most = Math.min(n, 1 << 16);
    for (let scanned = 0; moved < bytes && scanned < most; scanned++) {
      let h: number;
      if (dst === PMEM) {
        if (this.demoteAt < 1 || this.demoteAt >= n) this.demoteAt = 1;
        h = this.demoteAt++;
      } else {
        if (this.promoteAt < 1 || this.promoteAt >= n) this.promoteAt = n - 1;
        h = this.promoteAt--;
      }
      if (this.tier[h] !== src || this.pinned[h]) continue;
      const u = this.usable[h]!;
      const from = this.tiers[src]!;
      const into = this.tiers[dst]!;
      const ci = this.cat[h]!;
      from.liveBytes -= u;
      from.liveCount--;
      from.hist[bucketOf(u)]! -= u;
      from.cells[ci]!.liveBytes -= u;
      from.cells[ci]!.liveCount--;
      into.liveBytes += u;
      into.liveCount++;
      into.hist[bucketOf(u)]! += u;
      into.cells[ci]!.liveBytes += u;
      into.cells[ci]!.liveCount++;
      this.tier[h] = dst;
      moved += u;
    }
    if (dst === DRAM) this.migratedToDram += moved;
    else this.migratedToPmem += moved;
    return moved;
  }

  /** Bytes migrate() moved so far, per direction. */
  migratedToDram = 0;
  migratedToPmem = 0;
  private demoteAt = 1;
  private promoteAt = 0;

  /** Live bytes of one tier, without building a full stats object (for per-allocation baselines). */
  liveBytes(t: Tier): number {
    return this.tiers[t === 'dram' ? DRAM : PMEM]!.liveBytes;
  }

  stats(): AllocatorStats {
    const tier = (t: number): TierStats => {
      const c = this.tiers[t]!;
      const byCategory = {} as Record<Category, CellStats>;
      CATEGORIES.forEach((name, i) => {
        byCategory[name] = { ...c.cells[i]! };
      });
      return {
        liveBytes: c.liveBytes,
        liveCount: c.liveCount,
        allocs: c.allocs,
        frees: c.frees,
        failures: 0,
        fallbacks: 0,
        forcedBytes: c.forcedBytes,
        limit: 0,
        byCategory,
        liveHist: c.hist.slice(),
      };
    };
    const dram = tier(DRAM);
    const pmem = tier(PMEM);
    const total = dram.liveBytes + pmem.liveBytes;
    return {
      threshold: this.threshold,
      tiers: { dram, pmem },
      flowBytes: this.flowBytes.slice(),
      flowCount: this.flowCount.slice(),
      dramShare: total > 0 ? dram.liveBytes / total : NaN,
    };
  }
}

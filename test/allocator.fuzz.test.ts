// Allocator facade fuzzing (issue 15): random calls, valid and invalid, checked against a model of
// the live blocks, their contents and the accounting (per tier x category, failures, fallbacks,
// forced bytes). The model re-derives placement from the documented rules (route by threshold,
// limits on usable bytes, spill or strict, move never spills) and usable sizes from the size-class
// function; it never asks the allocator where a block went. A rejected call must throw the
// expected code and change nothing; checkpoints compare the whole state.
// TIERMEM_FUZZ_SEED and TIERMEM_FUZZ_CALLS reproduce or lengthen a run.
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../src/native.js';
import { CATEGORIES, TIERS, type Category, type Tier } from '../src/types.js';
import { open, rng, type TestAllocator } from './helpers.js';

const SEED = Number(process.env.TIERMEM_FUZZ_SEED ?? 15);
const CALLS = Number(process.env.TIERMEM_FUZZ_CALLS ?? 100_000);
const CHECK_EVERY = 1000;
const MAX_LIVE = 1500;

type Code =
  | 'ERR_TIERMEM_INVALID_ARG'
  | 'ERR_TIERMEM_INVALID_HANDLE'
  | 'ERR_TIERMEM_OUT_OF_BOUNDS'
  | 'ERR_TIERMEM_NO_MEMORY'
  | 'ERR_TIERMEM_CLOSED';

interface Block {
  usable: number;
  tier: number;
  cat: number;
  pinned: boolean;
  data: Uint8Array;
  known: Uint8Array; // 1 where the model knows the byte
}

interface Cell {
  bytes: number;
  count: number;
  allocs: number;
  frees: number;
}

/** The model of one allocator. */
class Model {
  blocks = new Map<number, Block>();
  order: number[] = []; // the live handles, for O(1) random picks
  #at = new Map<number, number>();
  dead: number[] = []; // freed handles: must never validate again
  threshold = 4096;
  policy: 'spill' | 'strict' = 'spill';
  limit = [0, 0];
  live = [0, 0];
  cells: Cell[][] = TIERS.map(() => CATEGORIES.map(() => ({ bytes: 0, count: 0, allocs: 0, frees: 0 })));
  failures = [0, 0];
  fallbacks = [0, 0];
  forced = [0, 0];
  readonly sizeClass = (size: number): number => native().sizeClass(size);

  usableOf(size: number): number {
    return this.sizeClass(Math.max(size, 1));
  }
  fits(t: number, u: number, extra = 0): boolean {
    return this.limit[t] === 0 || this.live[t]! + u - extra <= this.limit[t]!;
  }
  /** Which tier a placement lands on, or -1; counts failures and fallbacks as the core does. */
  /** `countForced` false: a move, or a buffer (the core counts neither as forced bytes). */
  place(
    size: number,
    want: number,
    maySpill: boolean,
    routed: boolean,
    countForced = true,
  ): { tier: number; usable: number } | null {
    const u = this.usableOf(size);
    let t = want;
    if (!this.fits(t, u)) {
      if (maySpill && this.policy === 'spill' && this.fits(1 - want, u)) {
        t = 1 - want;
        this.fallbacks[want]!++;
      } else {
        this.failures[want]!++;
        return null;
      }
    }
    if (!routed && countForced) this.forced[want]! += u;
    return { tier: t, usable: u };
  }
  route(size: number): number {
    return size < this.threshold ? 0 : 1;
  }
  add(h: number, b: Block): void {
    this.blocks.set(h, b);
    this.#at.set(h, this.order.length);
    this.order.push(h);
    this.in(b);
  }
  in(b: Block): void {
    const c = this.cells[b.tier]![b.cat]!;
    c.bytes += b.usable;
    c.count++;
    c.allocs++;
    this.live[b.tier]! += b.usable;
  }
  out(b: Block): void {
    const c = this.cells[b.tier]![b.cat]!;
    c.bytes -= b.usable;
    c.count--;
    c.frees++;
    this.live[b.tier]! -= b.usable;
  }
  remove(h: number): void {
    this.out(this.blocks.get(h)!);
    this.blocks.delete(h);
    const i = this.#at.get(h)!;
    const last = this.order.pop()!;
    if (last !== h) {
      this.order[i] = last;
      this.#at.set(last, i);
    }
    this.#at.delete(h);
    this.dead.push(h);
  }
}

function newBlock(p: { tier: number; usable: number }, cat: number, pinned: boolean, zero: boolean): Block {
  return {
    usable: p.usable,
    tier: p.tier,
    cat,
    pinned,
    data: new Uint8Array(p.usable),
    known: new Uint8Array(p.usable).fill(zero ? 1 : 0),
  };
}

function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

describe('allocator facade fuzz', () => {
  const counts = { valid: 0, rejected: 0, noMemory: 0, checkpoints: 0, byOp: {} as Record<string, number> };
  afterAll(() => {
    console.log(
      `allocator fuzz (seed ${SEED}): ${counts.valid + counts.rejected + counts.noMemory} calls, ${counts.valid} valid ` +
        `(${counts.noMemory} ERR_TIERMEM_NO_MEMORY as the model predicted), ${counts.rejected} invalid rejected, ` +
        `${counts.checkpoints} full-state checkpoints; by operation ${JSON.stringify(counts.byOp)}`,
    );
  });

  it(`${CALLS} random calls agree with the model`, () => {
    const rand = rng(SEED);
    const int = (n: number): number => Math.floor(rand() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
    const a: TestAllocator = open({ threshold: 4096, policy: 'spill' });
    const m = new Model();
    let step = 0;
    let op = '';

    const size = (): number => {
      const r = rand();
      if (r < 0.02) return 0;
      if (r < 0.7) return int(512);
      if (r < 0.95) return int(16384);
      return int(256 * 1024);
    };
    const liveHandles = (): number[] => m.order;
    const someLive = (): number | undefined => (m.order.length === 0 ? undefined : m.order[int(m.order.length)]);
    const notLive = (): number => {
      const r = rand();
      const hs = m.order;
      if (r < 0.4 && m.dead.length > 0) return pick(m.dead); // freed or stale
      if (r < 0.7 && hs.length > 0) return pick(hs) + 2 ** 28; // forged generation (even: never live)
      let h = int(2 ** 40);
      while (m.blocks.has(h)) h++;
      return h;
    };
    const badNumber = (): unknown =>
      pick(['8', null, undefined, true, {}, [], NaN, -1, 1.5, Infinity, 2 ** 47, 8n, Symbol('x'), Object.create(null)]);
    const badHandle = (): unknown => pick(['1', null, true, {}, -1, 0.5, NaN, 2 ** 53, 8n]);
    const expectedHandleCode = (v: unknown): Code =>
      typeof v === 'number' ? 'ERR_TIERMEM_INVALID_HANDLE' : 'ERR_TIERMEM_INVALID_ARG';
    const category = (): { name: Category | undefined; index: number } => {
      if (rand() < 0.3) return { name: undefined, index: -1 };
      const i = int(CATEGORIES.length);
      return { name: CATEGORIES[i], index: i };
    };

    const rejects = (code: Code, call: () => unknown): void => {
      let err: unknown;
      let result: unknown;
      try {
        result = call();
      } catch (e) {
        err = e;
      }
      if (err === undefined) {
        throw new Error(`step ${step} ${op}: expected ${code}, returned ${String(result).slice(0, 80)}`);
      }
      const got = (err as { code?: unknown }).code;
      if (got !== code) throw new Error(`step ${step} ${op}: expected ${code}, got ${String(got)}`, { cause: err });
      if (code === 'ERR_TIERMEM_NO_MEMORY') counts.noMemory++;
      else counts.rejected++;
    };
    const ok = <T>(call: () => T): T => {
      try {
        const r = call();
        counts.valid++;
        return r;
      } catch (e) {
        throw new Error(`step ${step} ${op}: unexpected error`, { cause: e });
      }
    };

    const compareBytes = (h: number, b: Block, off: number, got: Uint8Array): void => {
      for (let i = 0; i < got.length; i++) {
        const j = off + i;
        if (b.known[j] && b.data[j] !== got[i]) {
          throw new Error(`step ${step} ${op}: block ${h} byte ${j} is ${got[i]}, the model says ${b.data[j]}`);
        }
      }
    };
    const learn = (b: Block, off: number, bytes: Uint8Array): void => {
      b.data.set(bytes, off);
      b.known.fill(1, off, off + bytes.length);
    };

    // Every block's size, tier and category; the contents of a sample (all of them when `full`).
    const checkpoint = (full = false): void => {
      counts.checkpoints++;
      const s = a.stats();
      TIERS.forEach((tier, t) => {
        const ts = s.tiers[tier];
        CATEGORIES.forEach((cat, c) => {
          const want = m.cells[t]![c]!;
          const got = ts.byCategory[cat];
          const cmp = [got.liveBytes, got.liveCount, got.allocs, got.frees];
          const exp = [want.bytes, want.count, want.allocs, want.frees];
          if (cmp.join() !== exp.join()) {
            throw new Error(`step ${step}: ${tier}/${cat} stats ${cmp.join()} but the model says ${exp.join()}`);
          }
        });
        const tierFigures = [ts.failures, ts.fallbacks, ts.forcedBytes, ts.limit].join();
        const want = [m.failures[t], m.fallbacks[t], m.forced[t], m.limit[t]].join();
        if (tierFigures !== want) throw new Error(`step ${step}: ${tier} figures ${tierFigures}, model ${want}`);
      });
      expect(s.threshold).toBe(m.threshold);
      expect(a.policy).toBe(m.policy);
      expect(a.liveCount).toBe(m.blocks.size);
      let sampled = 0;
      for (const [h, b] of m.blocks) {
        if (a.zmallocSize(h) !== b.usable || a.tierOf(h) !== TIERS[b.tier] || a.categoryOf(h) !== CATEGORIES[b.cat]) {
          throw new Error(
            `step ${step}: block ${h} is ${a.zmallocSize(h)} B ${a.tierOf(h)} ${a.categoryOf(h)}, model ${JSON.stringify({ ...b, data: 0, known: 0 })}`,
          );
        }
        if (full || sampled < 100) compareBytes(h, b, 0, a.read(h));
        if (sampled++ < 20 && a.detectTier(h) !== TIERS[b.tier])
          throw new Error(`step ${step}: memkind puts ${h} elsewhere`);
      }
      for (const h of m.dead.slice(-50)) rejects('ERR_TIERMEM_INVALID_HANDLE', () => a.zmallocSize(h));
    };

    // Each operation: a name and a function that makes one call (valid or not) and updates the model.
    const ops: [string, number, () => void][] = [
      [
        'zmalloc',
        10,
        () => {
          if (rand() < 0.1) return rejects('ERR_TIERMEM_INVALID_ARG', () => a.zmalloc(badNumber() as number));
          if (rand() < 0.03)
            return rejects('ERR_TIERMEM_INVALID_ARG', () =>
              a.zmalloc(8, pick(['nope', null, 3, 'toString']) as Category),
            );
          const n = size();
          const c = category();
          const p = m.place(n, m.route(n), true, true);
          if (p === null) return rejects('ERR_TIERMEM_NO_MEMORY', () => a.zmalloc(n, c.name));
          const h = ok(() => a.zmalloc(n, c.name));
          m.add(h, newBlock(p, c.index < 0 ? 0 : c.index, false, false));
        },
      ],
      [
        'zcalloc',
        3,
        () => {
          if (rand() < 0.1) return rejects('ERR_TIERMEM_INVALID_ARG', () => a.zcalloc(2 ** 30, 2 ** 30));
          const count = 1 + int(8);
          const each = int(2048);
          const c = category();
          const p = m.place(count * each, m.route(count * each), true, true);
          if (p === null) return rejects('ERR_TIERMEM_NO_MEMORY', () => a.zcalloc(count, each, c.name));
          const h = ok(() => a.zcalloc(count, each, c.name));
          const b = newBlock(p, c.index < 0 ? 0 : c.index, false, false);
          b.known.fill(1, 0, count * each); // zeroed up to the requested size
          m.add(h, b);
        },
      ],
      [
        'zmallocFrom',
        5,
        () => {
          if (rand() < 0.1)
            return rejects('ERR_TIERMEM_INVALID_ARG', () =>
              a.zmallocFrom(pick<unknown>(['abc', null, 5, [1, 2]]) as Uint8Array),
            );
          const data = Buffer.alloc(size());
          for (let i = 0; i < data.length; i += 61) data[i] = int(256);
          const c = category();
          const p = m.place(data.length, m.route(data.length), true, true);
          if (p === null) return rejects('ERR_TIERMEM_NO_MEMORY', () => a.zmallocFrom(data, c.name));
          const h = ok(() => a.zmallocFrom(data, c.name));
          const b = newBlock(p, c.index < 0 ? 0 : c.index, false, false);
          learn(b, 0, data);
          m.add(h, b);
        },
      ],
      [
        'zmallocTier',
        4,
        () => {
          const t = int(2);
          const n = size();
          const c = category();
          const cat = c.index < 0 ? (t === 0 ? 1 : 0) : c.index; // defaults: metadata on DRAM, data on PMem
          const call = (): number => (t === 0 ? a.zmallocDram(n, c.name) : a.zmallocPmem(n, c.name));
          if (rand() < 0.05)
            return rejects('ERR_TIERMEM_INVALID_ARG', () =>
              t === 0 ? a.zmallocDram(badNumber() as number) : a.zmallocPmem(badNumber() as number),
            );
          const p = m.place(n, t, true, false, CATEGORIES[cat] !== 'buffers');
          if (p === null) return rejects('ERR_TIERMEM_NO_MEMORY', call);
          m.add(ok(call), newBlock(p, cat, true, false));
        },
      ],
      [
        'zfree',
        12,
        () => {
          const h = someLive();
          if (h === undefined || rand() < 0.15) {
            const bad = rand() < 0.5 ? badHandle() : notLive();
            return rejects(expectedHandleCode(bad), () => a.zfree(bad as number));
          }
          ok(() => a.zfree(h));
          m.remove(h);
        },
      ],
      [
        'zrealloc',
        6,
        () => {
          const h = someLive();
          if (h === undefined || rand() < 0.1)
            return rejects('ERR_TIERMEM_INVALID_HANDLE', () => a.zrealloc(notLive(), 8));
          if (rand() < 0.05) return rejects('ERR_TIERMEM_INVALID_ARG', () => a.zrealloc(h, badNumber() as number));
          const b = m.blocks.get(h)!;
          const n = size();
          const want = b.pinned ? b.tier : m.route(n);
          const nu = m.usableOf(n);
          let p: { tier: number; usable: number } | null;
          if (want === b.tier && (nu <= b.usable || m.fits(want, nu, b.usable))) p = { tier: want, usable: nu };
          else p = m.place(n, want, true, !b.pinned, CATEGORIES[b.cat] !== 'buffers');
          if (p === null) return rejects('ERR_TIERMEM_NO_MEMORY', () => a.zrealloc(h, n));
          expect(ok(() => a.zrealloc(h, n))).toBe(h);
          m.out(b);
          const nb = newBlock(p, b.cat, b.pinned, false);
          const keep = Math.min(b.usable, Math.max(n, 1), nb.usable);
          nb.data.set(b.data.subarray(0, keep));
          nb.known.set(b.known.subarray(0, keep));
          m.blocks.set(h, nb);
          m.in(nb);
        },
      ],
      [
        'move',
        4,
        () => {
          const h = someLive();
          if (h === undefined || rand() < 0.1)
            return rejects('ERR_TIERMEM_INVALID_HANDLE', () => a.move(notLive(), 'dram'));
          if (rand() < 0.05)
            return rejects('ERR_TIERMEM_INVALID_ARG', () => a.move(h, pick(['nvm', null, 0, 8n]) as Tier));
          const b = m.blocks.get(h)!;
          const to = int(2);
          if (to === b.tier) return ok(() => a.move(h, TIERS[to]!));
          const p = m.place(b.usable, to, false, false, false);
          if (p === null) return rejects('ERR_TIERMEM_NO_MEMORY', () => a.move(h, TIERS[to]!));
          ok(() => a.move(h, TIERS[to]!));
          m.out(b);
          b.tier = p.tier;
          b.pinned = true;
          m.in(b);
        },
      ],
      [
        'write',
        12,
        () => {
          const h = someLive();
          if (h === undefined || rand() < 0.05)
            return rejects('ERR_TIERMEM_INVALID_HANDLE', () => a.write(notLive(), 'x'));
          const b = m.blocks.get(h)!;
          const r = rand();
          const len = int(Math.min(b.usable, 300) + 1);
          // The core takes any TypedArray or DataView, beyond the Uint8Array | string the type says.
          let data: ArrayBufferView | string;
          if (r < 0.4) data = pick(['é', 'ab', '€', 'x', '𝄞']).repeat(Math.ceil(len / 4));
          else if (r < 0.8) data = Buffer.from(Array.from({ length: len }, () => int(256)));
          else if (r < 0.9) data = new Uint16Array(Array.from({ length: len >> 1 }, () => int(65536)));
          else data = new DataView(Buffer.from(Array.from({ length: len }, () => int(256))).buffer);
          const bytes =
            typeof data === 'string' ? bytesOf(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
          const arg = data as Uint8Array | string;
          if (rand() < 0.05)
            return rejects('ERR_TIERMEM_INVALID_ARG', () => a.write(h, pick([5, null, {}, [1], 8n]) as string));
          if (rand() < 0.05)
            return rejects('ERR_TIERMEM_INVALID_ARG', () => a.write(h, arg, pick(['1', null, -1, 0.5, NaN]) as number));
          const room = b.usable - bytes.length; // negative when the data is longer than the block
          const off = room >= 0 && rand() < 0.9 ? int(room + 1) : Math.max(0, room + 1) + int(64);
          if (off + bytes.length > b.usable) {
            return rejects('ERR_TIERMEM_OUT_OF_BOUNDS', () => a.write(h, arg, off));
          }
          expect(ok(() => a.write(h, arg, off))).toBe(bytes.length);
          learn(b, off, bytes);
        },
      ],
      [
        'read',
        10,
        () => {
          const h = someLive();
          if (h === undefined || rand() < 0.05) return rejects('ERR_TIERMEM_INVALID_HANDLE', () => a.read(notLive()));
          const b = m.blocks.get(h)!;
          const r = rand();
          const badOffset = badNumber(); // undefined is the default offset, not an error
          if (r < 0.05 && badOffset !== undefined)
            return rejects('ERR_TIERMEM_INVALID_ARG', () => a.read(h, badOffset as number));
          if (r < 0.1) return rejects('ERR_TIERMEM_OUT_OF_BOUNDS', () => a.read(h, b.usable + 1 + int(100)));
          const off = int(b.usable + 1);
          if (r < 0.15)
            return rejects('ERR_TIERMEM_OUT_OF_BOUNDS', () => a.read(h, off, b.usable - off + 1 + int(100)));
          if (r < 0.3) {
            const got = ok(() => a.read(h, off));
            expect(got.length).toBe(b.usable - off);
            return compareBytes(h, b, off, got);
          }
          const len = int(b.usable - off + 1);
          if (r < 0.5) {
            const target = new Uint8Array(len + int(8));
            expect(ok(() => a.readInto(h, target, off, len))).toBe(len);
            return compareBytes(h, b, off, target.subarray(0, len));
          }
          if (r < 0.55)
            return rejects('ERR_TIERMEM_OUT_OF_BOUNDS', () => a.readInto(h, new Uint8Array(len), off, len + 1));
          const got = ok(() => a.read(h, off, len));
          expect(got.length).toBe(len);
          compareBytes(h, b, off, got);
        },
      ],
      [
        'copy',
        4,
        () => {
          const d = someLive();
          const s = someLive();
          if (d === undefined || s === undefined) return;
          const bd = m.blocks.get(d)!;
          const bs = m.blocks.get(s)!;
          if (rand() < 0.1) return rejects('ERR_TIERMEM_INVALID_HANDLE', () => a.copy(d, 0, notLive(), 0, 0));
          const len = int(Math.min(bd.usable, bs.usable) + 1);
          const doff = int(bd.usable - len + 1);
          const soff = int(bs.usable - len + 1);
          if (rand() < 0.1)
            return rejects('ERR_TIERMEM_OUT_OF_BOUNDS', () => a.copy(d, doff, s, soff + bs.usable + 1, len));
          ok(() => a.copy(d, doff, s, soff, len));
          const data = bs.data.slice(soff, soff + len);
          const known = bs.known.slice(soff, soff + len);
          bd.data.set(data, doff);
          bd.known.set(known, doff);
        },
      ],
      [
        'zmallocBatch',
        3,
        () => {
          if (rand() < 0.3) {
            const bad = pick<unknown>([
              '123',
              ['8', '16'],
              [true, 8],
              new Set([8]),
              5,
              null,
              [8, -1],
              [8, 1.5],
              { length: 1, 0: 8 },
              [2 ** 47],
            ]);
            return rejects('ERR_TIERMEM_INVALID_ARG', () => a.zmallocBatch(bad as number[]));
          }
          const sizes = Array.from({ length: int(20) }, size);
          const c = category();
          const cat = c.index < 0 ? 0 : c.index;
          const placed: Block[] = [];
          let failed = false;
          for (const n of sizes) {
            const p = m.place(n, m.route(n), true, true);
            if (p === null) {
              failed = true;
              break;
            }
            placed.push(newBlock(p, cat, false, false));
            m.live[p.tier]! += p.usable; // held while the rest of the batch is placed
          }
          for (const b of placed) m.live[b.tier]! -= b.usable;
          if (failed) {
            for (const b of placed) {
              m.in(b); // all or nothing: the blocks made are freed again
              m.out(b);
            }
            return rejects('ERR_TIERMEM_NO_MEMORY', () => a.zmallocBatch(sizes, c.name));
          }
          const hs = ok(() => a.zmallocBatch(sizes, c.name));
          expect(hs.length).toBe(sizes.length);
          hs.forEach((h, i) => m.add(h, placed[i]!));
        },
      ],
      [
        'zfreeBatch',
        3,
        () => {
          const hs = [
            ...new Set(Array.from({ length: int(10) }, someLive).filter((h): h is number => h !== undefined)),
          ];
          const r = rand();
          if (r < 0.15)
            return rejects('ERR_TIERMEM_INVALID_ARG', () =>
              a.zfreeBatch(pick<unknown>([null, '1', [true], new Set(hs), 7]) as number[]),
            );
          if (r < 0.3) return rejects('ERR_TIERMEM_INVALID_HANDLE', () => a.zfreeBatch([...hs, notLive()]));
          if (r < 0.4 && hs.length > 0)
            return rejects('ERR_TIERMEM_INVALID_HANDLE', () => a.zfreeBatch([...hs, hs[0]!]));
          ok(() => a.zfreeBatch(rand() < 0.5 ? hs : Float64Array.from(hs)));
          for (const h of hs) m.remove(h);
        },
      ],
      [
        'knobs',
        2,
        () => {
          const r = rand();
          if (r < 0.1)
            return rejects('ERR_TIERMEM_INVALID_ARG', () => a.setLimit(pick(['dram', 'pmem']), badNumber() as number));
          if (r < 0.15) return rejects('ERR_TIERMEM_INVALID_ARG', () => a.setLimit(pick(['l3', null]) as Tier, 0));
          if (r < 0.2) {
            return rejects('ERR_TIERMEM_INVALID_ARG', () => {
              a.policy = pick(['lax', null, 1]) as 'spill';
            });
          }
          if (r < 0.25) {
            return rejects('ERR_TIERMEM_INVALID_ARG', () => {
              a.threshold = badNumber() as number;
            });
          }
          if (r < 0.45) {
            m.threshold = pick([0, 64, 512, 4096, 16384, 2 ** 46]);
            return ok(() => {
              a.threshold = m.threshold;
            });
          }
          if (r < 0.6) {
            m.policy = pick(['spill', 'strict'] as const);
            return ok(() => {
              a.policy = m.policy;
            });
          }
          const t = int(2);
          // Limits around the live figure: below it (everything fails), near it, or none.
          const lim = pick([0, 0, m.live[t]! + int(64 * 1024), Math.floor(m.live[t]! / 2), m.live[t]! + int(4096)]);
          m.limit[t] = lim;
          ok(() => a.setLimit(TIERS[t]!, lim));
        },
      ],
    ];
    const total = ops.reduce((s, o) => s + o[1], 0);
    const choose = (): [string, number, () => void] => {
      let x = rand() * total;
      for (const o of ops) if ((x -= o[1]) < 0) return o;
      return ops[0]!;
    };

    try {
      for (step = 0; counts.valid + counts.rejected + counts.noMemory < CALLS; step++) {
        let o = choose();
        // Keep the live set bounded: past MAX_LIVE, allocations become frees.
        if (m.blocks.size > MAX_LIVE && /^z(m|c)alloc/.test(o[0])) o = ops.find((x) => x[0] === 'zfree')!;
        op = o[0];
        counts.byOp[op] = (counts.byOp[op] ?? 0) + 1;
        o[2]();
        if (step % CHECK_EVERY === CHECK_EVERY - 1) checkpoint();
      }
      checkpoint(true);
      for (const h of [...liveHandles()]) {
        a.zfree(h);
        m.remove(h);
      }
      checkpoint();
      TIERS.forEach((t) => expect(a.stats().tiers[t].liveBytes).toBe(0));
    } finally {
      a.close();
    }
    expect(counts.rejected).toBeGreaterThan(CALLS / 20);
    expect(counts.noMemory).toBeGreaterThan(0);
  }, 60_000);
});

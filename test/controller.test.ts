import { describe, expect, it, vi } from 'vitest';
import {
  attachController,
  createThresholdController,
  DEFAULT_CONTROLLER_PARAMS,
  DEFAULT_TUNING,
  shareBelow,
  thresholdFor,
  type ControllerParams,
} from '../src/controller/index.js';
import {
  bangBangPolicy,
  controllerPolicy,
  decodeTrace,
  ModelAllocator,
  runMetrics,
  SCENARIOS,
  simulate,
  type ThresholdPolicy,
  type Scenario,
} from '../src/trace/index.js';
import { parseRatio, ratioToShare } from '../src/units.js';
import { createTrim, type TrimTuning } from '../src/controller/trim.js';
import { createRng } from '../src/trace/random.js';
import { isTiermemError } from '../src/errors.js';
import { memtierPolicy, tieredMemDbPolicy } from '../bench/controller/baselines.js';

// Shortened scenarios keep the suite lean on shared 2-core machines; the benchmark runs scale 1.
const SCALE = 0.5;
const scenarios = new Map<string, Scenario>(
  SCENARIOS.map((make) => {
    const s = make(SCALE);
    return [s.name, s];
  }),
);
const get = (name: string): Scenario => scenarios.get(name)!;

function run(sc: Scenario, params: Partial<ControllerParams> = {}, migrate = false) {
  const r = simulate(
    decodeTrace(sc.trace),
    controllerPolicy(
      { ...sc.params, targetShare: sc.targetShare, minThreshold: 16, maxThreshold: 2 ** 26, ...params },
      {},
      { migrate },
    ),
    { targetShare: sc.targetShare, alloc: new ModelAllocator(4096) },
  );
  return { r, m: runMetrics(r) };
}

function expectInvalid(f: () => void): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(isTiermemError(err) && err.code).toBe('ERR_TIERMEM_INVALID_ARG');
}

describe('size-distribution map', () => {
  it('inverts: the threshold for a share gives that share back', () => {
    const h = new Float64Array(48);
    h[6] = 10;
    h[7] = 30;
    h[8] = 40;
    h[9] = 20;
    for (const f of [0.05, 0.2, 0.5, 0.8, 0.95]) {
      const t = thresholdFor(h, f)!;
      expect(shareBelow(h, t)).toBeCloseTo(f, 2);
    }
    expect(thresholdFor(h, 0)).toBe(64);
    expect(thresholdFor(h, 1)).toBe(1024);
    expect(thresholdFor(new Float64Array(48), 0.5)).toBeNull();
  });
});

describe('convergence on the generated traces', () => {
  for (const name of [
    'steady',
    'size-shift',
    'growth',
    'churn',
    'forced-30',
    'target-change',
    'bimodal',
    'bulk-load',
  ]) {
    it(`${name}: every segment settles inside +/-2 points and stays, small steady error`, () => {
      const sc = get(name);
      const { r, m } = run(sc);
      const bound = runMetrics(
        simulate(decodeTrace(sc.trace), bangBangPolicy(sc.targetShare), { targetShare: sc.targetShare }),
      ).segments;
      m.segments.forEach((seg, i) => {
        expect(seg.settle, `segment ${i} settles`).toBeLessThan(Infinity);
        // No slower than the fastest any rule could enter the band (bang-bang) plus 3 ticks,
        // leaving the short test traces a little slack for their smaller stock.
        expect(seg.settle).toBeLessThanOrEqual(Math.max(3, bound[i]!.enter) + 3);
        expect(seg.steadyError).toBeLessThan(0.008); // the benchmark (scale 1) is held to 0.5 points
      });
      expect(r.samples.at(-1)!.status).toBe('on-target');
    });
  }
});

describe('migration, the second actuator', () => {
  // The model's migrator at 1 MiB/s: a few percent of these small stocks per tick at most.
  const MIGRATE = { migrateRate: 1024 * 1024 };

  it('low churn over a large stock: a target step is reached only by migrating', () => {
    const sc = get('low-churn');
    const without = run(sc).m.segments.at(-1)!;
    const { r, m } = run(sc, MIGRATE, true);
    const seg = m.segments.at(-1)!;
    // Threshold alone: the trickle of writes cannot move a 1:4 stock to 1:1 in the trace.
    expect(without.settle).toBe(Infinity);
    expect(seg.settle).toBeLessThan(Infinity);
    expect(seg.steadyError).toBeLessThan(0.01);
    expect(r.migrated.toDram).toBeGreaterThan(0);
    expect(r.samples.at(-1)!.status).toBe('on-target');
  });

  it('moves nothing where the flow holds the split (steady churn, growth, size shifts)', () => {
    for (const name of ['steady', 'size-shift', 'growth', 'churn']) {
      const plain = run(get(name));
      const { r, m } = run(get(name), MIGRATE, true);
      expect(r.migrated.toDram + r.migrated.toPmem, name).toBe(0);
      // and steers exactly as without a migrator
      expect(m.moves, name).toBe(plain.m.moves);
    }
  });

  it('stays within the budget: no tick moves more than migrateRate allows', () => {
    const core = createThresholdController({ targetShare: 0.5, migrateRate: 1000 });
    const flow = new Float64Array(48);
    flow[8] = 1e6;
    const input = (dram: number, routed: number) => ({
      threshold: 4096,
      tiers: { dram: { liveBytes: dram, forcedBytes: 0 }, pmem: { liveBytes: 1e8 - dram, forcedBytes: 0 } },
      flowBytes: flow.map((v) => (v * routed) / 1e6),
      migrationMs: 100,
    });
    core.step(input(2e7, 1e6));
    for (let i = 2; i < 20; i++) {
      const t = core.step(input(2e7, 1e6 + i)); // almost no flow: only migration can act
      expect(t.migrate).toBeGreaterThan(0); // too little DRAM: promote
      expect(t.migrate).toBeLessThanOrEqual(100); // 1000 B/s x 100 ms
    }
    // A caller that does not migrate is never asked to.
    const plain = createThresholdController({ targetShare: 0.5 });
    const { migrationMs: _, ...noMigration } = input(2e7, 1e6);
    expect(plain.step(noMigration).migrate).toBe(0);
  });

  it('unreachable means pinned bytes alone exceed the target', () => {
    const { r } = run(get('unreachable'), MIGRATE, true);
    // 30% of the bytes are forced to DRAM: 1:4 cannot be reached by any placement or migration.
    const seg0 = runMetrics(r).segments[0]!;
    expect(r.samples[seg0.end - 1]!.status).toBe('unreachable');
    expect(r.samples.at(-1)!.status).toBe('on-target');
  });

  it('live: carries out the quotas through the attached migrator', () => {
    vi.useFakeTimers();
    const a = new ModelAllocator(4096);
    for (let i = 0; i < 2000; i++) a.zmalloc(8192); // all PMem at threshold 4096: share 0
    const moved: number[] = [];
    const live = attachController(
      a,
      { targetShare: 0.5, migrateRate: 2 ** 30 },
      { timer: false, migrate: (bytes, to) => (moved.push(to === 'dram' ? bytes : -bytes), a.migrate(bytes, to)) },
    );
    for (let i = 0; i < 30; i++) {
      vi.advanceTimersByTime(100);
      a.zmalloc(8192);
      live.tick();
    }
    live.stop();
    vi.useRealTimers();
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((b) => b > 0)).toBe(true);
    const s = a.stats();
    expect(s.dramShare).toBeGreaterThan(0.3);
  });
});

describe('the weak workload classes against both baselines (the benchmark, at half scale)', () => {
  const MIGRATE = { migrateRate: 1024 * 1024 };
  /** Mean steady error over the reachable segments, as the benchmark reports it. */
  const steady = (sc: Scenario, r: ReturnType<typeof simulate>): number => {
    const segs = runMetrics(r).segments.filter((_, i) => !sc.unreachable.includes(i));
    return segs.reduce((a, x) => a + x.steadyError, 0) / segs.length;
  };
  const baseline = (sc: Scenario, policy: ThresholdPolicy): number =>
    steady(
      sc,
      simulate(decodeTrace(sc.trace), policy, { targetShare: sc.targetShare, alloc: new ModelAllocator(4096) }),
    );

  // Steady error is one window for every rule (the second half of each segment, metrics.ts).
  for (const name of ['one-size', 'periodic-mix', 'low-churn', 'fifo-heavy-tail', 'appended-lists']) {
    it(`${name}: steady error at or below TieredMemDB's and memtier's, settled inside the band`, () => {
      const sc = get(name);
      const { r, m } = run(sc, MIGRATE, true);
      const ours = steady(sc, r);
      const tmdb = baseline(sc, tieredMemDbPolicy(sc.targetShare, 16, 2 ** 26));
      const memtier = baseline(sc, memtierPolicy(sc.targetShare, 16, 2 ** 26));
      expect(ours, `${name}: ${ours} vs tieredmemdb ${tmdb}, memtier ${memtier}`).toBeLessThanOrEqual(
        Math.min(tmdb, memtier),
      );
      expect(m.segments.at(-1)!.settle).toBeLessThan(Infinity);
      expect(r.samples.at(-1)!.status).toBe('on-target');
    });
  }

  it('one-size: the threshold settles at the bottom of the size bucket with a split, also without migration', () => {
    const sc = get('one-size');
    const { r } = run(sc);
    const memtier = baseline(sc, memtierPolicy(sc.targetShare, 16, 2 ** 26));
    expect(steady(sc, r)).toBeLessThanOrEqual(memtier);
    expect(r.samples.at(-1)!.status).toBe('on-target');
    // Every value is 256 B: the effective threshold is 256 x 2^split with split ~ the target.
    const last = r.samples.at(-1)!.threshold;
    expect(Math.log2(last) - 8).toBeGreaterThan(0.1);
    expect(Math.log2(last) - 8).toBeLessThan(0.3);
    // A plain threshold (no dithering) cannot split one size: the finding.
    const plain = simulate(
      decodeTrace(sc.trace),
      controllerPolicy(
        { ...sc.params, targetShare: sc.targetShare, minThreshold: 16, maxThreshold: 2 ** 26 },
        { dither: false },
      ),
      { targetShare: sc.targetShare, alloc: new ModelAllocator(4096) },
    );
    expect(steady(sc, plain)).toBeGreaterThan(2 * steady(sc, r));
  });

  it('realizes a dithered threshold only where the allocator reports a split, inside the bounds', () => {
    const flow = new Float64Array(48);
    flow[8] = 1e6;
    const input = {
      threshold: 4096,
      tiers: { dram: { liveBytes: 2.05e5, forcedBytes: 0 }, pmem: { liveBytes: 7.95e5, forcedBytes: 0 } },
      flowBytes: flow,
    };
    const dithered = createThresholdController({ targetShare: 0.2 }).step({ ...input, split: 0 });
    expect(Math.log2(dithered.threshold) % 1).toBe(0); // a power of two
    expect(dithered.split).toBeGreaterThan(0);
    const plain = createThresholdController({ targetShare: 0.2 }).step(input);
    expect(plain.split).toBe(0);
    // A bucket that leaves the bounds is not dithered: the threshold stays a plain one inside them.
    const bounded = createThresholdController({ targetShare: 0.2, minThreshold: 300 }).step({ ...input, split: 0 });
    expect(bounded.split).toBe(0);
    expect(bounded.threshold).toBeGreaterThanOrEqual(300);
  });
});

describe('bounds, unreachable targets and anti-windup', () => {
  it('clamps the threshold to [min, max] at every tick', () => {
    const { r } = run(get('steady'), { minThreshold: 300, maxThreshold: 700 });
    for (const s of r.samples) {
      expect(s.threshold).toBeGreaterThanOrEqual(300);
      expect(s.threshold).toBeLessThanOrEqual(700);
    }
    // 1:4 needs a threshold well below 300 on this trace: the bound holds it and says why.
    expect(r.samples.at(-1)!.threshold).toBe(300);
    expect(r.samples.at(-1)!.status).toBe('unreachable');
  });

  it('reports unreachable while forced DRAM bytes exceed the target, then recovers at once', () => {
    const sc = get('unreachable');
    const { r, m } = run(sc);
    const [first, second] = m.segments;
    const lastOfFirst = r.samples[first!.end - 1]!;
    expect(lastOfFirst.status).toBe('unreachable');
    expect(lastOfFirst.threshold).toBe(16); // parked on the bound, not beyond it
    // Best effort while unreachable: the share sits at what the forced bytes allow (~0.3).
    expect(lastOfFirst.share).toBeGreaterThan(0.28);
    expect(lastOfFirst.share).toBeLessThan(0.33);
    // No wound-up state: the reachable target after it settles as fast as on a fresh start.
    const bound = runMetrics(
      simulate(decodeTrace(sc.trace), bangBangPolicy(sc.targetShare), { targetShare: sc.targetShare }),
    ).segments;
    expect(second!.settle).toBeLessThanOrEqual(Math.max(3, bound[1]!.enter) + 3);
    expect(r.samples.at(-1)!.status).toBe('on-target');
  });

  it('does not wind up: the integral stays bounded while the flow is saturated', () => {
    const c = createThresholdController({ targetShare: 0.05, minThreshold: 0, maxThreshold: 1 << 20 });
    const flow = new Float64Array(48);
    let dram = 0;
    for (let t = 1; t <= 200; t++) {
      flow[8] = t * 1000; // steady routed flow of ~256 B blocks
      dram += 300; // and forced DRAM bytes: 30% of everything, so 5% is out of reach
      const tick = c.step({
        threshold: 256,
        tiers: { dram: { liveBytes: dram, forcedBytes: dram }, pmem: { liveBytes: t * 1000, forcedBytes: 0 } },
        flowBytes: flow,
      });
      if (t > 2) {
        expect(tick.status).toBe('unreachable');
        expect(tick.threshold).toBeLessThanOrEqual(256);
      } // nothing routed to DRAM
    }
    expect(Math.abs(c.bias)).toBeLessThan(0.5);
  });
});

describe('parameters', () => {
  it('rejects bad values with ERR_TIERMEM_INVALID_ARG and changes nothing', () => {
    const a = new ModelAllocator();
    const live = attachController(a, { targetShare: 0.2 }, { timer: false });
    const before = { ...live.params };
    const bad: Partial<ControllerParams>[] = [
      { targetShare: NaN },
      { targetShare: -0.1 },
      { targetShare: 1.5 },
      { periodMs: 0 },
      { periodMs: -5 },
      { minThreshold: -1 },
      { minThreshold: 5000, maxThreshold: 4000 },
      { maxThreshold: 10, minThreshold: 20 },
      { kp: NaN },
      { kp: -1 },
      { ki: 2 },
      { trimKp: -1 },
      { trimKi: NaN },
      { trimKp: 1e9 },
      { volumeBytes: -1 },
      { volumeBytes: 1.5 },
      { minThreshold: 1.5 },
      { targetShare: 0.5, kp: Infinity }, // the good half of a patch is not applied either
      { unknown: 1 } as unknown as Partial<ControllerParams>,
    ];
    for (const p of bad) {
      expectInvalid(() => live.set(p));
      expect(live.params).toEqual(before);
    }
    // min > max is caught whichever side moves.
    live.set({ maxThreshold: 1000 });
    expectInvalid(() => live.set({ minThreshold: 1001 }));
    expect(live.params.minThreshold).toBe(before.minThreshold);
    expectInvalid(() => attachController(a, { periodMs: NaN }, { timer: false }));
    expectInvalid(() => parseRatio('0:0'));
    expect(ratioToShare(parseRatio('1:4'))).toBeCloseTo(0.2);
    live.stop();
  });

  it('takes new values at run time: target, bounds', () => {
    const a = new ModelAllocator(4096);
    const live = attachController(a, {}, { timer: false });
    expect(live.params).toEqual(DEFAULT_CONTROLLER_PARAMS);
    live.set({ minThreshold: 100, maxThreshold: 200 });
    for (let i = 0; i < 100; i++) a.zmalloc(1000);
    live.tick(); // everything sits in DRAM: as low as the bound allows
    expect(a.threshold).toBe(100);
    live.set({ targetShare: 1 });
    for (let i = 0; i < 100; i++) a.zmalloc(50 + i);
    live.tick(); // now everything should: as high as the bound allows
    expect(a.threshold).toBe(200);
    live.stop();
  });
});

describe('live attachment', () => {
  it('ticks from the volume hook, pauses, resumes and detaches', () => {
    const a = new ModelAllocator(4096);
    const live = attachController(a, { targetShare: 0.2, volumeBytes: 64 * 1024 }, { timer: false });
    const size = (i: number): number => 32 + ((i * 7919) % 1000);
    for (let i = 0; i < 20000; i++) a.zmalloc(size(i));
    expect(live.ticks).toBeGreaterThan(10); // early ticks without any timer
    const share = a.stats().dramShare;
    expect(Math.abs(share - 0.2)).toBeLessThan(0.02);
    live.pause();
    const t = a.threshold;
    for (let i = 0; i < 2000; i++) a.zmalloc(size(i) * 10);
    live.tick();
    expect(a.threshold).toBe(t);
    expect(live.status).toBe('paused');
    expect(live.last?.status).toBe('paused');
    live.resume();
    live.tick();
    expect(live.status).not.toBe('paused');
    live.stop();
    const ticks = live.ticks;
    for (let i = 0; i < 5000; i++) a.zmalloc(size(i));
    expect(live.ticks).toBe(ticks);
  });

  it('runs on an unref()d timer (does not keep the process alive)', async () => {
    const a = new ModelAllocator(4096);
    const live = attachController(a, { periodMs: 5, volumeBytes: 0 });
    for (let i = 0; i < 1000; i++) a.zmalloc(100 + (i % 300));
    // Poll rather than sleep a fixed time: the machine is shared and timers run late under load.
    for (let i = 0; i < 200 && live.ticks <= 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(live.ticks).toBeGreaterThan(2);
    live.stop();
  });
});

describe('holding still', () => {
  it('holds the threshold while nothing is allocated (frees only, or nothing), status honest', () => {
    const a = new ModelAllocator(4096);
    const live = attachController(a, { targetShare: 0.2, volumeBytes: 0 }, { timer: false });
    const keys: number[] = [];
    const size = (i: number): number => 32 + ((i * 7919) % 1000);
    let i = 0;
    for (let t = 0; t < 30; t++) {
      for (let j = 0; j < 500; j++) keys.push(a.zmalloc(size(i++)));
      for (let j = 0; j < 100; j++) a.zfree(keys.splice((i * 31 + j) % keys.length, 1)[0]!);
      live.tick();
    }
    expect(live.status).toBe('on-target');
    const t0 = a.threshold;
    const moves = live.adjustments.up + live.adjustments.down;
    // Between bursts: deletes only, then nothing at all. Nothing the threshold does can change
    // the stock, so it must not move (the live service saw it jump to 0 and to the bound).
    for (let t = 0; t < 20; t++) {
      for (let j = 0; j < 50 && keys.length; j++) a.zfree(keys.pop()!);
      const tick = live.tick();
      expect(a.threshold).toBe(t0);
      expect(tick.status).toBe(Math.abs(tick.error) <= 0.02 ? 'on-target' : 'converging');
    }
    for (let t = 0; t < 20; t++) expect(live.tick().threshold).toBe(t0);
    expect(live.adjustments.up + live.adjustments.down).toBe(moves);
    live.stop();
  });

  it('at most about 10% of threshold moves reverse direction, on every trace', () => {
    for (const name of [
      'steady',
      'size-shift',
      'growth',
      'churn',
      'forced-30',
      'target-change',
      'bimodal',
      'bulk-load',
      'unreachable',
    ]) {
      const { m } = run(get(name));
      // The trim moves in many small steps and reverses only when its PI signal turns by more
      // than the play: measured 7-10% on these half-scale traces (7-10% at scale 1).
      expect(m.moves, name).toBeGreaterThan(20);
      expect(m.reversalFraction, name).toBeLessThanOrEqual(0.12);
    }
  });

  it('the trim: noise inside the play does not move the threshold, a persistent error moves it one way', () => {
    const trim = createTrim(DEFAULT_TUNING.trim);
    const base = { turnover: 0.005, kp: 10, ki: 100, slopeAt: () => 0.3, min: 16, max: 1 << 20 };
    trim.engage(1000, 0);
    // Tiny wiggles of the stock error around zero: the play absorbs them.
    for (let k = 0; k < 200; k++) expect(trim.step({ ...base, error: k % 2 === 0 ? 1e-5 : -1e-5 })).toBe(1000);
    // A persistent excess of DRAM: the threshold only goes down, step after step.
    let t = 1000;
    let moves = 0;
    for (let k = 0; k < 100; k++) {
      const n = trim.step({ ...base, error: 0.005 });
      expect(n).toBeLessThanOrEqual(t);
      if (n < t) moves++;
      t = n;
    }
    expect(moves).toBeGreaterThan(20);
    expect(t).toBeLessThan(700);
  });

  it('the trim: raises its gains against the noise of the stock itself, on fine ticks only', () => {
    // The stock as the trim sees it: per tick it moves turnover x (flow share - split), plus a
    // random walk of single values freed and placed (live 4:1: 0.12 points a tick at 0.55% of
    // turnover; 1:4: 0.05). The size map: 0.25 of flow share per doubling around 1500 B.
    const closedLoop = (noise: number, turnover: number, tuning: Partial<TrimTuning> = {}) => {
      const trim = createTrim({ ...DEFAULT_TUNING.trim, ...tuning });
      const x0 = Math.log2(1500);
      const shareAt = (x: number): number => Math.min(1, Math.max(0, 0.8 + 0.25 * (x - x0)));
      const rng = createRng(5);
      let split = 0.8;
      let t = 1500;
      trim.engage(t, 0);
      const errors: number[] = [];
      const boosts: number[] = [];
      for (let k = 0; k < 4000; k++) {
        split += turnover * (shareAt(Math.log2(t)) - split) + noise * rng.normal();
        t = trim.step({
          error: split - 0.8,
          turnover,
          kp: 10,
          ki: 100,
          slopeAt: () => 0.25,
          min: 16,
          max: 1 << 26,
        });
        if (k >= 1000) {
          errors.push(Math.abs(split - 0.8));
          boosts.push(trim.boost);
        }
      }
      const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;
      return { error: mean(errors), boost: mean(boosts) };
    };
    // 4:1-like noise: the gains go up (to maxBoost) and the error comes down (measured 0.79x
    // here, where the trim's filter lag bounds the gain; 0.36 -> 0.20 points live).
    const noisy = closedLoop(0.0012, 0.0055);
    const fixed = closedLoop(0.0012, 0.0055, { maxBoost: 1 });
    expect(noisy.boost).toBeGreaterThan(2.5);
    expect(noisy.boost).toBeLessThanOrEqual(DEFAULT_TUNING.trim.maxBoost);
    expect(fixed.boost).toBe(1);
    expect(noisy.error).toBeLessThan(0.85 * fixed.error);
    // 1:4-like noise: already within the goal, the gains stay as set, the steps identical.
    const quiet = closedLoop(0.0003, 0.0055);
    expect(quiet.boost).toBeLessThan(1.05);
    expect(quiet.error).toBeCloseTo(closedLoop(0.0003, 0.0055, { maxBoost: 1 }).error, 4);
    // Coarse ticks (more turnover than the trim's filter): the increments are the loop's own
    // moves, not noise; no boost.
    expect(closedLoop(0.0012, 0.05).boost).toBe(1);
  });

  it('the trim: clamps to the bounds without winding up', () => {
    const trim = createTrim(DEFAULT_TUNING.trim);
    const base = { turnover: 0.005, kp: 10, ki: 100, slopeAt: () => 0.3, min: 64, max: 4096 };
    trim.engage(4000, 0);
    let t = 0;
    for (let k = 0; k < 2000; k++) t = trim.step({ ...base, error: -0.01 }); // wants ever more DRAM
    expect(t).toBe(4096);
    // The error turns: the threshold leaves the bound at once, not after unwinding 2000 steps.
    let left = -1;
    for (let k = 0; k < 50 && left < 0; k++) if (trim.step({ ...base, error: 0.01 }) < 4096) left = k;
    expect(left).toBeGreaterThanOrEqual(0);
    expect(left).toBeLessThan(10);
    expect(() => createTrim(DEFAULT_TUNING.trim).step({ ...base, error: 0 })).toThrow(/before engage/);
  });

  it('asks for early ticks after a share of the live stock, capped by volumeBytes', () => {
    const c = createThresholdController({ volumeBytes: 8 * 1024 * 1024 });
    const flow = new Float64Array(48);
    const at = (live: number): number => {
      flow[8] = (flow[8] ?? 0) + live / 10;
      c.step({
        threshold: 256,
        tiers: { dram: { liveBytes: live * 0.2, forcedBytes: 0 }, pmem: { liveBytes: live * 0.8, forcedBytes: 0 } },
        flowBytes: flow,
      });
      return c.volumeTrigger;
    };
    const small = at(4 * 1024 * 1024);
    const big = at(40 * 1024 * 1024);
    expect(big).toBeGreaterThan(small);
    expect(at(4 * 1024 * 1024 * 1024)).toBe(8 * 1024 * 1024);
    c.set({ volumeBytes: 0 });
    expect(c.volumeTrigger).toBe(0);
  });
});

describe('coarse ticks (the store: the volume hook never fires, a pipeline per tick)', () => {
  /** Keys with pinned 64 B entries and values churned in batches of `perTick` SETs, the
   *  controller stepped once per batch: what the store's timer sees. */
  function storeLike(sizes: ((rng: ReturnType<typeof createRng>) => number)[], ticks: number, migrate = false) {
    const rng = createRng(7);
    const a = new ModelAllocator(4096);
    const core = createThresholdController({ targetShare: 0.2, migrateRate: 32 * 1024 * 1024 });
    const keys = 4000;
    const values: (number | null)[] = [];
    for (let k = 0; k < keys; k++) {
      a.zmallocDram(64, 'keys');
      values.push(a.zmalloc(sizes[0]!(rng)));
    }
    const shares: number[] = [];
    for (const size of sizes) {
      for (let t = 0; t < ticks; t++) {
        for (let i = 0; i < 800; i++) {
          const k = rng.int(keys);
          const old = values[k];
          if (old !== null && old !== undefined) a.zfree(old);
          values[k] = a.zmalloc(size(rng));
        }
        const s = a.stats();
        const tick = core.step({ ...s, split: a.split, ...(migrate ? { migrationMs: 100 } : {}) });
        a.setRoute(tick.threshold, tick.split);
        if (tick.migrate !== 0) a.migrate(Math.abs(tick.migrate), tick.migrate > 0 ? 'dram' : 'pmem');
        shares.push(a.stats().dramShare);
      }
    }
    return shares;
  }

  it('sizes the pull for the flow that comes, not for early ticks that never do', () => {
    const shares = storeLike([(r) => r.lognormal(400, 0.5), (r) => r.lognormal(4000, 0.5)], 40);
    // The tick that meets the 4 KiB values routes them by the old threshold (all to PMem); the
    // pull after it was sized for the hook's 0.5% of the stock and swung the split between
    // all-DRAM and all-PMem for several ticks (15-37 points live). Now it is back within 3 points
    // at once and inside the band after two ticks.
    const after = shares.slice(41);
    expect(Math.max(...after.map((x) => Math.abs(x - 0.2)))).toBeLessThan(0.03);
    expect(Math.max(...after.slice(2).map((x) => Math.abs(x - 0.2)))).toBeLessThan(0.02);
  });
});

describe('steps at the edge of the sizes', () => {
  it('the trim: a long step stops where the size map reaches its increment', () => {
    // Flow only from 256 B to 1 KiB; the threshold below all of it, where the map is flat. A
    // coarse tick's swing of the error asks for ~8 points more DRAM flow: the slope's linear
    // step (du / minSlope) flew to 2 KiB and past (all to DRAM); the walk stops at ~290 B.
    const shareAt = (x: number): number => Math.min(1, Math.max(0, (x - 8) / 2));
    const slopeAt = (x: number): number => (shareAt(x + 0.25) - shareAt(x - 0.25)) / 0.5;
    const steps = (walk: boolean): number[] => {
      const trim = createTrim(DEFAULT_TUNING.trim);
      trim.engage(128, 0.015);
      const base = { turnover: 0.3, kp: 10, ki: 100, slopeAt, min: 1, max: 1 << 30, ...(walk ? { shareAt } : {}) };
      return [-0.019, -0.019, -0.01].map((error) => trim.step({ ...base, error }));
    };
    const linear = steps(false);
    const walked = steps(true);
    expect(linear[0]).toBeGreaterThan(2000);
    expect(walked[0]).toBeGreaterThan(256);
    expect(walked[0]).toBeLessThan(300);
    // It still goes the same way, step by step, inside the sizes.
    expect(walked[1]).toBeGreaterThan(walked[0]!);
    expect(walked[2]).toBeLessThan(400);
  });

  it('migrates inside the band when the threshold already sends nothing the right way', () => {
    // Target 0.2, 1.9% of the stock too much in DRAM, the flow all at 512 B and the threshold at
    // 16 B: the trim enters at ff - trimKp * error, a flow share of 1%, and nothing more can go
    // to PMem through the flow; the rest is demoted, half the error a tick.
    const core = createThresholdController({ targetShare: 0.2, minThreshold: 16 });
    const flow = new Float64Array(48);
    const input = (threshold: number, routed: number) => {
      flow[9] = routed;
      return {
        threshold,
        tiers: { dram: { liveBytes: 2.19e6, forcedBytes: 0 }, pmem: { liveBytes: 7.81e6, forcedBytes: 0 } },
        flowBytes: flow,
        migrationMs: 100,
      };
    };
    core.step(input(16, 1e6));
    const t = core.step(input(16, 2e6));
    expect(t.status).toBe('on-target');
    expect(t.migrate).toBeLessThan(0);
    expect(-t.migrate).toBeLessThanOrEqual(0.5 * 0.019 * 1e7 + 1);
    // With the threshold inside the sizes, the trim steers and nothing is migrated.
    const mid = createThresholdController({ targetShare: 0.2, minThreshold: 16 });
    mid.step(input(600, 3e6));
    expect(mid.step(input(600, 4e6)).migrate).toBe(0);
  });
});

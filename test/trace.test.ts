import { describe, expect, it } from 'vitest';
import {
  createTraceRecorder,
  decodeTrace,
  HEADER_SIZE,
  ModelAllocator,
  Op,
  recommend,
  RECORD_SIZE,
  SCENARIOS,
  segmentMetrics,
  simulate,
  TraceWriter,
  usableSize,
  type ThresholdPolicy,
} from '../src/trace/index.js';
import { isTiermemError } from '../src/errors.js';

const fixed = (t: number): ThresholdPolicy => ({
  name: 'fixed',
  volumeBytes: 0,
  tick(a) {
    a.threshold = t;
  },
  setTarget() {},
});

describe('trace format', () => {
  it('round-trips every op through 16-byte records behind a 16-byte header', () => {
    const w = new TraceWriter();
    w.alloc(1, 100, 'keys', null, 'dram');
    w.alloc(2, 2 ** 36 + 5, 'data', 'pmem', 'pmem');
    w.realloc(1, 3, 4000, 'pmem');
    w.time(1234);
    w.target(0.2);
    w.mark(7);
    w.free(3);
    const buf = w.finish();
    expect(buf.byteLength).toBe(HEADER_SIZE + 7 * RECORD_SIZE);
    expect(new TextDecoder().decode(buf.subarray(0, 4))).toBe('TMTR');
    const t = decodeTrace(buf);
    expect(t.length).toBe(7);
    expect([...t.op]).toEqual([Op.alloc, Op.alloc, Op.realloc, Op.time, Op.target, Op.mark, Op.free]);
    expect(t.size[1]).toBe(2 ** 36 + 5);
    expect([t.forced[1], t.placed[1], t.forced[0], t.placed[0]]).toEqual([2, 2, 0, 1]);
    expect(t.category[0]).toBe(2); // 'keys'
    expect([t.id[2], t.aux[2], t.size[2]]).toEqual([1, 3, 4000]);
    expect([t.aux[3], t.aux[4], t.aux[5]]).toEqual([1234, 200000, 7]);
  });

  it('rejects bad magic, version and truncated bodies', () => {
    const w = new TraceWriter();
    w.alloc(1, 10);
    const good = w.finish();
    const bad = (mutate: (b: Uint8Array) => Uint8Array): void => {
      let err: unknown;
      try {
        decodeTrace(mutate(good.slice()));
      } catch (e) {
        err = e;
      }
      expect(isTiermemError(err) && err.code).toBe('ERR_TIERMEM_INVALID_ARG');
    };
    bad((b) => {
      b[0] = 0;
      return b;
    });
    bad((b) => {
      b[4] = 9;
      return b;
    });
    bad((b) => b.subarray(0, b.byteLength - 1));
    bad((b) => b.subarray(0, 8));
    bad((b) => {
      b[HEADER_SIZE] = 99;
      return b;
    });
  });
});

describe('recorder and simulator', () => {
  it('records a model allocator through TraceSink; replaying gives the same live split', () => {
    const a = new ModelAllocator(300);
    const rec = createTraceRecorder();
    a.setTraceSink(rec);
    const live: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const r = (i * 2654435761) >>> 0;
      if (r % 5 === 0 && live.length) a.zfree(live.splice(r % live.length, 1)[0]!);
      else if (r % 7 === 0 && live.length) {
        const k = r % live.length;
        live[k] = a.zrealloc(live[k]!, 50 + (r % 900));
      } else if (r % 11 === 0) live.push(a.zmallocDram(64, 'metadata'));
      else live.push(a.zmalloc(20 + (r % 1000)));
    }
    a.setTraceSink(null);
    const trace = decodeTrace(rec.finish());
    expect(trace.length).toBe(rec.events);
    const replay = new ModelAllocator(300);
    simulate(trace, fixed(300), { targetShare: 0.2, alloc: replay });
    const s1 = a.stats();
    const s2 = replay.stats();
    expect(s2.tiers.dram.liveBytes).toBe(s1.tiers.dram.liveBytes);
    expect(s2.tiers.pmem.liveBytes).toBe(s1.tiers.pmem.liveBytes);
    expect(s2.tiers.dram.forcedBytes).toBe(s1.tiers.dram.forcedBytes);
    expect([...s2.flowBytes]).toEqual([...s1.flowBytes]);
  });

  it('samples one tick per period of trace time and marks segments at target changes', () => {
    const sc = SCENARIOS.find((m) => m(0.1).name === 'target-change')!(0.1);
    const r = simulate(decodeTrace(sc.trace), fixed(200), { targetShare: sc.targetShare });
    expect(r.segments.length).toBe(3);
    expect(r.samples[r.segments[1]!]!.target).toBe(0.5);
    expect(r.samples.at(-1)!.target).toBe(0.8);
  });

  it('steady error is the mean |error| over the second half of each segment, settled or not', () => {
    const sample = (tick: number, share: number, target: number) => ({
      tick,
      share,
      target,
      threshold: 0,
      status: undefined,
      dramBytes: 0,
      pmemBytes: 0,
    });
    // Segment 0: far off, then inside the band from its 3rd tick (settled early); segment 1: a
    // late settle at its last tick. The window is the same: ticks [n/2, n) of each.
    const shares = [0.5, 0.3, 0.21, 0.19, 0.22, 0.2];
    const second = [0.9, 0.8, 0.7, 0.6, 0.49];
    const r = {
      policy: 'fixed',
      samples: [...shares.map((s, i) => sample(i, s, 0.2)), ...second.map((s, i) => sample(6 + i, s, 0.5))],
      segments: [0, 6],
      moves: [],
      migrated: { toDram: 0, toPmem: 0 },
    };
    const [a, b] = segmentMetrics(r);
    expect(a!.settle).toBe(2);
    expect(a!.steadyError).toBeCloseTo((0.01 + 0.02 + 0) / 3, 12);
    expect(b!.settle).toBe(4);
    expect(b!.steadyError).toBeCloseTo((0.2 + 0.1 + 0.01) / 3, 12);
  });

  it('model accounts usable sizes as jemalloc does', () => {
    expect([1, 8, 9, 100, 129, 160, 161, 1000, 4097].map(usableSize)).toEqual([
      8, 8, 16, 112, 160, 160, 192, 1024, 5120,
    ]);
  });
});

describe('recommend', () => {
  it('finds the threshold for the target split of the final live bytes', () => {
    const sc = SCENARIOS[0]!(0.2);
    const rec = recommend(sc.trace, 0.2);
    expect(rec.reachable).toBe(true);
    expect(Math.abs(rec.predictedShare - 0.2)).toBeLessThan(0.005);
    expect(rec.threshold).toBeGreaterThan(64);
    expect(rec.threshold).toBeLessThan(512);
    expect(rec.histogram.reduce((x, y) => x + y, 0)).toBe(rec.routedBytes);
    expect(Math.abs(rec.controller.share - 0.2)).toBeLessThan(0.02);
  });

  it('says when forced bytes make the target unreachable', () => {
    const sc = SCENARIOS.find((m) => m(0.1).name === 'forced-30')!(0.1);
    const rec = recommend(sc.trace, 0.1);
    expect(rec.reachable).toBe(false);
    expect(rec.controller.status).toBe('unreachable');
  });
});

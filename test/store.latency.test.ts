// Per-command latency tracking, LATENCY GRAPH and LATENCY HELP side by side with redis-server
// 7.0.15: the same commands on both, replies compared exactly where timing cannot show
// (parameters, errors, help, reply shapes, command names, call counts, the bucket labels' set),
// and with digits masked where it does (graph values, percentile figures).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import type { RespValue } from './diff/resp.js';
import { RespClient } from './diff/resp-client.js';
import { startTestStore, type TestStore } from './store-harness.js';

// HdrHistogram (1 ns .. 1 s, 2 significant digits) read from 1024 ns by powers of two: each
// bucket's label is the highest microsecond of the slot at 1024 ns * 2^k.
const BUCKET_LABELS = new Set([
  1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532, 541065, 1073741,
]);

interface CommandCdf {
  calls: number;
  buckets: [number, number][];
}

/** LATENCY HISTOGRAM's RESP2 reply (flat name, {calls, histogram_usec} pairs) as a map; its
 *  shape is checked on the way. */
function histogram(v: RespValue): Map<string, CommandCdf> {
  expect(v.kind).toBe('array');
  const items = v.kind === 'array' ? (v.items ?? []) : [];
  expect(items.length % 2).toBe(0);
  const out = new Map<string, CommandCdf>();
  for (let i = 0; i < items.length; i += 2) {
    const name = items[i]!;
    const body = items[i + 1]!;
    expect(name.kind).toBe('bulk');
    expect(body.kind).toBe('array');
    const f = body.kind === 'array' ? (body.items ?? []) : [];
    expect(f.map((x) => x.kind)).toEqual(['bulk', 'integer', 'bulk', 'array']);
    expect(f[0]!.kind === 'bulk' && f[0]!.data?.toString()).toBe('calls');
    expect(f[2]!.kind === 'bulk' && f[2]!.data?.toString()).toBe('histogram_usec');
    const flat = f[3]!.kind === 'array' ? (f[3]!.items ?? []) : [];
    const nums = flat.map((x) => (x.kind === 'integer' ? Number(x.text) : NaN));
    const buckets: [number, number][] = [];
    for (let j = 0; j < nums.length; j += 2) buckets.push([nums[j]!, nums[j + 1]!]);
    out.set(name.kind === 'bulk' ? (name.data?.toString() ?? '') : '', {
      calls: f[1]!.kind === 'integer' ? Number(f[1]!.text) : NaN,
      buckets,
    });
  }
  return out;
}

/** Every bucket is one of HdrHistogram's labels, counts grow, and the last one is every call. */
function checkCdf(name: string, cdf: CommandCdf): void {
  expect(cdf.buckets.length, name).toBeGreaterThan(0);
  let prevLabel = 0;
  let prevCount = 0;
  for (const [label, count] of cdf.buckets) {
    expect(BUCKET_LABELS.has(label), `${name}: bucket ${label}`).toBe(true);
    expect(label).toBeGreaterThan(prevLabel);
    expect(count).toBeGreaterThan(prevCount);
    prevLabel = label;
    prevCount = count;
  }
  expect(prevCount, name).toBe(cdf.calls);
}

const text = (v: RespValue): string => (v.kind === 'bulk' ? (v.data?.toString() ?? '') : JSON.stringify(v));

/** INFO latencystats' lines as name -> the percentile labels (figures checked for form only). */
function latencystats(info: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = info.split('\r\n').filter((l) => l.length > 0);
  expect(lines[0]).toBe('# Latencystats');
  for (const l of lines.slice(1)) {
    const m = /^latency_percentiles_usec_([^:]+):(.*)$/.exec(l);
    expect(m, l).not.toBeNull();
    const parts = m![2]!.length ? m![2]!.split(',') : [];
    for (const p of parts) expect(p, l).toMatch(/^p[\d.]+=\d+\.\d{3}$/);
    out.set(m![1]!, parts.map((p) => p.replace(/=.*/, '')).join(','));
  }
  return out;
}

describe('latency tracking, LATENCY GRAPH/HISTOGRAM/HELP: the store answers as redis-server 7.0.15', () => {
  let redis: RedisServer;
  let store: TestStore;
  let r: RespClient;
  let s: RespClient;

  beforeAll(async () => {
    redis = await startRedisServer();
    store = await startTestStore();
    r = await RespClient.connect(redis.port);
    s = await RespClient.connect(store.port);
  });

  afterAll(async () => {
    r?.close();
    s?.close();
    await store?.close();
    await redis?.close();
  });

  const both = async (...args: string[]): Promise<[RespValue, RespValue]> =>
    Promise.all([r.call(...args), s.call(...args)]);
  const same = async (...args: string[]): Promise<RespValue> => {
    const [a, b] = await both(...args);
    expect(b, args.join(' ')).toEqual(a);
    return a;
  };

  it('LATENCY HELP, and the errors of GRAPH and HISTOGRAM', async () => {
    await same('LATENCY', 'HELP');
    await same('LATENCY', 'GRAPH', 'command');
    await same('LATENCY', 'GRAPH', 'no-such-event');
    await same('LATENCY', 'GRAPH');
    await same('LATENCY', 'GRAPH', 'a', 'b');
    await same('LATENCY', 'HISTOGRAM', 'no-such-command', 'get|x', 'a|b|c');
    await same('COMMAND', 'INFO', 'latency|graph', 'latency|histogram');
  });

  it('the parameters: defaults, CONFIG SET forms and errors, CONFIG GET formatting', async () => {
    // A pattern's matches come in Redis's hash order: compare as name -> value.
    const [x, y] = await both('CONFIG', 'GET', 'latency-tracking*');
    const pairs = (v: RespValue): string[] => {
      const items = v.kind === 'array' ? (v.items ?? []).map(text) : [];
      return items.flatMap((n, i) => (i % 2 === 0 ? [`${n}=${items[i + 1]}`] : [])).sort();
    };
    expect(pairs(y)).toEqual(pairs(x));
    expect(pairs(y)).toEqual(['latency-tracking-info-percentiles=50 99 99.9', 'latency-tracking=yes']);
    for (const v of ['50 101', 'abc', '-1', '50 x', 'inf']) {
      const a = await same('CONFIG', 'SET', 'latency-tracking-info-percentiles', v);
      expect(a.kind).toBe('error');
    }
    for (const v of ['maybe', '']) expect((await same('CONFIG', 'SET', 'latency-tracking', v)).kind).toBe('error');
    // A refused value leaves the old one.
    await same('CONFIG', 'GET', 'latency-tracking-info-percentiles');
    for (const v of ['0 0.0078125 100 1e1', '', '99.99 .5 25', '50 99 99.9']) {
      await same('CONFIG', 'SET', 'latency-tracking-info-percentiles', v);
      await same('CONFIG', 'GET', 'latency-tracking-info-percentiles');
    }
  });

  it('LATENCY HISTOGRAM and INFO latencystats after the same commands; CONFIG RESETSTAT clears', async () => {
    await same('CONFIG', 'RESETSTAT');
    for (let i = 0; i < 20; i++) await same('SET', `k${i}`, 'v');
    for (let i = 0; i < 30; i++) await same('GET', `k${i % 25}`);
    await same('INCR', 'n');
    await same('CONFIG', 'GET', 'maxmemory');
    await same('GET', 'a', 'b'); // refused: not a call
    const [a, b] = await both('LATENCY', 'HISTOGRAM');
    const ha = histogram(a);
    const hb = histogram(b);
    // Redis lists its commands in hash order: compare as maps.
    expect([...hb.keys()].sort()).toEqual([...ha.keys()].sort());
    expect([...hb.keys()].sort()).toEqual(['config|get', 'config|resetstat', 'get', 'incr', 'set']);
    for (const [name, cdf] of hb) {
      expect(cdf.calls, name).toBe(ha.get(name)!.calls);
      checkCdf(name, cdf);
      checkCdf(name, ha.get(name)!);
    }
    // Named: a container brings its subcommands; case and unknown names as Redis.
    const [c, d] = await both('LATENCY', 'HISTOGRAM', 'SET', 'config', 'nosuch', 'CONFIG|GET');
    const hc = histogram(c);
    const hd = histogram(d);
    expect([...hd.keys()].sort()).toEqual([...hc.keys()].sort());
    expect(hd.get('set')!.calls).toBe(20);
    const [e, f] = await both('INFO', 'latencystats');
    const la = latencystats(text(e));
    const lb = latencystats(text(f));
    expect([...lb.entries()].sort()).toEqual([...la.entries()].sort());
    expect(lb.get('get')).toBe('p50,p99,p99.9');
    // The section is in "all" and "everything", after errorstats, but not in the default INFO.
    for (const sections of [[], ['all'], ['everything'], ['default']]) {
      const [x, y] = await both('INFO', ...sections);
      const heads = (v: RespValue): string[] => text(v).match(/^# \w+/gm) ?? [];
      expect(heads(y).filter((h) => /Latencystats|Errorstats|Cluster/.test(h))).toEqual(
        heads(x).filter((h) => /Latencystats|Errorstats|Cluster/.test(h)),
      );
    }
    // Off: nothing recorded, INFO's section empty, the data kept; back on records again.
    await same('CONFIG', 'SET', 'latency-tracking', 'no');
    await same('GET', 'k1');
    const [g, h] = await both('INFO', 'latencystats');
    expect(text(h)).toBe(text(g));
    expect(text(h)).toBe('# Latencystats\r\n');
    const [i, j] = await both('LATENCY', 'HISTOGRAM', 'get');
    expect(histogram(j).get('get')!.calls).toBe(30);
    expect(histogram(i).get('get')!.calls).toBe(30);
    await same('CONFIG', 'SET', 'latency-tracking', 'yes');
    await same('CONFIG', 'RESETSTAT');
    const [k, l] = await both('LATENCY', 'HISTOGRAM');
    expect([...histogram(l).keys()]).toEqual([...histogram(k).keys()]);
    expect([...histogram(l).keys()]).toEqual(['config|resetstat']);
  });

  it('LATENCY GRAPH of a spike: title, ruler, sparkline and label as Redis draws them', async () => {
    // A command slow enough on both (latency-monitor-threshold 1 ms), with a short reply: SORT
    // ALPHA of a list of 200000 elements (tens of ms).
    for (let n = 0; n < 20; n++) {
      await same('RPUSH', 'long', ...Array.from({ length: 10_000 }, (_, i) => `element-${n * 10_000 + i}`));
    }
    await same('CONFIG', 'SET', 'latency-monitor-threshold', '1');
    await both('LATENCY', 'RESET'); // the CONFIG SET itself may have taken a millisecond
    await same('SORT', 'long', 'ALPHA', 'LIMIT', '0', '1');
    const [a, b] = await both('LATENCY', 'GRAPH', 'command');
    await same('CONFIG', 'SET', 'latency-monitor-threshold', '0');
    await both('LATENCY', 'RESET');
    await same('DEL', 'long');
    const ga = text(a);
    const gb = text(b);
    expect(ga).toMatch(/^command - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n-{80}\n/);
    // One sample (one second): the values and how long ago differ, the drawing does not.
    const mask = (g: string): string => g.replace(/\d+/g, 'N');
    expect(mask(gb)).toEqual(mask(ga));
    // Four rows (the one sample at the bottom level), the margin, then "<n>s" downwards.
    expect(gb.split('\n').slice(2, 7)).toEqual([' ', ' ', ' ', '_', ' ']);
    expect(gb.endsWith('s\n')).toBe(true);
  });
});

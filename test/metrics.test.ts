// The Prometheus registry: values equal one stats() snapshot, one snapshot per scrape, names that
// promtool accepts, NUMA figures from sysfs, and the loopback /metrics endpoint.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAllocator } from '../src/allocator.js';
import { attachController } from '../src/controller/index.js';
import { createMetricsRegistry, readNodeMemory, startMetricsServer } from '../src/metrics/index.js';
import type { MetricsServer } from '../src/metrics/index.js';
import { CATEGORIES, TIERS } from '../src/types.js';
import type { Allocator } from '../src/types.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function allocator(threshold = 1024): Allocator {
  const a = createAllocator({ threshold });
  cleanups.push(() => a.close());
  return a;
}

/** A small mixed workload: routed allocations on both sides of the threshold, forced ones, frees. */
function load(a: Allocator): void {
  const hs: number[] = [];
  for (let i = 0; i < 200; i++) hs.push(a.zmalloc(64 + (i % 50) * 40, i % 3 === 0 ? 'keys' : 'data'));
  for (let i = 0; i < 20; i++) hs.push(a.zmallocDram(256, 'metadata'));
  for (let i = 0; i < 10; i++) hs.push(a.zmallocPmem(8192, 'buffers'));
  for (let i = 0; i < 50; i++) a.zfree(hs[i * 4]!);
}

/** Exposition text -> 'name{a="x",b="y"}' -> value (labels in exposition order). */
function parse(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    const v = line.slice(i + 1);
    m.set(line.slice(0, i), v === 'Nan' || v === 'NaN' ? Number.NaN : Number(v));
  }
  return m;
}

describe('metrics registry', () => {
  it('reports every figure as the allocator stats() have it', async () => {
    const a = allocator();
    const c = attachController(a, { targetShare: 0.25, minThreshold: 64, maxThreshold: 1 << 20 }, { timer: false });
    cleanups.push(() => c.stop());
    load(a);
    c.tick();
    const reg = createMetricsRegistry({ allocator: a, controller: () => c });
    const m = parse(await reg.metrics());
    const s = a.stats();
    const info = a.info();

    for (const t of TIERS) {
      for (const cat of CATEGORIES) {
        const cell = s.tiers[t].byCategory[cat];
        const l = `{tier="${t}",category="${cat}"}`;
        expect(m.get(`tiermem_live_bytes${l}`), l).toBe(cell.liveBytes);
        expect(m.get(`tiermem_live_allocations${l}`), l).toBe(cell.liveCount);
        expect(m.get(`tiermem_allocations_total${l}`), l).toBe(cell.allocs);
        expect(m.get(`tiermem_frees_total${l}`), l).toBe(cell.frees);
      }
      expect(m.get(`tiermem_allocation_failures_total{tier="${t}"}`)).toBe(s.tiers[t].failures);
      expect(m.get(`tiermem_allocation_fallbacks_total{tier="${t}"}`)).toBe(s.tiers[t].fallbacks);
      expect(m.get(`tiermem_forced_allocated_bytes_total{tier="${t}"}`)).toBe(s.tiers[t].forcedBytes);
      expect(m.get(`tiermem_tier_limit_bytes{tier="${t}"}`)).toBe(s.tiers[t].limit);
    }
    expect(s.tiers.dram.liveBytes).toBeGreaterThan(0);
    expect(s.tiers.pmem.liveBytes).toBeGreaterThan(0);
    expect(m.get('tiermem_threshold_bytes')).toBe(s.threshold);
    expect(m.get('tiermem_dram_share_ratio')).toBeCloseTo(s.dramShare, 12);
    expect(m.get('tiermem_target_dram_share_ratio')).toBe(0.25);
    expect(m.get('tiermem_controller_ticks_total')).toBe(c.ticks);
    expect(m.get('tiermem_controller_adjustments_total{direction="up"}')).toBe(c.adjustments.up);
    expect(m.get('tiermem_controller_adjustments_total{direction="down"}')).toBe(c.adjustments.down);
    expect(m.get('tiermem_controller_min_threshold_bytes')).toBe(64);
    expect(m.get('tiermem_controller_max_threshold_bytes')).toBe(1 << 20);
    expect(m.get(`tiermem_controller_status{status="${c.status}"}`)).toBe(1);
    expect([...m.entries()].filter(([k, v]) => k.startsWith('tiermem_controller_status{') && v === 1)).toHaveLength(1);
    expect(m.get(`tiermem_build_info{version="${info.version}",memkind_version="${info.memkindVersion}"}`)).toBe(1);
    expect(
      m.get(
        `tiermem_backend_info{tier="pmem",kind="${info.pmem.kind}",source="${info.pmem.source}",emulated="${info.pmem.emulated}"}`,
      ),
    ).toBe(1);
    expect(m.get('tiermem_exhaustion_policy_info{policy="spill"}')).toBe(1);

    // NUMA nodes of the tiers, with sysfs figures.
    for (const t of TIERS) {
      for (const node of info[t].nodes) {
        const sys = readNodeMemory(node);
        expect(m.get(`tiermem_numa_node_total_bytes{tier="${t}",node="${node}"}`)).toBe(sys?.totalBytes);
        expect(m.get(`tiermem_numa_node_free_bytes{tier="${t}",node="${node}"}`)).toBeGreaterThan(0);
      }
    }

    // Pausing shows in the status set; the controller metrics vanish without a controller.
    c.pause();
    expect(parse(await reg.metrics()).get('tiermem_controller_status{status="paused"}')).toBe(1);
    const bare = parse(await createMetricsRegistry({ allocator: a }).metrics());
    expect([...bare.keys()].some((k) => k.startsWith('tiermem_controller_') || k.startsWith('tiermem_target_'))).toBe(
      false,
    );
  });

  it('reads stats() once per scrape and never between scrapes', async () => {
    const a = allocator();
    let calls = 0;
    const counted = new Proxy(a, {
      get(target, prop) {
        if (prop === 'stats')
          return () => {
            calls++;
            return target.stats();
          };
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
      },
    });
    const reg = createMetricsRegistry({ allocator: counted }, { processMetrics: true });
    expect(calls).toBe(0);
    load(counted);
    expect(calls).toBe(0);
    await reg.metrics();
    expect(calls).toBe(1);
    await reg.metrics();
    await reg.metrics();
    expect(calls).toBe(3);
  });

  it('passes promtool check metrics, with and without process metrics', async () => {
    const a = allocator();
    const c = attachController(a, {}, { timer: false });
    cleanups.push(() => c.stop());
    load(a);
    for (const processMetrics of [false, true]) {
      const text = await createMetricsRegistry({ allocator: a, controller: () => c }, { processMetrics }).metrics();
      const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(r.stdout + r.stderr, `promtool (processMetrics ${processMetrics})`).toBe('');
      expect(r.status).toBe(0);
      const names = new Set(
        text
          .split('\n')
          .filter((l) => l.startsWith('# TYPE '))
          .map((l) => l.split(' ')[2]!),
      );
      for (const n of names) expect(n.startsWith('tiermem_'), n).toBe(true);
      if (processMetrics) expect(names.has('tiermem_process_cpu_seconds_total')).toBe(true);
    }
    // Nothing live: the share is NaN, which the exposition format and promtool accept.
    // (One file-backed allocator per process at a time: memkind 1.14 cannot hold two.)
    c.stop();
    a.close();
    const empty = allocator();
    const text = await createMetricsRegistry({ allocator: empty }).metrics();
    expect(Number.isNaN(parse(text).get('tiermem_dram_share_ratio'))).toBe(true);
    expect(execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })).toBe('');
  });

  it('parses sysfs node meminfo', () => {
    const root = mkdtempSync(join(tmpdir(), 'tiermem-sysfs-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'node3'));
    writeFileSync(
      join(root, 'node3', 'meminfo'),
      'Node 3 MemTotal:       16384 kB\nNode 3 MemFree:         4096 kB\nNode 3 MemUsed:  12288 kB\n',
    );
    expect(readNodeMemory(3, root)).toEqual({ node: 3, totalBytes: 16384 * 1024, freeBytes: 4096 * 1024 });
    expect(readNodeMemory(4, root)).toBeNull();
    writeFileSync(join(root, 'node3', 'meminfo'), 'garbage\n');
    expect(readNodeMemory(3, root)).toBeNull();
  });
});

describe('metrics endpoint', () => {
  it('serves /metrics on 127.0.0.1 and nothing else; a closed allocator yields no figures', async () => {
    const a = createAllocator({});
    const srv: MetricsServer = await startMetricsServer({ registry: createMetricsRegistry({ allocator: a }), port: 0 });
    cleanups.push(() => srv.close());
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const ok = await fetch(srv.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    expect(await ok.text()).toContain('tiermem_live_bytes{tier="dram",category="data"} 0');
    expect((await fetch(srv.url.replace('/metrics', '/nope'))).status).toBe(404);
    expect((await fetch(srv.url, { method: 'POST' })).status).toBe(405);
    a.close();
    const after = await (await fetch(srv.url)).text();
    expect(after).not.toContain('tiermem_live_bytes{');
    expect(after).not.toMatch(/^tiermem_threshold_bytes /m);
  });
});

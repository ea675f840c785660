// A real Prometheus (Debian's) scrapes the service; PromQL returns the DRAM share the allocator
// reports, the store's read and migration counters, and every dashboard query evaluates. promtool checks and unit-tests the alert rules.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/service/config.js';
import { loadServiceDeps } from '../src/service/deps.js';
import { startService } from '../src/service/service.js';
import type { Service } from '../src/service/service.js';

const ROOT = join(import.meta.dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

let dir: string;
let service: Service;
let prom: ChildProcess | null = null;
let promUrl: string;
let promLog = '';

async function withRedis<T>(f: (r: Redis) => Promise<T>): Promise<T> {
  const addr = service.store?.address;
  if (!addr || typeof addr === 'string') throw new Error('the store has no TCP address');
  const r = new Redis({ port: addr.port, lazyConnect: true });
  await r.connect();
  try {
    return await f(r);
  } finally {
    r.disconnect();
  }
}

async function tiering(r: Redis): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await r.info('tiering')).matchAll(/^(\w+):([\d.]+)\r?$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

async function query(q: string): Promise<QueryResult> {
  const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
  return (await r.json()) as QueryResult;
}

async function until<T>(what: string, f: () => Promise<T | null>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await f();
      if (v !== null) return v;
    } catch {
      /* not up yet */
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; prometheus log:\n${promLog.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tiermem-prom-'));
  const config = resolveConfig({
    admin: { socket: join(dir, 'admin.sock') },
    metrics: { port: 0 },
    store: { port: 0 },
    threshold: 1024,
    controller: { enabled: false },
  });
  service = await startService(config, await loadServiceDeps());
  // A fixed workload: the share then stays put while Prometheus scrapes.
  for (let i = 0; i < 300; i++) service.allocator.zmalloc(100 + i * 20, 'data');
  for (let i = 0; i < 40; i++) service.allocator.zmallocDram(512, 'metadata');
  // Store reads on both tiers, then one value promoted (the migrator, asked as the controller asks).
  await withRedis(async (r) => {
    await r.set('small', 's'.repeat(100)); // under the threshold: DRAM
    await r.set('big', 'b'.repeat(4000)); // PMem
    for (let i = 0; i < 3; i++) await r.get('small');
    await r.get('big');
    service.store?.migrate?.(1 << 20, 'dram');
    await until('the promotion', async () => ((await tiering(r)).migrated_to_dram_values === 1 ? true : null));
    await r.get('big');
  });

  const target = new URL(service.metrics!.url).host;
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${join(ROOT, 'prometheus', 'alerts.yml')}`,
      'scrape_configs:',
      '  - job_name: tiermem',
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  prom = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prom.stdout?.on('data', (c: Buffer) => {
    promLog += c.toString();
  });
  prom.stderr?.on('data', (c: Buffer) => {
    promLog += c.toString();
  });
  await until('prometheus ready', async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : null));
});

afterAll(async () => {
  if (prom && prom.exitCode === null) {
    const exited = new Promise((r) => prom?.once('exit', r));
    prom.kill('SIGTERM');
    await exited;
  }
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Prometheus scraping the service', () => {
  it('returns through PromQL the DRAM share the allocator reports', async () => {
    const want = service.allocator.stats().dramShare;
    expect(want).toBeGreaterThan(0);
    expect(want).toBeLessThan(1);
    const got = await until('the share in Prometheus', async () => {
      const r = await query('tiermem_dram_share_ratio{job="tiermem"}');
      const v = r.data?.result[0]?.value[1];
      return v === undefined ? null : Number(v);
    });
    expect(got).toBeCloseTo(want, 12);

    // The same share recomputed in PromQL from the per-tier bytes.
    const r = await query('sum(tiermem_live_bytes{tier="dram"}) / sum(tiermem_live_bytes)');
    expect(Number(r.data?.result[0]?.value[1])).toBeCloseTo(want, 12);
    const up = await query('up{job="tiermem"}');
    expect(up.data?.result[0]?.value[1]).toBe('1');
  });

  it("returns the store's reads per tier and migration traffic as INFO tiering gives them", async () => {
    const info = await withRedis(tiering);
    expect(info).toMatchObject({ dram_read_hits: 4, pmem_read_hits: 1, migrated_to_dram_values: 1 });
    const one = async (q: string): Promise<number> =>
      until(q, async () => {
        const v = (await query(q)).data?.result[0]?.value[1];
        return v === undefined ? null : Number(v);
      });
    expect(await one('tiermem_store_value_reads_total{tier="dram"}')).toBe(4);
    expect(await one('tiermem_store_value_reads_total{tier="pmem"}')).toBe(1);
    expect(await one('sum(tiermem_store_value_reads_total{tier="dram"}) / sum(tiermem_store_value_reads_total)')).toBe(
      info.dram_read_hit_share,
    );
    expect(await one('tiermem_store_migrated_bytes_total{tier="dram"}')).toBe(info.migrated_to_dram_bytes);
    expect(info.migrated_to_dram_bytes).toBeGreaterThanOrEqual(4000);
    expect(await one('tiermem_store_migrated_values_total{tier="pmem"}')).toBe(0);
    expect(await one('tiermem_store_migrate_rate_limit_bytes')).toBe(info.migrate_rate_limit);
    expect(await one('tiermem_store_evicted_keys_total')).toBe(0);

    // The dashboard's read-hit share panel over a window of DRAM reads only ('big' was promoted).
    const dash = JSON.parse(readFileSync(join(ROOT, 'dashboards', 'tiermem.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const expr = dash.panels.find((p) => p.title === 'DRAM read-hit share')?.targets[0]?.expr;
    expect(expr).toBeDefined();
    const q = expr!.replaceAll('$instance', '.*').replaceAll('$__rate_interval', '1m');
    const end = Date.now() + 3500;
    await withRedis(async (r) => {
      while (Date.now() < end) {
        await r.get('big');
        await new Promise((res) => setTimeout(res, 50));
      }
    });
    expect(await one(q)).toBe(1);
  });

  it('evaluates every dashboard query without error', async () => {
    const dash = JSON.parse(readFileSync(join(ROOT, 'dashboards', 'tiermem.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    let n = 0;
    for (const p of dash.panels) {
      for (const t of p.targets) {
        const q = t.expr.replaceAll('$instance', '.*').replaceAll('$__rate_interval', '1m');
        const r = await query(q);
        expect(r.status, `${p.title}: ${q} ${r.error ?? ''}`).toBe('success');
        n++;
      }
    }
    expect(n).toBeGreaterThan(10);
    // Alert rules load into the server as well.
    const rules = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ rules: unknown[] }> };
    };
    expect(rules.data.groups[0]?.rules.length).toBe(6);
  });
});

describe('alert rules', () => {
  it('pass promtool check rules', () => {
    const r = spawnSync('promtool', ['check', 'rules', join(ROOT, 'prometheus', 'alerts.yml')], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS: 6 rules found');
  });

  it('pass their promtool unit tests', () => {
    const r = spawnSync('promtool', ['test', 'rules', join(ROOT, 'prometheus', 'tests', 'alerts.test.yml')], {
      encoding: 'utf8',
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS');
  });
});

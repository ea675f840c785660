// `tiermem status` and `tiermem watch` against a service running the store: the DRAM read-hit
// share (since start, and between two watch refreshes), bytes migrated each way, the migrator's
// rate and budget, evictions; the watch frame still fits 80 columns.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../src/admin/index.js';
import { resolveConfig } from '../src/service/config.js';
import { loadServiceDeps } from '../src/service/deps.js';
import { startService } from '../src/service/service.js';
import type { Service } from '../src/service/service.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

let dir: string;
let socket: string;
let service: Service;
let r: Redis;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, TIERMEM_ADMIN_SOCKET: socket, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout }));
  });
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx tsc -p tsconfig.json first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'tiermem-cli-store-'));
  socket = join(dir, 'admin.sock');
  // No controller: the threshold stays at 1 KiB, so where each value lives is known.
  service = await startService(
    resolveConfig({
      admin: { socket },
      metrics: { enabled: false },
      store: { port: 0 },
      threshold: 1024,
      controller: { enabled: false },
    }),
    await loadServiceDeps(),
  );
  const addr = service.store?.address;
  if (!addr || typeof addr === 'string') throw new Error('the store has no TCP address');
  r = new Redis({ port: addr.port, lazyConnect: true });
  await r.connect();
  await r.set('small', 's'.repeat(100)); // DRAM
  await r.set('big', 'b'.repeat(4000)); // PMem
  await r.set('big2', 'c'.repeat(4000)); // PMem
});

afterAll(async () => {
  r?.disconnect();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

const field = async (name: string): Promise<number> =>
  Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(await r.info('tiering'))?.[1]);

describe('the store in tiermem status and watch', () => {
  it('status: the read-hit share since start, migration traffic and budget, evictions', async () => {
    for (let i = 0; i < 3; i++) await r.get('small');
    await r.get('big');
    let s = await cli(['status']);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('reads from DRAM 75.0% (since start)');
    expect(s.stdout).toMatch(/migrated to PMem 0 B, to DRAM 0 B {3}migrating 0 B\/s of 32\.0 MiB\/s {3}evicted 0/);

    // One value promoted, as the controller asks the migrator: the counters follow.
    service.store?.migrate?.(1, 'dram');
    for (let i = 0; i < 50 && (await field('migrated_to_dram_values')) < 1; i++)
      await new Promise((res) => setTimeout(res, 20));
    const bytes = await field('migrated_to_dram_bytes');
    expect(bytes).toBeGreaterThanOrEqual(4000);
    s = await cli(['status', '--json']);
    const j = JSON.parse(s.stdout) as StatusReport;
    expect(j.store).toEqual({
      reads: { dram: 3, pmem: 1 },
      migrated: { dram: { bytes, values: 1 }, pmem: { bytes: 0, values: 0 } },
      migrateRate: { limit: 32 * 1024 * 1024, current: expect.any(Number) as number },
      evictedKeys: 0,
    });
    await r.config('SET', 'tier-migrate-rate', '0');
    try {
      // The current rate is what moved in the last second: the promotion above may still count.
      expect((await cli(['status'])).stdout).toMatch(/migrating \S+ \S*B\/s \(off\)/);
    } finally {
      await r.config('SET', 'tier-migrate-rate', String(32 * 1024 * 1024));
    }
  });

  it('watch: the read-hit share between two refreshes, within 80 columns', async () => {
    // Only PMem reads while watch runs: one of big and big2 was promoted above, not both.
    const onPmem = async (): Promise<string> => {
      for (const k of ['big', 'big2']) {
        const before = await field('pmem_read_hits');
        await r.get(k);
        if ((await field('pmem_read_hits')) > before) return k;
      }
      throw new Error('no value left on PMem');
    };
    const key = await onPmem();
    let reading = true;
    const reads = (async () => {
      while (reading) {
        await r.get(key);
        await new Promise((res) => setTimeout(res, 10));
      }
    })();
    const w = await cli(['watch', '--count', '2', '--interval', '300'], { COLUMNS: '80', LINES: '30' });
    reading = false;
    await reads;
    expect(w.code).toBe(0);
    const frames = w.stdout.split('tiermem watch').slice(1);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatch(/reads from DRAM \d+\.\d% \(since start\)/);
    expect(frames[1]).toContain('reads from DRAM 0.0% (last 0.3s)');
    for (const field of [
      /migrated to PMem \S+ B, to DRAM \S+ KiB/,
      /migrating \S+ \S*B\/s of 32\.0 MiB\/s/,
      /evicted 0/,
    ])
      expect(frames[1]).toMatch(field);
    for (const l of w.stdout.split('\n')) expect([...l].length, l).toBeLessThanOrEqual(80);
  });
});

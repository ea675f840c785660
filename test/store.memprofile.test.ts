// BGSAVE STAT_MEMORY (tiermem's extension of BGSAVE) against a known dataset: the profile in
// INFO memoryprofile agrees exactly with the engine's accounting counters (INFO tiering) and with
// the dataset's keys per type and tier; the Prometheus gauges carry the same figures; the end of
// the save logs them; `tiermem profile` prints them as a table within 80 columns and as JSON;
// `--now` takes a new one. Redis 7.0.15's syntax errors for other arguments are kept.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/service/config.js';
import { loadServiceDeps } from '../src/service/deps.js';
import { startService } from '../src/service/service.js';
import type { Service } from '../src/service/service.js';
import type { ProfileReport } from '../src/service/ports.js';
import { DATA_TYPES } from '../src/store/data/types.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

let dir: string;
let socket: string;
let service: Service;
let r: Redis;
const logs: string[] = [];

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, TIERMEM_ADMIN_SOCKET: socket },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** INFO fields of a section as name -> raw value. */
async function info(section: string): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const line of (await r.info(section)).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}
/** "a=1,b=2" -> { a: 1, b: 2 } */
const fields = (v: string | undefined): Record<string, number> =>
  Object.fromEntries((v ?? '').split(',').map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])]));

async function waitProfiled(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await info('memoryprofile')).get('memprofile_status') === 'ok') return;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('no profile');
}

async function metrics(): Promise<string> {
  const res = await fetch(`${service.metrics!.url}`);
  return res.text();
}
const sample = (text: string, name: string, labels: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? NaN : Number(line.split(' ').pop());
};

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx tsc -p tsconfig.json first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'tiermem-memprofile-'));
  socket = join(dir, 'admin.sock');
  // No controller: the threshold stays at 1 KiB, so where each value lives is known.
  service = await startService(
    resolveConfig({
      admin: { socket },
      metrics: { port: 0 },
      store: { port: 0, dir },
      threshold: 1024,
      controller: { enabled: false },
    }),
    await loadServiceDeps(),
    (line) => logs.push(line),
  );
  const addr = service.store?.address;
  if (!addr || typeof addr === 'string') throw new Error('the store has no TCP address');
  r = new Redis({ port: addr.port, lazyConnect: true });
  await r.connect();
});

afterAll(async () => {
  r?.disconnect();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('BGSAVE STAT_MEMORY', () => {
  it('before the first: status none, no gauges, the CLI says how to take one', async () => {
    expect((await info('memoryprofile')).get('memprofile_status')).toBe('none');
    // Not in the default INFO (as commandstats), but in all and everything.
    expect(await r.info()).not.toContain('# Memoryprofile');
    expect(await r.info('all')).toContain('# Memoryprofile');
    expect(await metrics()).not.toMatch(/^tiermem_memory_profile_bytes\{/m);
    const c = await cli(['profile']);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('no memory profile yet: run `tiermem profile --now`');
  });

  it('keeps Redis 7.0.15 syntax errors for anything else', async () => {
    // redis-server 7.0.15 replies "ERR syntax error" to BGSAVE STAT_MEMORY itself: the option is ours.
    for (const args of [['stat_memory', 'stat_memory'], ['schedule', 'schedule'], ['foo'], ['stat_memory', 'x']])
      await expect(r.call('BGSAVE', ...args)).rejects.toThrow('ERR syntax error');
    expect((await info('memoryprofile')).get('memprofile_status')).toBe('none');
  });

  it('profiles a known dataset exactly: INFO, log, metrics', async () => {
    // DRAM values (< 1 KiB) and PMem values per type; one key with a TTL; an int string.
    for (let i = 0; i < 10; i++) await r.set(`s${i}`, 'x'.repeat(100));
    for (let i = 0; i < 4; i++) await r.set(`big${i}`, 'y'.repeat(3000));
    await r.set('n', '42');
    await r.expire('s0', 1000);
    await r.rpush('l', ...Array.from({ length: 5 }, (_, i) => `e${i}`));
    await r.sadd('st', ...Array.from({ length: 300 }, (_, i) => `member:${i}`)); // a hashtable
    await r.hset(
      'h',
      Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, 'v'.repeat(i % 50 ? 10 : 2000)])),
    );
    await r.zadd('z', 1, 'a', 2, 'b');
    expect(await r.call('BGSAVE', 'STAT_MEMORY')).toBe('Background saving started');
    await waitProfiled();

    const p = await info('memoryprofile');
    const t = await info('tiering');
    // Keys per type x value tier, by construction.
    const keys = (type: string, tier: string): number => fields(p.get(`profile_${type}_${tier}`)).keys!;
    expect([keys('string', 'dram'), keys('string', 'pmem')]).toEqual([11, 4]);
    expect([keys('list', 'dram'), keys('set', 'dram'), keys('zset', 'dram'), keys('hash', 'dram')]).toEqual([
      1, 1, 1, 1,
    ]);
    expect(Number(p.get('memprofile_keys'))).toBe(19);
    expect(Number(p.get('memprofile_keys_with_expiry'))).toBe(1);
    expect(Number(p.get('memprofile_clients'))).toBe(1);
    // Bytes: exactly the engine's per type x tier counters (nothing changed since the cut).
    let typeBytes = 0;
    for (const type of DATA_TYPES) {
      const live = fields(t.get(`type_${type}`));
      const d = fields(p.get(`profile_${type}_dram`));
      const m = fields(p.get(`profile_${type}_pmem`));
      expect([d.value_bytes, m.value_bytes], type).toEqual([live.dram_bytes, live.pmem_bytes]);
      expect(d.key_bytes! + m.key_bytes!, type).toBe(live.key_bytes);
      expect(d.metadata_bytes! + m.metadata_bytes!, type).toBe(live.metadata_bytes);
      typeBytes +=
        d.value_bytes! + m.value_bytes! + d.key_bytes! + m.key_bytes! + d.metadata_bytes! + m.metadata_bytes!;
    }
    expect(fields(p.get('profile_hash_pmem')).value_bytes).toBeGreaterThan(4 * 2000);
    const store = fields(p.get('profile_store_dram'));
    expect(store.keyspace).toBeGreaterThan(0);
    expect(store.expires).toBeGreaterThan(0);
    expect(store.client_buffers).toBeGreaterThan(0);
    expect(store.aof_buffer).toBe(0);
    const storeBytes =
      Object.values(store).reduce((a, b) => a + b, 0) +
      Object.values(fields(p.get('profile_store_pmem'))).reduce((a, b) => a + b, 0);
    expect(Number(p.get('memprofile_bytes'))).toBe(typeBytes + storeBytes);

    // The end of the save logs the same figures.
    const strLine = logs.find((l) => l.startsWith('Memory profile: string pmem:'));
    expect(strLine).toBe(
      `Memory profile: string pmem: 4 keys, values ${fields(p.get('profile_string_pmem')).value_bytes}, keys ` +
        `${fields(p.get('profile_string_pmem')).key_bytes}, metadata 0 bytes`,
    );
    expect(
      logs.some((l) => l.startsWith(`Memory profile (BGSAVE STAT_MEMORY): ${p.get('memprofile_bytes')} bytes`)),
    ).toBe(true);

    // One gauge family with type, tier and part labels; keys and the cut time beside it.
    const text = await metrics();
    expect(sample(text, 'tiermem_memory_profile_bytes', 'type="hash",tier="pmem",part="values"')).toBe(
      fields(p.get('profile_hash_pmem')).value_bytes,
    );
    expect(sample(text, 'tiermem_memory_profile_bytes', 'type="set",tier="dram",part="metadata"')).toBe(
      fields(p.get('profile_set_dram')).metadata_bytes,
    );
    expect(sample(text, 'tiermem_memory_profile_bytes', 'type="store",tier="dram",part="client_buffers"')).toBe(
      store.client_buffers,
    );
    expect(sample(text, 'tiermem_memory_profile_keys', 'type="string",tier="pmem"')).toBe(4);
    expect(Number(/^tiermem_memory_profile_timestamp_seconds (\S+)/m.exec(text)?.[1])).toBeCloseTo(
      Number(p.get('memprofile_cut_time')),
      -1,
    );
    expect(Number(/^tiermem_memory_profile_running (\S+)/m.exec(text)?.[1])).toBe(0);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
  });

  it('tiermem profile: a table within 80 columns, --json, and --now', async () => {
    const p = await info('memoryprofile');
    const c = await cli(['profile']);
    expect(c.code).toBe(0);
    const lines = c.stdout.trimEnd().split('\n');
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(80);
    expect(lines[1]).toMatch(/ in 19 keys \(1 with a TTL\), 1 clients$/);
    expect(lines[3]).toMatch(/^type +tier +count +values +keys +metadata +total +share$/);
    // One row per type x tier that holds something, with a bar and the share of the total.
    expect(lines.find((l) => l.startsWith('string   pmem'))).toMatch(
      /^string {3}pmem +4 +\S+ +\S+ +0B +\S+ █*[▏▎▍▌▋▊▉]? *\d+\.\d%$/,
    );
    expect(lines.some((l) => l.startsWith('hash     dram'))).toBe(true);
    expect(lines.some((l) => l.startsWith('zset     pmem'))).toBe(false);
    expect(lines.some((l) => /^clients +dram +1c /.test(l))).toBe(true);
    // The largest row has the full bar.
    expect(lines.some((l) => l.includes('█'.repeat(13)))).toBe(true);

    const j = JSON.parse((await cli(['profile', '--json'])).stdout) as ProfileReport;
    expect(j.running).toBe(false);
    expect(j.profile?.types.string.pmem.keys).toBe(4);
    expect(j.profile?.types.hash.pmem.bytes.values).toBe(fields(p.get('profile_hash_pmem')).value_bytes);
    expect(j.profile?.totalBytes).toBe(Number(p.get('memprofile_bytes')));

    // --now takes a new profile: a new key shows up, and the cut is newer.
    await r.set('s-new', 'x');
    const before = j.profile!.cutMs;
    await new Promise((res) => setTimeout(res, 5));
    const n = await cli(['profile', '--now', '--json']);
    expect(n.code).toBe(0);
    const j2 = JSON.parse(n.stdout) as ProfileReport;
    expect(j2.profile!.cutMs).toBeGreaterThan(before);
    expect(j2.profile!.types.string.dram.keys).toBe(12);
    expect(Number((await info('memoryprofile')).get('memprofile_keys'))).toBe(20);
  });

  it('one save at a time: running while it goes, busy for a second one', async () => {
    const store = service.store!;
    expect(store.startProfile?.()).toBe('started');
    // Synchronously after the start: no step has run yet.
    expect(store.memoryProfile?.()?.running).toBe(true);
    expect(store.startProfile?.()).toBe('busy');
    await expect(r.call('BGSAVE', 'STAT_MEMORY')).rejects.toThrow('ERR Background save already in progress');
    await waitProfiled();
    expect(store.memoryProfile?.()?.running).toBe(false);
  });
});

// Loading a dump.rdb of many strings (the loader's helper thread writes their values): a file
// redis-server 7.0.15 saved, with LZF-compressed, raw and integer values and TTLs, loads to
// exactly what was written, and a load that lasts several log intervals prints progress lines
// (keys, keys/s, percent of the file) with the percent rising.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAllocator, openStore } from '../src/allocator.js';
import { startStoreServer } from '../src/store/index.js';
import { loadRdbFile } from '../src/store/persistence.js';
import { freePort } from './diff/redis-server.js';

const KEYS = 40_000;
let dir: string;
const want = new Map<string, Buffer>();

function valueOf(i: number): Buffer {
  switch (i % 3) {
    case 0:
      return Buffer.from('v'.repeat(30 + (i % 1500))); // LZF in the file
    case 1:
      return randomBytes(21 + (i % 1100)); // raw
    default:
      return Buffer.from(String(i * 7)); // an integer
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tiermem-rdb-load-'));
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const exited = new Promise((r) => redis.once('exit', r));
  const client = new Redis({ port, retryStrategy: () => 50, lazyConnect: false });
  try {
    const pipe = client.pipeline();
    for (let i = 0; i < KEYS; i++) {
      const v = valueOf(i);
      want.set(`key:${i}`, v);
      if (i % 10 === 0) pipe.set(`key:${i}`, v, 'PX', 86_400_000);
      else pipe.set(`key:${i}`, v);
    }
    await pipe.exec();
    await client.save();
  } finally {
    client.disconnect();
    redis.kill('SIGTERM');
    await exited;
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('loads every string of a redis-server dump with its value and TTL', async () => {
  const alloc = createAllocator({ threshold: 256 });
  const server = await startStoreServer({ allocator: alloc, port: 0, persistence: { dir, save: '' }, log: () => {} });
  const client = new Redis({ port: server.address.port });
  try {
    expect(await client.dbsize()).toBe(KEYS);
    const keys = [...want.keys()];
    for (let i = 0; i < keys.length; i += 5000) {
      const part = keys.slice(i, i + 5000);
      const got = await client.mgetBuffer(...part);
      let same = 0;
      part.forEach((k, j) => (same += got[j]?.equals(want.get(k)!) ? 1 : 0));
      expect(same).toBe(part.length);
    }
    const ttl = await client.pttl('key:10');
    expect(ttl).toBeGreaterThan(86_000_000);
    expect(await client.pttl('key:11')).toBe(-1);
  } finally {
    client.disconnect();
    await server.close();
    alloc.close();
  }
}, 60_000);

it('prints progress lines with keys, keys/s and a rising percent on a long load', () => {
  const alloc = createAllocator({ threshold: 256 });
  const engine = openStore(alloc, { databases: 16 });
  const lines: string[] = [];
  try {
    // Short steps and a line after each: the lines a multi-second load prints once a second.
    const r = loadRdbFile(engine, join(dir, 'dump.rdb'), (l) => lines.push(l), false, { stepUs: 1000, logMs: 0 });
    expect(r?.keys).toBe(KEYS);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const line = /^Loading RDB .*dump\.rdb: (\d+) keys, (\d+) keys\/s, ([\d.]+)% of (\d+) bytes$/;
    let lastPct = 0;
    let lastKeys = 0;
    for (const l of lines) {
      const m = line.exec(l);
      expect(m, l).not.toBeNull();
      const [keys, rate, pct] = [Number(m![1]), Number(m![2]), Number(m![3])];
      expect(keys).toBeGreaterThanOrEqual(lastKeys);
      expect(pct).toBeGreaterThanOrEqual(lastPct);
      expect(pct).toBeLessThanOrEqual(100);
      expect(rate).toBeGreaterThan(0);
      lastPct = pct;
      lastKeys = keys;
    }
    expect(lastPct).toBeGreaterThan(0);
  } finally {
    engine.close();
    alloc.close();
  }
});

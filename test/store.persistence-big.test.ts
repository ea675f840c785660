// A BGSAVE of a 1M-field hash: the record is written over many ~1 ms steps, so PING latency
// during the save stays far below what one synchronous SAVE of it costs, and changes made to
// the hash while its record is being written do not reach the file (redis-server 7.0.15 loads
// it and holds the hash as it was at the cut).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAllocator } from '../src/allocator.js';
import { startStoreServer, type StoreServer } from '../src/store/index.js';
import type { Allocator } from '../src/types.js';
import { freePort } from './diff/redis-server.js';

const FIELDS = 1_000_000;
let dir: string;
let alloc: Allocator;
let server: StoreServer;
let client: Redis;
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tiermem-rdb-big-'));
  alloc = createAllocator({ threshold: 256 });
  server = await startStoreServer({ allocator: alloc, port: 0, persistence: { dir }, log: (l) => lines.push(l) });
  client = new Redis({ port: server.address.port });
  const pipe = client.pipeline();
  for (let i = 0; i < FIELDS; i += 1000) {
    const args: string[] = [];
    for (let j = i; j < i + 1000; j++) args.push(`f${j}`, `v${j}`);
    pipe.hset('big', ...args);
  }
  await pipe.exec();
  await client.set('small', 'x');
}, 120_000);

afterAll(async () => {
  client?.disconnect();
  await server?.close();
  alloc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const inProgress = async (): Promise<boolean> => /rdb_bgsave_in_progress:1/.test(await client.info('persistence'));

/** Sequential PINGs until the running BGSAVE ends: the largest round trip, in ms. */
async function maxPingDuringSave(during?: (n: number) => Promise<void>): Promise<{ max: number; pings: number }> {
  let max = 0;
  let n = 0;
  while (await inProgress()) {
    for (let i = 0; i < 20; i++, n++) {
      const t = performance.now();
      await client.ping();
      max = Math.max(max, performance.now() - t);
      if (during) await during(n);
    }
  }
  return { max, pings: n };
}

it('writes a 1M-field hash in bounded steps, at the cut, loadable by redis-server', async () => {
  // The cost of writing the hash in one go: a synchronous SAVE.
  const t = performance.now();
  expect(await client.save()).toBe('OK');
  const saveMs = performance.now() - t;

  // BGSAVE with only PINGs (and writes to another key) meanwhile.
  expect(await client.bgsave()).toBe('Background saving started');
  const quiet = await maxPingDuringSave(async (n) => {
    if (n % 10 === 0) await client.set('small', `y${n}`);
  });
  const end = [...lines].reverse().find((l) => l.startsWith('Background saving terminated with success'));
  expect(end).toMatch(/, (\d+) steps inside big collections/);
  const pieces = Number(/, (\d+) steps inside big collections/.exec(end ?? '')?.[1]);
  expect(pieces).toBeGreaterThan(10);
  expect(quiet.pings).toBeGreaterThan(10);
  console.log(
    `SAVE ${saveMs.toFixed(0)} ms; during BGSAVE ${quiet.pings} PINGs, max ${quiet.max.toFixed(1)} ms; ${pieces} steps`,
  );
  // One step is ~1 ms of work; the whole hash at once costs saveMs. Generous for a loaded CI box.
  expect(quiet.max).toBeLessThan(Math.max(50, saveMs / 3));

  // BGSAVE again, changing the hash while its record is open: none of it may reach the file.
  expect(await client.bgsave()).toBe('Background saving started');
  await client.hset('big', 'added', 'new', 'f1', 'changed');
  await client.hdel('big', 'f2');
  await client.del('small');
  expect(await client.hlen('big')).toBe(FIELDS);
  while (await inProgress()) await new Promise((r) => setTimeout(r, 20));
  expect(lines.at(-1)).toMatch(/^Background saving terminated with success \(2 keys/);

  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  let r = new Redis({ port, lazyConnect: true, retryStrategy: () => null });
  try {
    for (let i = 0; ; i++) {
      try {
        await r.connect();
        if (!(await r.info('persistence')).includes('loading:1')) break;
      } catch {
        if (i > 600) throw new Error('redis-server did not start');
      }
      r.disconnect();
      r = new Redis({ port, lazyConnect: true, retryStrategy: () => null });
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(await r.hlen('big')).toBe(FIELDS);
    expect(await r.hexists('big', 'added')).toBe(0);
    expect(await r.hget('big', 'f1')).toBe('v1');
    expect(await r.hget('big', 'f2')).toBe('v2');
    expect(await r.hget('big', `f${FIELDS - 1}`)).toBe(`v${FIELDS - 1}`);
    expect(await r.get('small')).not.toBeNull();
  } finally {
    r.disconnect();
    redis.kill('SIGKILL');
  }
}, 180_000);

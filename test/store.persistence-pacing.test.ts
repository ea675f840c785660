// How a BGSAVE shares the event loop (src/store/persistence.ts, SnapshotRun; native/store/
// snapshot.h, snapshot_after_feed): on an idle loop the steps run back to back, so a BGSAVE takes
// about as long as a synchronous SAVE; under a client that keeps the loop busy it still finishes,
// taking a bounded share of the loop rather than none.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAllocator } from '../src/allocator.js';
import { startStoreServer, type StoreServer } from '../src/store/index.js';
import type { Allocator } from '../src/types.js';

const KEYS = 200_000;
let dir: string;
let alloc: Allocator;
let server: StoreServer;
let client: Redis;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tiermem-pacing-'));
  alloc = createAllocator({ threshold: 256 });
  server = await startStoreServer({ allocator: alloc, port: 0, persistence: { dir } });
  client = new Redis({ port: server.address.port });
  const pipe = client.pipeline();
  for (let i = 0; i < KEYS; i++) pipe.set(`key:${i}`, `${i}:`.padEnd(100 + (i % 200), 'abcdefghij'[i % 10]));
  await pipe.exec();
}, 120_000);

afterAll(async () => {
  client?.disconnect();
  await server?.close();
  alloc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const inProgress = async (c: Redis): Promise<boolean> => /rdb_bgsave_in_progress:1/.test(await c.info('persistence'));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function timedSave(): Promise<number> {
  const t = performance.now();
  expect(await client.save()).toBe('OK');
  return performance.now() - t;
}

it('on an idle loop a BGSAVE runs its steps back to back: about as long as SAVE', async () => {
  const save = await timedSave();
  const t = performance.now();
  expect(await client.bgsave()).toBe('Background saving started');
  // A look every 50 ms: the loop is otherwise idle. Pausing a fixed time after each step (or
  // mistaking the save's own pauses for client work) makes this several times SAVE.
  while (await inProgress(client)) await sleep(50);
  const bgsave = performance.now() - t;
  console.log(`SAVE ${save.toFixed(0)} ms, BGSAVE on an idle loop ${bgsave.toFixed(0)} ms`);
  expect(bgsave).toBeLessThan(2 * save + 300);
  expect(await client.lastsave()).toBeGreaterThan(0);
}, 60_000);

it('under a client that keeps the loop busy a BGSAVE still finishes, in a bounded share', async () => {
  const save = await timedSave();
  const writer = new Redis({ port: server.address.port });
  let stop = false;
  let writes = 0;
  // Sequential SETs over the dataset: the loop is never idle while the save runs.
  const load = (async (): Promise<void> => {
    while (!stop) {
      await writer.set(`key:${writes % KEYS}`, `w${writes}`);
      writes++;
    }
  })();
  await sleep(200);
  const t = performance.now();
  expect(await client.bgsave()).toBe('Background saving started');
  while (await inProgress(client)) await sleep(20);
  const bgsave = performance.now() - t;
  stop = true;
  await load;
  writer.disconnect();
  console.log(`SAVE ${save.toFixed(0)} ms, BGSAVE under sequential SETs ${bgsave.toFixed(0)} ms, ${writes} SETs`);
  expect(writes).toBeGreaterThan(100);
  // The save's share of a busy loop is about 15%: about 7x SAVE; far below starving it.
  expect(bgsave).toBeLessThan(30 * save + 2000);
  expect(bgsave).toBeGreaterThan(save);
  expect(Number(await client.dbsize())).toBe(KEYS);
}, 120_000);

// Processes for the append-only file tests: tiermem serve and redis-server on a directory, kill -9,
// and a dataset's whole contents (type, value and absolute expiry of every key) to compare.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { freePort } from './diff/redis-server.js';

export const MAIN = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tiermem-aof-'));
  dirs.push(d);
  return d;
}

export interface Proc {
  child: ChildProcess;
  port: number;
  out: () => string;
  exited: Promise<number | null>;
}

/** Start a server process; resolve once it answers PING (or reject with its output if it exits). */
export async function start(
  cmd: string,
  args: (port: number) => string[],
  env?: Record<string, string>,
): Promise<Proc> {
  const port = await freePort();
  const child = spawn(cmd, args(port), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (gone) throw new Error(`${cmd} exited: ${out}`);
    const c = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => {}); // not listening yet
    try {
      await c.connect();
      await c.ping();
      c.disconnect();
      return { child, port, out: () => out, exited };
    } catch {
      c.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`${cmd} did not answer: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** tiermem serve on dir with appendonly as given; env TIERMEM_TEST_AOF_CRASH=<step> makes it kill
 *  itself at that step of a rewrite's end (with TIERMEM_TEST_FAULTS=1). */
export const serve = (
  dir: string,
  appendonly: 'yes' | 'no',
  extra: string[] = [],
  env?: Record<string, string>,
): Promise<Proc> =>
  start(
    process.execPath,
    (port) => [
      MAIN,
      'serve',
      '--socket',
      join(dir, 'admin.sock'),
      '--no-metrics',
      '--port',
      String(port),
      '--dir',
      dir,
      '--appendonly',
      appendonly,
      ...extra,
    ],
    env,
  );

export const tiermem = (dir: string, ...extra: string[]): Promise<Proc> => serve(dir, 'yes', extra);

export const redisServer = (dir: string): Promise<Proc> =>
  start('redis-server', (port) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'yes',
    '--dir',
    dir,
  ]);

export async function kill9(p: Proc): Promise<void> {
  p.child.kill('SIGKILL');
  await p.exited;
}

/** Every key of every db: type, value (sets and hashes sorted) and absolute expiry. */
export async function contents(port: number): Promise<Record<string, unknown>> {
  const c = new Redis({ port });
  const all: Record<string, unknown> = {};
  try {
    for (let db = 0; db < 16; db++) {
      await c.select(db);
      for (const k of (await c.keys('*')).sort()) {
        const type = await c.type(k);
        let value: unknown;
        if (type === 'string') value = await c.get(k);
        else if (type === 'list') value = await c.lrange(k, 0, -1);
        else if (type === 'set') value = (await c.smembers(k)).sort();
        else if (type === 'hash') value = Object.entries(await c.hgetall(k)).sort();
        else if (type === 'zset') value = await c.zrange(k, 0, -1, 'WITHSCORES');
        all[`${db}:${k}`] = { type, value, expireAt: await c.call('PEXPIRETIME', k) };
      }
    }
  } finally {
    c.disconnect();
  }
  return all;
}

/** Writes of every type, TTLs relative and absolute, several dbs, a transaction, SPOP/INCRBYFLOAT. */
export async function writeAll(port: number, n: number): Promise<void> {
  const c = new Redis({ port });
  try {
    for (let i = 0; i < n; i++) {
      await c.set(`s${i}`, `v${i}`);
      await c.set(`t${i}`, 'ttl', 'EX', 1000 + i);
      await c.rpush(`l${i % 7}`, `e${i}`);
      await c.sadd(`set${i % 5}`, `m${i}`, `n${i}`);
      await c.hset(`h${i % 3}`, `f${i}`, `v${i}`);
      await c.zadd(`z${i % 4}`, i / 3, `z${i}`);
      if (i % 10 === 0) {
        await c.expire(`l${i % 7}`, 5000);
        await c.incrbyfloat('float', '0.1');
        await c.hincrbyfloat('hf', 'x', '1.25');
        await c.spop(`set${i % 5}`);
        await c.multi().set(`tx${i}`, '1').incr(`tx${i}`).psetex(`px${i}`, 900000, 'p').exec();
      }
    }
    await c.select(3);
    await c.set('db3', 'yes', 'PX', 700000);
    await c.getex('db3', 'EX', 800);
    await c.setex('gone', 1000, 'x');
    await c.del('gone');
  } finally {
    c.disconnect();
  }
}

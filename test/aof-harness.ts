// Processes for the append-only file tests: tiermem serve and redis-server on a directory, kill -9,
// and a dataset's whole contents (type, value and absolute expiry of every key) to compare.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

export const redisServer = (dir: string, ...extra: string[]): Promise<Proc> =>
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
    ...extra,
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

export const field = (info: string, name: string): string => new RegExp(`${name}:(\\S+)`).exec(info)?.[1] ?? '';

/** Many small keys so that a rewrite takes a while (it runs in ~1 ms steps). */
export async function populate(port: number, n: number): Promise<void> {
  const c = new Redis({ port });
  try {
    for (let i = 0; i < n; i += 1000) {
      const p = c.pipeline();
      for (let j = i; j < Math.min(n, i + 1000); j++) p.set(`pop:${j}`, `value-${j}-${'x'.repeat(40)}`);
      await p.exec();
    }
  } finally {
    c.disconnect();
  }
}

/** Values in the encodings small writes never reach: quicklist, hashtable, skiplist, intset, big strings. */
export async function writeBig(port: number): Promise<void> {
  const c = new Redis({ port });
  try {
    await c.rpush('biglist', ...Array.from({ length: 700 }, (_, i) => `item-${i}`));
    await c.hset('bighash', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`.repeat(3)]).flat());
    await c.sadd('bigset', ...Array.from({ length: 300 }, (_, i) => `m${i}`));
    await c.sadd('intset', ...Array.from({ length: 50 }, (_, i) => i * 7));
    await c.zadd('bigzset', ...Array.from({ length: 200 }, (_, i) => [i * 1.5, `z${i}`]).flat());
    await c.set('bigstring', 'x'.repeat(100_000), 'PXAT', 4_000_000_000_000);
    await c.set('binary', Buffer.from([0, 1, 2, 255, 13, 10]));
    await c.set('int', 12345);
  } finally {
    c.disconnect();
  }
}

/** Poll INFO persistence until the server's AOF rewrite is over (none running or scheduled). */
export async function rewriteDone(port: number, rewrites: number): Promise<string> {
  const c = new Redis({ port });
  try {
    for (;;) {
      const info = await c.info('persistence');
      if (
        field(info, 'aof_rewrite_in_progress') === '0' &&
        field(info, 'aof_rewrite_scheduled') === '0' &&
        Number(field(info, 'aof_rewrites')) >= rewrites
      )
        return info;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    c.disconnect();
  }
}

/** The whole dataset, pipelined (type, value, absolute expiry of every key in dbs 0-3). */
export async function snapshotOf(port: number): Promise<Record<string, unknown>> {
  const c = new Redis({ port });
  const all: Record<string, unknown> = {};
  try {
    for (const db of [0, 1, 2, 3]) {
      await c.select(db);
      const keys = (await c.keys('*')).sort();
      const types = (await c.pipeline(keys.map((k) => ['type', k])).exec())!.map((r) => r[1] as string);
      const reads = keys.map((k, i): string[] => {
        const t = types[i];
        if (t === 'string') return ['get', k];
        if (t === 'list') return ['lrange', k, '0', '-1'];
        if (t === 'set') return ['smembers', k];
        if (t === 'hash') return ['hgetall', k];
        return ['zrange', k, '0', '-1', 'WITHSCORES'];
      });
      const values = (await c.pipeline(reads).exec())!.map((r) => r[1]);
      const ttls = (await c.pipeline(keys.map((k) => ['pexpiretime', k])).exec())!.map((r) => r[1]);
      keys.forEach((k, i) => {
        let v = values[i];
        if (types[i] === 'set') v = (v as string[]).sort();
        if (types[i] === 'hash') v = Object.entries(v as Record<string, string>).sort();
        all[`${db}:${k}`] = [types[i], v, ttls[i]];
      });
    }
  } finally {
    c.disconnect();
  }
  return all;
}

/** A deterministic random command over a small key space that overlaps the populated keys. */
export function randomCommand(rnd: () => number, at: number): string[] {
  const k = (p: string): string => `${p}${Math.floor(rnd() * 40)}`;
  const pop = `pop:${Math.floor(rnd() * 2000)}`;
  const ops: (() => string[])[] = [
    () => ['set', rnd() < 0.5 ? pop : k('s'), `v${Math.floor(rnd() * 1e6)}`],
    () => ['del', rnd() < 0.5 ? pop : k('s')],
    () => ['append', rnd() < 0.5 ? pop : k('s'), 'tail'],
    () => ['incr', k('n')],
    () => ['rpush', k('l'), `e${Math.floor(rnd() * 100)}`],
    () => ['lpop', k('l')],
    () => ['hset', k('h'), `f${Math.floor(rnd() * 20)}`, `v${Math.floor(rnd() * 100)}`],
    () => ['hdel', k('h'), `f${Math.floor(rnd() * 20)}`],
    () => ['sadd', k('S'), `m${Math.floor(rnd() * 30)}`],
    () => ['srem', k('S'), `m${Math.floor(rnd() * 30)}`],
    () => ['zadd', k('z'), String(Math.floor(rnd() * 50)), `m${Math.floor(rnd() * 30)}`],
    () => ['pexpireat', rnd() < 0.5 ? pop : k('s'), String(4_000_000_000_000 + at)],
    () => ['rename', pop, `pop:${Math.floor(rnd() * 2000)}`],
    () => ['hset', 'bighash', `f${Math.floor(rnd() * 400)}`, 'changed'],
    () => ['rpush', 'biglist', 'more'],
    () => ['select', rnd() < 0.8 ? '0' : '1'],
  ];
  return ops[Math.floor(rnd() * ops.length)]!();
}

export const manifest = (dir: string): string =>
  readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');

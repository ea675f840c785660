// RDB persistence against real redis-server 7.0.15: its dump.rdb loads here and ours loads
// there with identical contents (every type and encoding, TTLs to the millisecond, binary keys
// and values), DUMP/RESTORE both ways, a BGSAVE taken while clients write that holds exactly the
// dataset at the cut, kill -9 during a BGSAVE of `tiermem serve` leaving the old dump intact,
// corrupt and truncated files refused with the file and offset, and the commands' replies.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAllocator } from '../src/allocator.js';
import { startStoreServer, type StoreServer } from '../src/store/index.js';
import type { Allocator } from '../src/types.js';
import { freePort } from './diff/redis-server.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

interface Proc {
  port: number;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

async function waitPing(port: number, child: ChildProcess, output: () => string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}): ${output()}`);
    const r = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    try {
      await r.connect();
      if ((await r.ping()) === 'PONG') return;
    } catch {
      /* not yet */
    } finally {
      r.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`no answer on ${port}: ${output()}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

function spawnProc(cmd: string, args: string[], port: number, env: NodeJS.ProcessEnv = process.env): Promise<Proc> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const proc: Proc = {
    port,
    child,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  return waitPing(port, child, proc.output).then(
    () => proc,
    async (e: unknown) => {
      await proc.stop('SIGKILL');
      throw e;
    },
  );
}

/** redis-server 7.0.15 over dir/dbfilename (it loads the file at start). */
async function redisOn(dir: string, dbfilename = 'dump.rdb'): Promise<Proc> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  return spawnProc('redis-server', [...args, '--dir', dir, '--dbfilename', dbfilename], port);
}

/** Every key of every db with its type, contents and TTL, as one canonical map (pipelined). */
async function contents(port: number, dbs = 16): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const b64 = (x: Buffer): string => x.toString('base64');
  for (let db = 0; db < dbs; db++) {
    const r = new Redis({ port, db });
    let cursor = '0';
    do {
      const [next, keys] = await r.scanBuffer(cursor, 'COUNT', 2000);
      cursor = next.toString();
      const meta = r.pipeline();
      for (const k of keys) meta.type(k).call('PEXPIRETIME', k);
      const m = (await meta.exec()) ?? [];
      const read = r.pipeline();
      const types = keys.map((_, i) => String(m[2 * i]![1]));
      keys.forEach((k, i) => {
        const t = types[i];
        if (t === 'string') read.getBuffer(k);
        else if (t === 'list') read.lrangeBuffer(k, 0, -1);
        else if (t === 'set') read.smembersBuffer(k);
        else if (t === 'hash') read.hgetallBuffer(k);
        else read.zrangeBuffer(k, 0, -1, 'WITHSCORES');
      });
      const v = (await read.exec()) ?? [];
      keys.forEach((k, i) => {
        const [err, val] = v[i]!;
        const t = types[i];
        let text: string;
        if (err) text = '(no such command here)';
        else if (t === 'string') text = b64(val as Buffer);
        else if (t === 'set') text = JSON.stringify((val as Buffer[]).map(b64).sort());
        else if (t === 'hash')
          text = JSON.stringify(
            Object.entries(val as Record<string, Buffer>)
              .map(([f, x]) => [Buffer.from(f, 'latin1').toString('base64'), b64(x)])
              .sort(),
          );
        else text = JSON.stringify((val as Buffer[]).map(b64));
        out.set(`${db}/${b64(k)}`, `${t}|${String(m[2 * i + 1]![1])}|${text}`);
      });
    } while (cursor !== '0');
    r.disconnect();
  }
  return out;
}

/** Keys of every type and encoding, binary names and values, TTLs; in db 0, 1 and 9. */
async function populate(r: Redis, withZsets: boolean): Promise<void> {
  const now = Date.now();
  const p = r.pipeline();
  p.set('int', '12345');
  p.set('minint', '-9223372036854775808');
  p.set('bigint', '123456789012');
  p.set('short', 'hello');
  p.set('empty', '');
  p.set('compressible', 'a'.repeat(5000));
  p.set(Buffer.from([0, 1, 2, 255, 13, 10]), Buffer.from([0, 255, 13, 10, 7]));
  p.set('ttl', 'x', 'PXAT', now + 3_600_123);
  p.rpush('list_small', 'a', '1', '-5', 'hello world');
  const big: string[] = [];
  for (let i = 0; i < 3000; i++) big.push(`element-${i}-${i % 3 ? 'x' : 'some longer text'}`);
  p.rpush('list_big', ...big);
  p.rpush('list_longitems', 'y'.repeat(10_000), 'z'.repeat(20_000), 'w');
  p.sadd('set_ints', ...Array.from({ length: 50 }, (_, i) => i * 1000 - 7));
  p.sadd('set_strs', ...Array.from({ length: 50 }, (_, i) => `m${i}`));
  p.sadd('set_big', ...Array.from({ length: 1000 }, (_, i) => `member:${i}`));
  p.sadd('set_bigints', ...Array.from({ length: 1000 }, (_, i) => i));
  p.hset('hash_small', ...Array.from({ length: 40 }, (_, i) => (i % 2 ? `${i}` : `f${i}`)));
  const hb: string[] = [];
  for (let i = 0; i < 600; i++) hb.push(`field:${i}`, `value ${i} ${i % 7 ? '' : 'x'.repeat(100)}`);
  p.hset('hash_big', ...hb);
  p.hset(Buffer.from('bin\0hash'), Buffer.from([0, 1]), Buffer.from([2, 3, 0]));
  p.pexpireat('hash_big', now + 7_200_456);
  if (withZsets) {
    p.zadd('zset_small', 1, 'a', 2, 'b', 3.5, 'c', -1e300, 'd', 4e18, 'e', 5e18, 'f');
    const zb: (string | number)[] = [];
    for (let i = 0; i < 500; i++) zb.push(i * 0.25 - 7, `zmember:${i}`);
    p.zadd('zset_big', ...zb);
    p.zadd('zset_inf', 'inf', 'top', '-inf', 'bottom', 0, 'mid');
  }
  p.select(1);
  p.set('in1', 'db one');
  p.lpush('l1', 'q');
  p.select(9);
  p.set('in9', 'db nine', 'PX', 9_000_000);
  p.select(0);
  await p.exec();
}

/** A client that gives up at once when the server goes away (kill -9, SHUTDOWN). */
function quiet(port: number): Redis {
  const r = new Redis({ port, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on('error', () => {});
  return r;
}

let dir: string;
const stores: { alloc: Allocator; server: StoreServer }[] = [];

async function store(
  opts: Parameters<typeof startStoreServer>[0]['persistence'] = {},
): Promise<{ port: number; server: StoreServer; close(): Promise<void> }> {
  const alloc = createAllocator({ threshold: 256 });
  // dir and dbfilename are protected configs, as in Redis: CONFIG SET them from loopback.
  const text = 'enable-protected-configs local';
  const settings = [{ name: 'enable-protected-configs', value: 'local', where: { file: null, line: 1, text } }];
  const server = await startStoreServer({ allocator: alloc, port: 0, persistence: opts, settings });
  stores.push({ alloc, server });
  return {
    port: server.address.port,
    server,
    async close() {
      await server.close();
      alloc.close();
    },
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tiermem-rdb-'));
});
afterAll(async () => {
  for (const s of stores) {
    await s.server.close();
    if (!s.alloc.closed) s.alloc.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('RDB files with redis-server 7.0.15', () => {
  it('loads what redis-server saved, and redis-server loads what it saves: identical contents', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    mkdirSync(a);
    mkdirSync(b);
    const ra = await redisOn(a);
    const ca = new Redis({ port: ra.port });
    await populate(ca, true);
    // Old encodings too: a tiny listpack threshold makes redis write tables and quicklists of many nodes.
    expect(await ca.save()).toBe('OK');
    const want = await contents(ra.port);
    expect(want.size).toBeGreaterThan(20);

    const t = await store({ dir: a });
    const ct = new Redis({ port: t.port });
    expect(await ct.dbsize()).toBe(await ca.dbsize());
    // Through tiermem's file into a second redis-server.
    expect(await ct.config('SET', 'dir', b)).toBe('OK');
    expect(await ct.save()).toBe('OK');
    const rb = await redisOn(b);
    expect(await contents(rb.port)).toEqual(want);
    // And tiermem's own view of what it loaded (zsets through DUMP: RESTORE'd into redis B).
    const mine = await contents(t.port);
    for (const [k, v] of want) if (!v.startsWith('zset')) expect(mine.get(k)).toBe(v);

    // DUMP/RESTORE both ways, key by key.
    const cb = new Redis({ port: rb.port });
    await cb.flushall();
    for (const [key] of want) {
      const slash = key.indexOf('/'); // base64 has slashes too
      const db = key.slice(0, slash);
      const k64 = key.slice(slash + 1);
      const k = Buffer.from(k64, 'base64');
      await ca.select(Number(db));
      await ct.select(Number(db));
      await cb.select(Number(db));
      const fromRedis = await ca.dumpBuffer(k);
      const pttl = await ca.pttl(k);
      await ct.del(k);
      const restored = await ct.call('RESTORE', k, String(Math.max(0, pttl)), fromRedis).catch((e: Error) => e.message);
      expect(`${key}: ${String(restored)}`).toBe(`${key}: OK`);
      const fromUs = await ct.dumpBuffer(k);
      const back = await cb.call('RESTORE', k, '0', fromUs, 'REPLACE').catch((e: Error) => e.message);
      expect(`back ${key}: ${String(back)}`).toBe(`back ${key}: OK`);
      if (pttl > 0) await cb.call('PEXPIREAT', k, String(await ca.call('PEXPIRETIME', k)));
    }
    await ca.select(0);
    await ct.select(0);
    await cb.select(0);
    expect(await contents(rb.port)).toEqual(want);
    // Redis's errors for bad payloads.
    await expect(ct.call('RESTORE', 'new', '0', 'garbage')).rejects.toThrow(
      'ERR DUMP payload version or checksum are wrong',
    );
    await expect(ct.call('RESTORE', 'int', '0', await ca.dumpBuffer('int'))).rejects.toThrow(
      'BUSYKEY Target key name already exists.',
    );
    ct.disconnect();
    ca.disconnect();
    cb.disconnect();
    await ra.stop();
    await rb.stop();
    await t.close();
  }, 120_000);

  it('a BGSAVE under writes holds exactly the dataset at its cut (redis-server loads it, no duplicate key)', async () => {
    const d = join(dir, 'live');
    mkdirSync(d);
    const t = await store({ dir: d });
    const c = new Redis({ port: t.port });
    const p = c.pipeline();
    for (let i = 0; i < 20_000; i++) {
      const k = `k${i}`;
      switch (i % 5) {
        case 0:
          p.set(k, `v${i}`.repeat(8));
          break;
        case 1:
          p.rpush(k, `a${i}`, 'b', 'c');
          break;
        case 2:
          p.sadd(k, `m${i}`, '1', '2');
          break;
        case 3:
          p.hset(k, 'f', `v${i}`, 'g', '1');
          break;
        default:
          p.set(k, '123', 'PX', 3_600_000 + i);
          break;
      }
      if (i % 50 === 0) p.select(2).set(k, 'in two').select(0);
    }
    await p.exec();
    const cut = await contents(t.port, 3);
    expect(await c.bgsave()).toBe('Background saving started');
    let rnd = 12345;
    const next = (n: number): number => {
      rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
      return rnd % n;
    };
    let during = 0;
    for (let round = 0; round < 200; round++) {
      const w = c.pipeline();
      for (let j = 0; j < 50; j++) {
        const k = `k${next(22_000)}`;
        switch (next(10)) {
          case 0:
            w.set(k, 'overwritten');
            break;
          case 1:
            w.del(k);
            break;
          case 2:
            w.rename(k, `k${next(22_000)}`);
            break;
          case 3:
            w.pexpire(k, 1);
            break;
          case 4:
            w.rpush(k, 'pushed');
            break;
          case 5:
            w.sadd(k, 'added');
            break;
          case 6:
            w.hset(k, 'f', 'changed');
            break;
          case 7:
            w.move(k, 2);
            break;
          case 8:
            w.append(k, 'tail');
            break;
          default:
            w.incr(k);
            break;
        }
      }
      if (round === 20) w.select(2).flushdb().select(0);
      await w.exec();
      const info = await c.info('persistence');
      if (/rdb_bgsave_in_progress:1/.test(info)) during++;
      else break;
    }
    expect(during).toBeGreaterThan(0);
    await t.server.persistence!.waitBgsave();
    expect(await c.info('persistence')).toMatch(/rdb_last_bgsave_status:ok/);
    const r = await redisOn(d);
    const got = await contents(r.port, 3);
    // TTLs of the cut are hours away; the file holds exactly the cut.
    expect(got.size).toBe(cut.size);
    expect(got).toEqual(cut);
    c.disconnect();
    await r.stop();
    await t.close();
  }, 120_000);

  it('refuses a corrupt or truncated file at start-up, naming the file and the byte offset', async () => {
    const d = join(dir, 'bad');
    mkdirSync(d);
    const t = await store({ dir: d });
    const c = new Redis({ port: t.port });
    await populate(c, false);
    await c.save();
    c.disconnect();
    await t.close();
    const file = join(d, 'dump.rdb');
    const good = readFileSync(file);
    const alloc = createAllocator({ threshold: 256 });
    try {
      writeFileSync(file, good.subarray(0, good.length - 100));
      await expect(startStoreServer({ allocator: alloc, port: 0, persistence: { dir: d } })).rejects.toThrow(
        /dump\.rdb: invalid RDB file at byte \d+: unexpected end of file/,
      );
      const bad = Buffer.from(good);
      bad[Math.floor(good.length / 2)]! ^= 0x5a;
      writeFileSync(file, bad);
      await expect(startStoreServer({ allocator: alloc, port: 0, persistence: { dir: d } })).rejects.toThrow(
        /dump\.rdb: invalid RDB file at byte \d+/,
      );
      writeFileSync(file, 'REDIS0011' + 'x'.repeat(20));
      await expect(startStoreServer({ allocator: alloc, port: 0, persistence: { dir: d } })).rejects.toThrow(
        /can't handle this RDB format version/,
      );
    } finally {
      alloc.close();
    }
  });

  it('answers SAVE, BGSAVE, LASTSAVE, SHUTDOWN and CONFIG as Redis does; MISCONF after a failed BGSAVE', async () => {
    const d = join(dir, 'cmds');
    mkdirSync(d);
    const t = await store({ dir: d, save: '3600 1' });
    const c = new Redis({ port: t.port });
    expect(await c.config('GET', 'save')).toEqual(['save', '3600 1']);
    expect(await c.config('GET', 'dbfilename')).toEqual(['dbfilename', 'dump.rdb']);
    expect(await c.config('GET', 'rdbcompression')).toEqual(['rdbcompression', 'yes']);
    await expect(c.config('SET', 'save', '100')).rejects.toThrow('Invalid save parameters');
    await expect(c.config('SET', 'dbfilename', 'a/b')).rejects.toThrow("dbfilename can't be a path, just a filename");
    // Immutable in Redis 7.0.15: only a config file or a flag sets it.
    await expect(c.config('SET', 'rdbchecksum', 'no')).rejects.toThrow("can't set immutable config");
    await expect(c.config('SET', 'rdbcompression', 'maybe')).rejects.toThrow("argument must be 'yes' or 'no'");
    await expect(c.call('BGSAVE', 'now')).rejects.toThrow('ERR syntax error');
    await expect(c.call('SHUTDOWN', 'ABORT')).rejects.toThrow('ERR No shutdown in progress.');
    await expect(c.call('SHUTDOWN', 'SAVE', 'NOSAVE')).rejects.toThrow('ERR syntax error');
    await expect(c.call('SHUTDOWN', 'NOW', 'ABORT')).rejects.toThrow('ERR syntax error');
    const before = await c.lastsave();
    expect(Math.abs(before - Date.now() / 1000)).toBeLessThan(30);
    await c.set('a', '1');
    expect(await c.info('persistence')).toMatch(/rdb_changes_since_last_save:1\r\n/);
    expect(await c.save()).toBe('OK');
    expect(await c.info('persistence')).toMatch(/rdb_changes_since_last_save:0\r\n/);
    // A BGSAVE that cannot write its file: status err, and writes (and PING) get MISCONF.
    const gone = join(d, 'gone');
    mkdirSync(gone);
    expect(await c.config('SET', 'dir', gone)).toBe('OK');
    rmSync(gone, { recursive: true });
    expect(await c.bgsave()).toBe('Background saving started');
    await t.server.persistence!.waitBgsave();
    expect(await c.info('persistence')).toMatch(/rdb_last_bgsave_status:err/);
    await expect(c.set('b', '2')).rejects.toThrow(/^MISCONF Redis is configured to save RDB snapshots/);
    await expect(c.ping()).rejects.toThrow(/^MISCONF/);
    expect(await c.get('a')).toBe('1');
    expect(await c.config('SET', 'stop-writes-on-bgsave-error', 'no')).toBe('OK');
    expect(await c.set('b', '2')).toBe('OK');
    expect(await c.config('SET', 'dir', d)).toBe('OK');
    expect(await c.bgsave()).toBe('Background saving started');
    await expect(c.bgsave()).rejects.toThrow('ERR Background save already in progress');
    await t.server.persistence!.waitBgsave();
    expect(await c.info('persistence')).toMatch(/rdb_last_bgsave_status:ok/);
    c.disconnect();
    await t.close();
  });
});

describe('tiermem serve', () => {
  it('--save/--dir load dump.rdb at start; kill -9 during BGSAVE leaves the old dump; SHUTDOWN saves', async () => {
    const d = join(dir, 'serve');
    mkdirSync(d);
    const pm = join(dir, 'pmem');
    mkdirSync(pm);
    const env = { ...process.env, TIERMEM_ADMIN_SOCKET: join(dir, 'admin.sock') };
    const start = async (): Promise<Proc> => {
      const port = await freePort();
      return spawnProc(
        process.execPath,
        [MAIN, 'serve', '--pmem', `file:${pm}`, '--no-metrics', '--port', String(port), '--save', '3600 1', '--dir', d],
        port,
        env,
      );
    };
    let s = await start();
    let c = quiet(s.port);
    try {
      const p = c.pipeline();
      for (let i = 0; i < 50_000; i++) p.set(`key:${i}`, `value-${i}-${'x'.repeat(100)}`);
      await p.exec();
      expect(await c.save()).toBe('OK');
      const saved = readFileSync(join(d, 'dump.rdb'));
      copyFileSync(join(d, 'dump.rdb'), join(d, 'saved.rdb'));
      await c.set('key:0', 'changed after the save');
      expect(await c.bgsave()).toBe('Background saving started');
      s.child.kill('SIGKILL');
      await s.stop();
      c.disconnect();
      expect(readFileSync(join(d, 'dump.rdb')).equals(saved)).toBe(true);
      // Restart: the old dump is loaded.
      s = await start();
      c = quiet(s.port);
      expect(await c.dbsize()).toBe(50_000);
      expect(await c.get('key:0')).toBe(`value-0-${'x'.repeat(100)}`);
      expect(s.output()).toMatch(/DB loaded from disk/);
      // SHUTDOWN saves (save points are configured) and the process exits.
      await c.set('key:0', 'saved by shutdown');
      await c.call('SHUTDOWN').catch(() => {}); // no reply: the connection just closes
      await new Promise<void>((r) => (s.child.exitCode !== null ? r() : s.child.once('exit', () => r())));
      expect(s.child.exitCode).toBe(0);
      const r = await redisOn(d);
      const rc = quiet(r.port);
      expect(await rc.get('key:0')).toBe('saved by shutdown');
      expect(await rc.dbsize()).toBe(50_000);
      rc.disconnect();
      await r.stop();
      expect(existsSync(join(d, `temp-${s.child.pid ?? 0}.rdb`))).toBe(false);
    } catch (e) {
      throw new Error(`${(e as Error).message}; serve said: ${s.output()}`, { cause: e });
    }
  }, 120_000);
});

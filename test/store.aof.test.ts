// The append-only file end to end, with real processes: `tiermem serve --appendonly yes` killed
// with SIGKILL and restarted, truncated files, and redis-server 7.0.15 as the reference for the
// directory layout and as a loader of tiermem's appendonlydir.
import { readdirSync, readFileSync, statSync, truncateSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { contents, kill9, redisServer, serve, tempDir, tiermem, writeAll } from './aof-harness.js';

describe('append-only file', () => {
  it('with appendfsync always, every acknowledged write survives kill -9 (every type, absolute TTLs)', async () => {
    const dir = tempDir();
    const a = await tiermem(dir, '--appendfsync', 'always');
    await writeAll(a.port, 60);
    const before = await contents(a.port);
    await kill9(a); // no shutdown path runs: only what is on disk counts
    const b = await tiermem(dir, '--appendfsync', 'always');
    try {
      expect(b.out()).toMatch(/DB loaded from append only file/);
      const after = await contents(b.port);
      expect(Object.keys(after).length).toBeGreaterThan(100);
      expect(after).toEqual(before);
    } finally {
      await kill9(b);
    }
  }, 60_000);

  it('appendfsync always, group commit: writes from many clients killed mid-flight lose nothing acknowledged; a served BLPOP persists its pop', async () => {
    const dir = tempDir();
    const a = await tiermem(dir, '--appendfsync', 'always');
    // A blocked pop served by another client's push: the reply comes (held for the commit, then released).
    const waiter = new Redis({ port: a.port });
    const popped = waiter.blpop('q', 0);
    await new Promise((r) => setTimeout(r, 100));
    const pusher = new Redis({ port: a.port });
    await pusher.rpush('q', 'x', 'y');
    expect(await popped).toEqual(['q', 'x']);
    waiter.disconnect();
    // 16 clients, each pipelining SETs without waiting, until kill -9 lands mid-flight.
    const acked = new Set<string>();
    let stop = false;
    const writers = Array.from({ length: 16 }, async (_, w) => {
      const c = new Redis({ port: a.port, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => {});
      for (let i = 0; !stop; i++) {
        const batch = Array.from({ length: 8 }, (_, j) => `w${w}:${i * 8 + j}`);
        await Promise.all(batch.map((k) => c.set(k, k).then(() => acked.add(k)))).catch(() => (stop = true));
      }
      c.disconnect();
    });
    await new Promise((r) => setTimeout(r, 1500));
    await kill9(a);
    stop = true;
    await Promise.all(writers);
    pusher.disconnect();
    expect(acked.size).toBeGreaterThan(100);
    const b = await tiermem(dir, '--appendfsync', 'always');
    try {
      const c = new Redis({ port: b.port });
      const keys = [...acked];
      const values = await c.mget(...keys);
      const lost = keys.filter((k, i) => values[i] !== k);
      expect(lost).toEqual([]);
      expect(await c.lrange('q', 0, -1)).toEqual(['y']);
      c.disconnect();
    } finally {
      await kill9(b);
    }
  }, 60_000);

  it("redis-server 7.0.15 writes the same names and manifest, and loads tiermem's appendonlydir to the same contents", async () => {
    const ours = tempDir();
    const theirs = tempDir();
    const a = await tiermem(ours, '--appendfsync', 'everysec');
    const r = await redisServer(theirs);
    try {
      await writeAll(a.port, 20);
      await writeAll(r.port, 20);
      const listing = (d: string): string[] => readdirSync(join(d, 'appendonlydir')).sort();
      expect(listing(ours)).toEqual(listing(theirs));
      expect(readFileSync(join(ours, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1')).toBe(
        readFileSync(join(theirs, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1'),
      );
      const ic = new Redis({ port: a.port });
      const info = await ic.info('persistence');
      ic.disconnect();
      expect(info).toMatch(/aof_enabled:1/);
      expect(info).toMatch(/aof_last_write_status:ok/);
      const expected = await contents(a.port);
      await kill9(a);
      // redis-server on a copy of tiermem's directory.
      const copy = tempDir();
      cpSync(join(ours, 'appendonlydir'), join(copy, 'appendonlydir'), { recursive: true });
      const r2 = await redisServer(copy);
      try {
        expect(await contents(r2.port)).toEqual(expected);
      } finally {
        await kill9(r2);
      }
    } finally {
      await kill9(a).catch(() => {});
      await kill9(r);
    }
  }, 60_000);

  it('a truncated last incr file: loaded up to its last whole command with aof-load-truncated yes; refused, naming file and offset, with no', async () => {
    const dir = tempDir();
    const a = await tiermem(dir, '--appendfsync', 'always');
    const c = new Redis({ port: a.port });
    await c.set('k1', 'one');
    await c.set('k2', 'two');
    const incr = join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const whole = statSync(incr).size;
    await c.set('k3', 'three');
    c.disconnect();
    await kill9(a);
    truncateSync(incr, statSync(incr).size - 3); // k3's command cut short
    const refused = tiermem(dir, '--aof-load-truncated', 'no');
    await expect(refused).rejects.toThrow(
      new RegExp(`Unexpected end of file reading the append only file appendonly.aof.1.incr.aof at offset ${whole}`),
    );
    const b = await tiermem(dir, '--aof-load-truncated', 'yes');
    try {
      expect(b.out()).toMatch(/short read while loading the AOF file appendonly.aof.1.incr.aof/);
      expect(statSync(incr).size).toBe(whole);
      const k = new Redis({ port: b.port });
      expect(await k.mget('k1', 'k2', 'k3')).toEqual(['one', 'two', null]);
      await k.set('k4', 'four'); // appends after the cut
      k.disconnect();
    } finally {
      await kill9(b);
    }
    const d = await tiermem(dir);
    try {
      const k = new Redis({ port: d.port });
      expect(await k.mget('k1', 'k2', 'k3', 'k4')).toEqual(['one', 'two', null, 'four']);
      k.disconnect();
    } finally {
      await kill9(d);
    }
  }, 60_000);

  it('with appendonly yes, start-up reads the AOF and never dump.rdb (an empty dataset when there is no AOF yet, as Redis 7.0)', async () => {
    const dir = tempDir();
    const a = await serve(dir, 'no');
    const c = new Redis({ port: a.port });
    await c.set('fromrdb', '1');
    expect(await c.save()).toBe('OK');
    c.disconnect();
    await kill9(a);
    const b = await serve(dir, 'yes');
    try {
      expect(b.out()).toMatch(/Creating AOF base file appendonly.aof.1.base.rdb on server start/);
      const k = new Redis({ port: b.port });
      expect(await k.dbsize()).toBe(0);
      await k.set('fromaof', '1');
      k.disconnect();
    } finally {
      await kill9(b);
    }
    const d = await serve(dir, 'no'); // appendonly no: dump.rdb again
    try {
      const k = new Redis({ port: d.port });
      expect(await k.keys('*')).toEqual(['fromrdb']);
      k.disconnect();
    } finally {
      await kill9(d);
    }
  }, 60_000);

  it('a corrupt file stops start-up with the file and offset', async () => {
    const dir = tempDir();
    const a = await tiermem(dir);
    const c = new Redis({ port: a.port });
    await c.set('k1', 'one');
    c.disconnect();
    await kill9(a);
    const incr = join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const size = statSync(incr).size;
    // Garbage after the whole commands: a line that is not a RESP array.
    const { appendFileSync } = await import('node:fs');
    appendFileSync(incr, 'garbage\r\n');
    await expect(tiermem(dir)).rejects.toThrow(
      new RegExp(`Bad file format reading the append only file appendonly.aof.1.incr.aof at offset ${size}`),
    );
  }, 60_000);
});

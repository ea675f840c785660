// AOF rewrite end to end with real processes: an RDB base (aof-use-rdb-preamble yes) written by
// redis-server 7.0.15's BGREWRITEAOF loads into tiermem, and the other way round.
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { contents, kill9, redisServer, tempDir, tiermem, writeAll } from './aof-harness.js';

/** Values in the encodings small writes never reach: quicklist, hashtable, skiplist, intset, big strings. */
async function writeBig(port: number): Promise<void> {
  const c = new Redis({ port });
  try {
    await c.rpush('biglist', ...Array.from({ length: 700 }, (_, i) => `item-${i}`));
    await c.hset('bighash', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`.repeat(3)]).flat());
    await c.sadd('bigset', ...Array.from({ length: 300 }, (_, i) => `m${i}`));
    await c.sadd('intset', ...Array.from({ length: 50 }, (_, i) => i * 7));
    await c.zadd('bigzset', ...Array.from({ length: 200 }, (_, i) => [i * 1.5, `z${i}`]).flat());
    await c.set('bigstring', 'x'.repeat(100_000), 'PX', 3_600_000);
    await c.set('binary', Buffer.from([0, 1, 2, 255, 13, 10]));
    await c.set('int', 12345);
  } finally {
    c.disconnect();
  }
}

/** Poll INFO persistence until the server's AOF rewrite is over (none running or scheduled). */
async function rewriteDone(port: number, rewrites: number): Promise<string> {
  const c = new Redis({ port });
  try {
    for (;;) {
      const info = await c.info('persistence');
      const field = (n: string): string => new RegExp(`${n}:(\\S+)`).exec(info)?.[1] ?? '';
      if (
        field('aof_rewrite_in_progress') === '0' &&
        field('aof_rewrite_scheduled') === '0' &&
        Number(field('aof_rewrites')) >= rewrites
      )
        return info;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    c.disconnect();
  }
}

const manifest = (dir: string): string => readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');

describe('AOF rewrite', () => {
  it("tiermem loads redis-server 7.0.15's rewritten appendonlydir (an RDB base with every encoding, then incr files) to the same contents", async () => {
    const theirs = tempDir();
    const r = await redisServer(theirs);
    try {
      await writeAll(r.port, 30);
      await writeBig(r.port);
      const c = new Redis({ port: r.port });
      expect(await c.bgrewriteaof()).toBe('Background append only file rewriting started');
      await rewriteDone(r.port, 1);
      // Writes after the rewrite go to the new incr file.
      await c.set('after', 'rewrite');
      await c.rpush('biglist', 'tail');
      await c.hdel('bighash', 'f1');
      c.disconnect();
      expect(manifest(theirs)).toMatch(/appendonly\.aof\.2\.base\.rdb seq 2 type b/);
      const expected = await contents(r.port);
      await kill9(r);
      const copy = tempDir();
      cpSync(join(theirs, 'appendonlydir'), join(copy, 'appendonlydir'), { recursive: true });
      const t = await tiermem(copy);
      try {
        expect(t.out()).toMatch(/Loading RDB preamble from AOF file appendonly\.aof\.2\.base\.rdb/);
        expect(await contents(t.port)).toEqual(expected);
        expect(readdirSync(join(copy, 'appendonlydir')).sort()).toEqual([
          'appendonly.aof.2.base.rdb',
          'appendonly.aof.2.incr.aof',
          'appendonly.aof.manifest',
        ]);
      } finally {
        await kill9(t);
      }
    } finally {
      await kill9(r).catch(() => {});
    }
  }, 60_000);
});

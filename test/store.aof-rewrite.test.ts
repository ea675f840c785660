// AOF rewrite end to end with real processes: a base written by redis-server 7.0.15's BGREWRITEAOF
// loads into tiermem, and the other way round, as an RDB (aof-use-rdb-preamble yes) and as commands
// (no, a .base.aof).
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRng } from '../src/trace/random.js';
import {
  contents,
  field,
  kill9,
  manifest,
  populate,
  randomCommand,
  redisServer,
  rewriteDone,
  serve,
  snapshotOf,
  tempDir,
  tiermem,
  writeAll,
  writeBig,
} from './aof-harness.js';

/** aof-use-rdb-preamble: the flag for both servers, the base's suffix. */
const PREAMBLES = [
  { preamble: 'yes', ext: 'rdb', args: [] as string[] },
  { preamble: 'no', ext: 'aof', args: ['--aof-use-rdb-preamble', 'no'] },
] as const;

describe('AOF rewrite', () => {
  it.each(PREAMBLES)(
    "tiermem loads redis-server 7.0.15's rewritten appendonlydir (aof-use-rdb-preamble $preamble: a base with every encoding, then incr files) to the same contents",
    async ({ preamble, ext, args }) => {
      const theirs = tempDir();
      const r = await redisServer(theirs, ...args);
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
        expect(manifest(theirs)).toContain(`appendonly.aof.2.base.${ext} seq 2 type b`);
        const expected = await contents(r.port);
        await kill9(r);
        const copy = tempDir();
        cpSync(join(theirs, 'appendonlydir'), join(copy, 'appendonlydir'), { recursive: true });
        const t = await tiermem(copy);
        try {
          if (preamble === 'yes')
            expect(t.out()).toMatch(/Loading RDB preamble from AOF file appendonly\.aof\.2\.base\.rdb/);
          expect(await contents(t.port)).toEqual(expected);
          expect(readdirSync(join(copy, 'appendonlydir')).sort()).toEqual([
            `appendonly.aof.2.base.${ext}`,
            'appendonly.aof.2.incr.aof',
            'appendonly.aof.manifest',
          ]);
        } finally {
          await kill9(t);
        }
      } finally {
        await kill9(r).catch(() => {});
      }
    },
    60_000,
  );

  it.each(PREAMBLES)(
    'BGREWRITEAOF during writes (randomized, seeded; aof-use-rdb-preamble $preamble): the rewritten directory reloads after kill -9 to the same dataset as redis-server fed the same commands, and redis-server 7.0.15 loads it too',
    async ({ preamble, ext, args }) => {
      const dir = tempDir();
      const t = await tiermem(dir, '--appendfsync', 'always', ...args);
      const model = await redisServer(tempDir());
      try {
        for (const p of [t.port, model.port]) {
          await populate(p, 8000);
          await writeBig(p);
        }
        const tc = new Redis({ port: t.port });
        const mc = new Redis({ port: model.port });
        const seeded = createRng(Number(process.env.AOFRW_SEED ?? 7));
        const rnd = (): number => seeded.next();
        let during = 0;
        let ops = 0;
        const batch = async (n: number, withRewrite: boolean): Promise<void> => {
          const cmds = Array.from({ length: n }, () => randomCommand(rnd, ops++));
          const tp = tc.pipeline();
          if (withRewrite) tp.bgrewriteaof();
          for (const c of cmds) tp.call(c[0]!, ...c.slice(1));
          const got = (await tp.exec())!;
          const want = (await mc.pipeline(cmds.map((c) => [...c])).exec())!;
          // Same replies from both (the command stream is the same).
          const replies = got.slice(withRewrite ? 1 : 0).map((r) => r[0]?.message ?? r[1]);
          expect(replies).toEqual(want.map((r) => r[0]?.message ?? r[1]));
          if (withRewrite) expect(got[0]![1]).toBe('Background append only file rewriting started');
        };
        await batch(300, true); // in the same turn as the cut: pre-images of owed keys
        for (let i = 0; i < 200; i++) {
          const info = await tc.info('persistence');
          if (field(info, 'aof_rewrite_in_progress') !== '1') break;
          during++;
          await batch(50, false);
        }
        await rewriteDone(t.port, 1);
        await batch(300, false); // after the rewrite: the new incr file
        tc.disconnect();
        mc.disconnect();
        expect(manifest(dir)).toBe(
          `file appendonly.aof.2.base.${ext} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n`,
        );
        expect(readdirSync(join(dir, 'appendonlydir')).sort()).toEqual([
          `appendonly.aof.2.base.${ext}`,
          'appendonly.aof.2.incr.aof',
          'appendonly.aof.manifest',
        ]);
        const base = readFileSync(join(dir, 'appendonlydir', `appendonly.aof.2.base.${ext}`));
        expect(base.subarray(0, 9).toString('latin1')).toBe(preamble === 'yes' ? 'REDIS0010' : '*2\r\n$6\r\nS');
        const expected = await snapshotOf(model.port);
        await kill9(t);
        const copy = tempDir();
        cpSync(join(dir, 'appendonlydir'), join(copy, 'appendonlydir'), { recursive: true });
        const again = await tiermem(dir);
        try {
          expect(await snapshotOf(again.port)).toEqual(expected);
        } finally {
          await kill9(again);
        }
        const r = await redisServer(copy, ...args);
        try {
          expect(await snapshotOf(r.port)).toEqual(expected);
        } finally {
          await kill9(r);
        }
        expect(during + 1).toBeGreaterThan(0);
      } finally {
        await kill9(t).catch(() => {});
        await kill9(model);
      }
    },
    120_000,
  );

  it("Redis's replies and INFO: already in progress, BGSAVE refused or scheduled while rewriting, BGREWRITEAOF scheduled behind a BGSAVE or inside EXEC", async () => {
    const dir = tempDir();
    const t = await tiermem(dir);
    const c = new Redis({ port: t.port });
    try {
      await populate(t.port, 2000);
      // One pipeline: every command runs in the rewrite's first turn.
      const r1 = (await c.pipeline().bgrewriteaof().bgrewriteaof().bgsave().info('persistence').exec())!;
      expect(r1[0]![1]).toBe('Background append only file rewriting started');
      expect(r1[1]![0]?.message).toBe('ERR Background append only file rewriting already in progress');
      expect(r1[2]![0]?.message).toBe(
        "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
      );
      const during = r1[3]![1] as string;
      expect(field(during, 'aof_rewrite_in_progress')).toBe('1');
      expect(field(during, 'aof_current_rewrite_time_sec')).toBe('0');
      expect(field(during, 'aof_rewrites')).toBe('1');
      let info = await rewriteDone(t.port, 1);
      expect(field(info, 'aof_last_bgrewrite_status')).toBe('ok');
      expect(field(info, 'aof_last_rewrite_time_sec')).toMatch(/^\d+$/);
      expect(Number(field(info, 'aof_last_cow_size'))).toBeGreaterThan(0);
      const baseSize = statSync(join(dir, 'appendonlydir', 'appendonly.aof.2.base.rdb')).size;
      expect(Number(field(info, 'aof_current_size'))).toBe(baseSize);
      expect(Number(field(info, 'aof_base_size'))).toBe(baseSize);
      await c.set('k', 'v');
      info = await c.info('persistence');
      expect(Number(field(info, 'aof_current_size'))).toBeGreaterThan(baseSize);
      // Behind a BGSAVE: scheduled, then run by the cron once the save ends.
      const r2 = (await c.pipeline().bgsave().bgrewriteaof().info('persistence').exec())!;
      expect(r2[0]![1]).toBe('Background saving started');
      expect(r2[1]![1]).toBe('Background append only file rewriting scheduled');
      expect(field(r2[2]![1] as string, 'aof_rewrite_scheduled')).toBe('1');
      expect(field(r2[2]![1] as string, 'aof_pending_rewrite')).toBe('1');
      info = await rewriteDone(t.port, 2);
      expect(field(info, 'rdb_last_bgsave_status')).toBe('ok');
      // BGSAVE SCHEDULE while rewriting.
      const r3 = (await c.pipeline().bgrewriteaof().bgsave('SCHEDULE').exec())!;
      expect(r3[1]![1]).toBe('Background saving scheduled');
      await rewriteDone(t.port, 3);
      for (let i = 0; i < 100 && field(await c.info('persistence'), 'rdb_saves') !== '2'; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(field(await c.info('persistence'), 'rdb_saves')).toBe('2');
      // Inside EXEC: scheduled, as Redis (the transaction is not split between two incr files).
      const r4 = (await c.multi().set('a', '1').bgrewriteaof().set('b', '2').exec())!;
      expect(r4[1]![1]).toBe('Background append only file rewriting scheduled');
      await rewriteDone(t.port, 4);
      await expect(c.config('SET', 'auto-aof-rewrite-percentage', '-1')).rejects.toThrow(
        "ERR CONFIG SET failed (possibly related to argument 'auto-aof-rewrite-percentage') - argument must be between 0 and 2147483647 inclusive",
      );
      expect(await c.config('GET', 'auto-aof-rewrite-*')).toEqual([
        'auto-aof-rewrite-percentage',
        '100',
        'auto-aof-rewrite-min-size',
        '67108864',
      ]);
      c.disconnect();
      const expected = await snapshotOf(t.port);
      await kill9(t);
      const again = await tiermem(dir);
      try {
        expect(await snapshotOf(again.port)).toEqual(expected);
      } finally {
        await kill9(again);
      }
    } finally {
      c.disconnect();
      await kill9(t).catch(() => {});
    }
  }, 90_000);

  it('auto-aof-rewrite-percentage and -min-size: the cron rewrites once the AOF grew by the percentage over the last rewrite', async () => {
    const dir = tempDir();
    const t = await tiermem(dir);
    const c = new Redis({ port: t.port });
    try {
      await c.config('SET', 'auto-aof-rewrite-min-size', '64kb');
      await c.config('SET', 'auto-aof-rewrite-percentage', '0'); // off: no rewrite however big
      await populate(t.port, 2000);
      await new Promise((r) => setTimeout(r, 300));
      expect(field(await c.info('persistence'), 'aof_rewrites')).toBe('0');
      await c.config('SET', 'auto-aof-rewrite-percentage', '100');
      let info = await rewriteDone(t.port, 1);
      expect(t.out()).toMatch(/Starting automatic rewriting of AOF on \d+% growth/);
      const base = Number(field(info, 'aof_base_size'));
      // Overwrites grow the incr file; the next automatic rewrite waits for 100% growth over the base.
      await populate(t.port, 200);
      info = await c.info('persistence');
      expect(field(info, 'aof_rewrites')).toBe('1');
      expect(Number(field(info, 'aof_current_size'))).toBeLessThan(2 * base);
      await populate(t.port, 2000);
      await rewriteDone(t.port, 2);
    } finally {
      c.disconnect();
      await kill9(t);
    }
  }, 60_000);

  it('CONFIG SET appendonly yes at run time rewrites a base of the dataset (OK, aof_rewrite_in_progress 1) and then appends; no stops appending', async () => {
    const dir = tempDir();
    const t = await serve(dir, 'no');
    const c = new Redis({ port: t.port });
    try {
      await writeAll(t.port, 10);
      await populate(t.port, 3000);
      const r = (await c.pipeline().config('SET', 'appendonly', 'yes').info('persistence').set('during', '1').exec())!;
      expect(r[0]![1]).toBe('OK');
      expect(field(r[1]![1] as string, 'aof_enabled')).toBe('1');
      expect(field(r[1]![1] as string, 'aof_rewrite_in_progress')).toBe('1');
      expect(await c.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      await rewriteDone(t.port, 1);
      await c.set('after', '1');
      expect(manifest(dir)).toBe(
        'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
      );
      const withAof = await snapshotOf(t.port);
      // Off: nothing more is appended.
      expect(await c.config('SET', 'appendonly', 'no')).toBe('OK');
      expect(field(await c.info('persistence'), 'aof_enabled')).toBe('0');
      const incr = join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
      const size = statSync(incr).size;
      await c.set('notappended', '1');
      expect(statSync(incr).size).toBe(size);
      c.disconnect();
      await kill9(t);
      const again = await tiermem(dir);
      try {
        expect(await snapshotOf(again.port)).toEqual(withAof);
      } finally {
        await kill9(again);
      }
    } finally {
      c.disconnect();
      await kill9(t).catch(() => {});
    }
  }, 60_000);

  // 'after-cut': the test kills the server right after the cut, while the base is being written
  // (or just after, on a fast machine); the others: the server kills itself at that step.
  const crashes = PREAMBLES.flatMap((p) =>
    (['after-cut', 'before-manifest', 'before-delete'] as const).map((stage) => ({ ...p, stage })),
  );
  for (const { stage, preamble, ext, args } of crashes) {
    it(`kill -9 during a rewrite (${stage}, aof-use-rdb-preamble ${preamble}) under appendfsync always: nothing acknowledged is lost, the old files stay intact and the directory loads (in tiermem and redis-server)`, async () => {
      const dir = tempDir();
      const env: Record<string, string> =
        stage === 'after-cut' ? {} : { TIERMEM_TEST_FAULTS: '1', TIERMEM_TEST_AOF_CRASH: stage };
      const t = await serve(dir, 'yes', ['--appendfsync', 'always', ...args], env);
      const keys = 2000;
      await populate(t.port, keys);
      const c = new Redis({ port: t.port, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => {});
      const acked: string[] = [];
      let i = 0;
      const oldBase = join(dir, 'appendonlydir', `appendonly.aof.1.base.${ext}`);
      const oldBaseBytes = readFileSync(oldBase);
      try {
        // A write in the rewrite's first turn: acknowledged even if the rewrite ends at once.
        const first = (await c.pipeline().bgrewriteaof().set('w:first', 'w:first').exec())!;
        expect(first[0]![1]).toBe('Background append only file rewriting started');
        if (first[1]![1] === 'OK') acked.push('w:first');
        for (;;) {
          if (stage === 'after-cut' && i === 20) await kill9(t);
          const k = `w:${i++}`;
          await c.set(k, k);
          acked.push(k);
        }
      } catch {
        /* the server died */
      }
      c.disconnect();
      await t.exited;
      expect(acked.length).toBeGreaterThan(0);
      // The manifest in force: the old one until the new one is published (before-manifest), the
      // new one after; a kill from outside may land on either side.
      const files = manifest(dir);
      if (stage === 'before-delete') expect(files).toContain(`appendonly.aof.2.base.${ext} seq 2 type b`);
      if (stage === 'before-manifest')
        expect(files).toBe(
          `file appendonly.aof.1.base.${ext} seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n`,
        );
      // While the old manifest is in force its base is untouched.
      if (files.includes(`appendonly.aof.1.base.${ext} seq 1 type b`))
        expect(readFileSync(oldBase)).toEqual(oldBaseBytes);
      const copy = tempDir();
      cpSync(join(dir, 'appendonlydir'), join(copy, 'appendonlydir'), { recursive: true });
      const again = await tiermem(dir, ...args);
      try {
        const k = new Redis({ port: again.port });
        const values = await k.mget(...acked);
        expect(acked.filter((key, j) => values[j] !== key)).toEqual([]);
        expect(await k.dbsize()).toBeGreaterThanOrEqual(keys + acked.length);
        k.disconnect();
        const expected = await snapshotOf(again.port);
        const r = await redisServer(copy, ...args);
        try {
          expect(await snapshotOf(r.port)).toEqual(expected);
        } finally {
          await kill9(r);
        }
        // A rewrite after the crash cleans up: one base, one incr.
        const k2 = new Redis({ port: again.port });
        await k2.bgrewriteaof();
        await rewriteDone(again.port, 1);
        k2.disconnect();
        expect(readdirSync(join(dir, 'appendonlydir')).filter((f) => !f.endsWith('manifest')).length).toBe(2);
        expect(await snapshotOf(again.port)).toEqual(expected);
      } finally {
        await kill9(again);
      }
    }, 60_000);
  }
});

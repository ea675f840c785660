// AOF write errors as redis-server 7.0.15 handles them (aof.c flushAppendOnlyFile, server.c
// writeCommandsDeniedByDiskError), each server on a full 1 MiB tmpfs of its own: with appendfsync
// everysec the write that failed is acknowledged, later writes and PING get "MISCONF Errors
// writing to the AOF file: No space left on device" (reads still work, INFO
// aof_last_write_status:err), and once space is back the kept bytes are written within a second
// and writes are accepted again (the same incr file bytes as redis-server's); with appendfsync
// always the server exits. Needs root for mount(8) (CI runs as root); skipped otherwise.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisServer, tiermem, type Proc } from './aof-harness.js';

const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) {
    execFileSync('umount', [m]);
    rmSync(m, { recursive: true, force: true });
  }
});

/** A fresh 1 MiB tmpfs, or null where mounting is not allowed. */
function tinyFs(): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'tiermem-aoffull-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  mounts.push(dir);
  return dir;
}

const canMount = ((): boolean => {
  if (process.getuid?.() !== 0) return false;
  const d = tinyFs();
  return d !== null;
})();

/** Fill the filesystem to its last block. */
function fill(dir: string): string {
  const f = join(dir, 'filler');
  const fd = openSync(f, 'w');
  const block = Buffer.alloc(4096);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return f;
}

async function reply(c: Redis, ...args: string[]): Promise<string> {
  try {
    return JSON.stringify(await c.call(args[0]!, ...args.slice(1)));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

const writeStatus = async (c: Redis): Promise<string> =>
  /aof_last_write_status:(\w+)/.exec(await c.info('persistence'))?.[1] ?? '?';

/** The everysec sequence on a server whose filesystem fills after it started. */
async function everysecRun(p: Proc, dir: string): Promise<{ replies: string[]; incr: string }> {
  const c = new Redis({ port: p.port, maxRetriesPerRequest: 0 });
  try {
    const filler = fill(dir);
    const out: string[] = [];
    out.push(await reply(c, 'SET', 'a', 'b')); // acknowledged; its write fails after
    out.push(await reply(c, 'SET', 'big', 'x'.repeat(20_000)));
    out.push(await reply(c, 'PING'));
    out.push(await reply(c, 'GET', 'a'));
    out.push(await reply(c, 'MULTI'), await reply(c, 'INCR', 'n'), await reply(c, 'EXEC'));
    out.push(await writeStatus(c));
    rmSync(filler);
    const deadline = Date.now() + 10_000;
    while ((await writeStatus(c)) !== 'ok' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    out.push(await writeStatus(c));
    out.push(await reply(c, 'SET', 'c', 'd'), await reply(c, 'GET', 'big'), await reply(c, 'PING'));
    await c.call('CONFIG', 'SET', 'appendfsync', 'always'); // flushes what everysec left unsynced
    const incr = readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
    return { replies: out, incr };
  } finally {
    c.disconnect();
  }
}

describe.skipIf(!canMount)('AOF write errors on a full filesystem, against redis-server', () => {
  it('appendfsync everysec: MISCONF until the write succeeds again, then the same AOF', async () => {
    const [rdir, tdir] = [tinyFs()!, tinyFs()!];
    const redis = await redisServer(rdir);
    const tm = await tiermem(tdir);
    try {
      const r = await everysecRun(redis, rdir);
      const t = await everysecRun(tm, tdir);
      expect(t.replies).toEqual(r.replies);
      expect(t.replies[1]).toBe('error: MISCONF Errors writing to the AOF file: No space left on device');
      expect(t.replies[7]).toBe('err');
      expect(t.replies[8]).toBe('ok');
      expect(t.incr).toBe(r.incr);
      expect(t.incr).toContain('$1\r\na\r\n');
      expect(tm.out()).toContain('Error writing to the AOF file: No space left on device');
      expect(tm.out()).toContain('AOF write error looks solved, Redis can write again.');
    } finally {
      tm.child.kill('SIGKILL');
      redis.child.kill('SIGKILL');
      await Promise.all([tm.exited, redis.exited]);
    }
  });

  it('appendfsync always: the server exits, as redis-server does', async () => {
    const [rdir, tdir] = [tinyFs()!, tinyFs()!];
    const redis = await redisServer(rdir, '--appendfsync', 'always');
    const tm = await tiermem(tdir, '--appendfsync', 'always');
    try {
      for (const [p, dir] of [
        [redis, rdir],
        [tm, tdir],
      ] as const) {
        const c = new Redis({ port: p.port, maxRetriesPerRequest: 0, retryStrategy: () => null });
        c.on('error', () => {});
        fill(dir);
        await reply(c, 'SET', 'a', 'b');
        expect(await p.exited).toBe(1);
        expect(p.out()).toContain(
          "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...",
        );
        c.disconnect();
      }
    } finally {
      for (const p of [tm, redis]) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });
});

// CONFIG SET dir with the AOF, differentially against redis-server 7.0.15: Redis chdir()s, so the
// incr file already open keeps taking the writes and every file opened later (the next rewrite's
// base, incr file and manifest) goes to <new dir>/appendonlydir; the old directory keeps its files.
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { contents, kill9, serve, start, tempDir, type Proc } from './aof-harness.js';

const redis = (dir: string, appendonly: 'yes' | 'no'): Promise<Proc> =>
  start('redis-server', (port) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    appendonly,
    '--appendfsync',
    'always',
    '--enable-protected-configs',
    'yes',
    '--dir',
    dir,
  ]);

const ours = (dir: string, appendonly: 'yes' | 'no'): Promise<Proc> =>
  serve(dir, appendonly, ['--appendfsync', 'always', '--enable-protected-configs', 'yes']);

const listing = (d: string): string[] =>
  existsSync(join(d, 'appendonlydir')) ? readdirSync(join(d, 'appendonlydir')).sort() : [];
const manifest = (d: string): string => readFileSync(join(d, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');

/** Until no rewrite runs or waits (INFO persistence). */
async function rewriteDone(c: Redis): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const p = await c.info('persistence');
    if (/aof_rewrite_in_progress:0/.test(p) && /aof_rewrite_scheduled:0/.test(p)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the rewrite did not end');
}

interface Layout {
  before: { a: string[]; b: string[] };
  after: { a: string[]; b: string[]; aManifest: string; bManifest: string };
  dir: unknown;
}

/** appendonly yes in a; CONFIG SET dir b between writes; BGREWRITEAOF; one more write. */
async function moveThenRewrite(launch: typeof redis, a: string, b: string): Promise<Layout> {
  const p = await launch(a, 'yes');
  const c = new Redis({ port: p.port });
  try {
    await c.set('k1', 'v1');
    expect(await c.config('SET', 'dir', b)).toBe('OK');
    await c.set('k2', 'v2', 'EX', 1000);
    const before = { a: listing(a), b: listing(b) };
    await c.bgrewriteaof();
    await rewriteDone(c);
    await c.set('k3', 'v3');
    const dir = await c.config('GET', 'dir');
    const after = { a: listing(a), b: listing(b), aManifest: manifest(a), bManifest: manifest(b) };
    return { before, after, dir };
  } finally {
    c.disconnect();
    await kill9(p);
  }
}

async function contentsOf(launch: typeof redis, dir: string): Promise<Record<string, unknown>> {
  const p = await launch(dir, 'yes');
  try {
    const all = await contents(p.port);
    // Absolute expiry differs between the two runs: keep only whether there is one.
    for (const v of Object.values(all) as { expireAt: unknown }[]) v.expireAt = Number(v.expireAt) > 0;
    return all;
  } finally {
    await kill9(p);
  }
}

describe('CONFIG SET dir with the append-only file', () => {
  it('appendonly yes: the open incr file keeps the writes until BGREWRITEAOF, whose base, incr file and manifest go to the new dir; the old dir keeps its files; each loads as redis-server', async () => {
    const [ra, rb, ta, tb] = [tempDir(), tempDir(), tempDir(), tempDir()];
    const theirs = await moveThenRewrite(redis, ra, rb);
    const mine = await moveThenRewrite(ours, ta, tb);
    expect(theirs.dir).toEqual(['dir', rb]);
    expect(mine.dir).toEqual(['dir', tb]);
    expect(theirs.before.b).toEqual([]);
    expect(theirs.after.b).toEqual([
      'appendonly.aof.2.base.rdb',
      'appendonly.aof.2.incr.aof',
      'appendonly.aof.manifest',
    ]);
    expect(mine.before).toEqual(theirs.before);
    expect(mine.after).toEqual(theirs.after);
    // The old dir replays to the dataset before the rewrite, the new one to all of it; redis-server
    // loads tiermem's directories to the same contents.
    const oldOnly = {
      '0:k1': { type: 'string', value: 'v1', expireAt: false },
      '0:k2': { type: 'string', value: 'v2', expireAt: true },
    };
    const all = { ...oldOnly, '0:k3': { type: 'string', value: 'v3', expireAt: false } };
    expect(await contentsOf(redis, ra)).toEqual(oldOnly);
    expect(await contentsOf(redis, rb)).toEqual(all);
    expect(await contentsOf(ours, ta)).toEqual(oldOnly);
    expect(await contentsOf(ours, tb)).toEqual(all);
    const copy = tempDir();
    cpSync(join(tb, 'appendonlydir'), join(copy, 'appendonlydir'), { recursive: true });
    expect(await contentsOf(redis, copy)).toEqual(all);
  }, 90_000);

  it('appendonly no, CONFIG SET dir, then CONFIG SET appendonly yes: the files are created in the new dir, as redis-server', async () => {
    const run = async (launch: typeof redis, a: string, b: string): Promise<[string[], string[], string]> => {
      const p = await launch(a, 'no');
      const c = new Redis({ port: p.port });
      try {
        await c.set('k1', 'v1');
        await c.config('SET', 'dir', b);
        await c.config('SET', 'appendonly', 'yes');
        await rewriteDone(c);
        await c.set('k2', 'v2');
        return [listing(a), listing(b), manifest(b)];
      } finally {
        c.disconnect();
        await kill9(p);
      }
    };
    const [ra, rb, ta, tb] = [tempDir(), tempDir(), tempDir(), tempDir()];
    const theirs = await run(redis, ra, rb);
    expect(theirs[0]).toEqual([]);
    expect(await run(ours, ta, tb)).toEqual(theirs);
    const both = {
      '0:k1': { type: 'string', value: 'v1', expireAt: false },
      '0:k2': { type: 'string', value: 'v2', expireAt: false },
    };
    expect(await contentsOf(ours, tb)).toEqual(both);
  }, 60_000);
});

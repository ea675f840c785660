// `databases N` from a config file or a flag, side by side with redis-server 7.0.15: the count
// the store opens with (the last line wins, a flag over the file), SELECT/MOVE/SWAPDB/COPY DB and
// INFO keyspace at the new bound, the start-up errors, and persistence (an RDB with a SELECTDB
// beyond the count refuses to load; an AOF keeps its keys in their databases across a restart).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import { formatReply } from './diff/format.js';
import { redisFromFile, runToExit, tiermemFromFile, type Proc } from './conf-servers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tiermem-dbs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tmArgs = (name: string): string[] => ['--no-metrics', '--socket', join(dir, `${name}.sock`)];

/** redis-server and tiermem serve from files with the same body, each with a data dir of its own. */
async function both(name: string, body: string, flags: string[] = []): Promise<[Proc, Proc]> {
  const rport = await freePort();
  const rdir = join(dir, `${name}-redis`);
  const tdir = join(dir, `${name}-tm`);
  mkdirSync(rdir, { recursive: true });
  mkdirSync(tdir, { recursive: true });
  const rfile = join(dir, `${name}-redis.conf`);
  const tfile = join(dir, `${name}-tm.conf`);
  writeFileSync(rfile, `${body}\nport ${rport}\nbind 127.0.0.1\ndir ${rdir}\n`);
  writeFileSync(tfile, `${body}\nport 0\ndir ${tdir}\n`);
  const redis = await redisFromFile(rfile, rport, flags);
  try {
    return [redis, await tiermemFromFile(tfile, [...flags, ...tmArgs(name)])];
  } catch (e) {
    await redis.close();
    throw e;
  }
}

async function run(port: number, cmds: string[][]): Promise<string[]> {
  const c = await RespClient.connect(port);
  const out: string[] = [];
  for (const cmd of cmds) out.push(`${cmd.join(' ')} -> ${formatReply(await c.call(...cmd))}`);
  c.close();
  return out;
}

/** INFO keyspace's lines; avg_ttl is a sampled estimate, left out. */
async function keyspace(port: number): Promise<string> {
  const c = await RespClient.connect(port);
  const r = await c.call('INFO', 'keyspace');
  c.close();
  const text = r.kind === 'bulk' && r.data ? r.data.toString() : formatReply(r);
  return text
    .trim()
    .replace(/avg_ttl=\d+/g, 'avg_ttl=N')
    .split('\r\n')
    .join(' ');
}

describe('databases N at start-up, as redis-server', () => {
  it('a file line and a flag set the count; commands and INFO keyspace honour it', async () => {
    const [redis, tm] = await both('four', 'databases 40\nsave ""\ndatabases 7', ['--databases', '5']);
    try {
      const cmds = [
        ['CONFIG', 'GET', 'databases'],
        ['CONFIG', 'SET', 'databases', '8'],
        ['SELECT', '4'],
        ['SELECT', '5'],
        ['SELECT', '-1'],
        ['SET', 'a', '1'],
        ['MOVE', 'a', '5'],
        ['MOVE', 'a', '4'],
        ['SELECT', '4'],
        ['SWAPDB', '4', '5'],
        ['SWAPDB', '0', '4'],
        ['COPY', 'a', 'b', 'DB', '5'],
        ['COPY', 'a', 'b', 'DB', '3'],
        ['SELECT', '0'],
        ['SET', 'c', '1', 'PX', '100000'],
        ['DBSIZE'],
        ['FLUSHDB'],
        ['SELECT', '3'],
        ['DBSIZE'],
      ];
      const want = await run(redis.port, cmds);
      expect(await run(tm.port, cmds)).toEqual(want);
      expect(want[0]).toContain('5');
      expect(await keyspace(tm.port)).toBe(await keyspace(redis.port));
    } finally {
      await Promise.all([tm.close(), redis.close()]);
    }
  });

  it('databases 1, and the start-up errors for 0, negative, too big and not a number', async () => {
    const [redis, tm] = await both('one', 'databases 1');
    try {
      const cmds = [
        ['SELECT', '1'],
        ['SWAPDB', '0', '0'],
        ['MOVE', 'x', '0'],
        ['CONFIG', 'GET', 'databases'],
      ];
      expect(await run(tm.port, cmds)).toEqual(await run(redis.port, cmds));
    } finally {
      await Promise.all([tm.close(), redis.close()]);
    }
    const fatal = (out: string): string =>
      out
        .slice(out.indexOf('*** FATAL'))
        .replace(/^Reading the configuration file \S+, at/m, 'Reading the configuration file, at')
        .trim();
    for (const v of ['0', '-1', '2147483648', 'abc', '010', '']) {
      const f = join(dir, `bad-${v}.conf`);
      writeFileSync(f, `port 0\ndatabases 4\ndatabases "${v}"\n`);
      const [r, t] = await Promise.all([
        runToExit('redis-server', [f]),
        runToExit('tiermem', [f, ...tmArgs(`bad${v}`)]),
      ]);
      expect(r.code, v).toBe(1);
      expect(t.code, v).toBe(2);
      expect(fatal(t.output), v).toBe(fatal(r.output));
    }
  }, 30_000);

  it('persistence: RDB and AOF keep each database; an RDB beyond the count refuses to load', async () => {
    const body = 'databases 6\nappendonly yes\nappendfsync always\nsave ""';
    const [redis, tm] = await both('persist', body);
    const fill = [
      ['SELECT', '5'],
      ['SET', 'k5', 'v'],
      ['RPUSH', 'l5', 'a', 'b'],
      ['SELECT', '2'],
      ['SET', 'k2', 'v', 'EX', '1000'],
      ['SAVE'],
      ['SELECT', '4'],
      ['SET', 'k4', 'after-save'],
    ];
    let rks: string;
    try {
      expect(await run(tm.port, fill)).toEqual(await run(redis.port, fill));
      rks = await keyspace(redis.port);
      expect(await keyspace(tm.port)).toBe(rks);
    } finally {
      await Promise.all([tm.close(), redis.close()]);
    }
    // Restarted from the same files: the AOF (incr file's SELECTs included) rebuilds every database.
    const [redis2, tm2] = await both('persist', body);
    try {
      expect(rks).toContain('db5:keys=2');
      expect(await keyspace(redis2.port)).toBe(rks);
      expect(await keyspace(tm2.port)).toBe(rks);
    } finally {
      await Promise.all([tm2.close(), redis2.close()]);
    }
    // dump.rdb (from SAVE) names db 5: a server with 5 databases refuses it, as Redis does.
    const rdbOnly = (side: 'redis' | 'tm'): string => {
      const f = join(dir, `rdb5-${side}.conf`);
      writeFileSync(f, `databases 5\nappendonly no\nport 0\ndir ${join(dir, `persist-${side}`)}\n`);
      return f;
    };
    const rport = await freePort();
    const [r, t] = await Promise.all([
      runToExit('redis-server', [rdbOnly('redis'), '--port', String(rport)]),
      runToExit('tiermem', [rdbOnly('tm'), ...tmArgs('rdb5')]),
    ]);
    expect(r.code).toBe(1);
    expect(r.output).toContain('Data file was created with a Redis server configured to handle more than 5 databases');
    expect(t.code).not.toBe(0);
    expect(t.output).toContain('Data file was created with a Redis server configured to handle more than 5 databases');
  }, 60_000);
});

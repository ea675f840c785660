// CONFIG against redis-server 7.0.15: the same parameter names and default values from CONFIG GET *
// (tiermem's own parameters besides), and, for every Redis parameter, the same replies to CONFIG
// SET with valid, out-of-range, wrong-type and malformed values (by alias too), to multi-parameter
// calls and to CONFIG GET after each. The differences allowed are test/diff/config.ts's
// CONFIG_EXCEPTIONS, each with its reason. Also: the defaults that drive encodings do drive them.
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_EXCEPTIONS, MULTI_CASES, REDIS_PARAMS, TIERMEM_PARAMS, configCases } from './diff/config.js';
import { formatReply } from './diff/format.js';
import type { RespValue } from './diff/resp.js';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import { startTestStore, type TestStore } from './store-harness.js';
import { CONFIG_PARAMS } from '../src/store/config-params.js';
import { redisFromFile, runToExit, tiermemFromFile } from './conf-servers.js';
import { freePort } from './diff/redis-server.js';

/** Debian's redis.conf (the redis-server package's), when this machine has it readable. */
const DEBIAN_CONF = '/etc/redis/redis.conf';
const debianConf = ((): boolean => {
  try {
    accessSync(DEBIAN_CONF, constants.R_OK);
    return true;
  } catch {
    return false;
  }
})();

function asMap(v: RespValue): Map<string, string> {
  const a = v.kind === 'array' ? (v.items ?? []) : [];
  const text = (x: RespValue | undefined): string => (x?.kind === 'bulk' ? (x.data?.toString('latin1') ?? '') : '');
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < a.length; i += 2) m.set(text(a[i]), text(a[i + 1]));
  return m;
}

describe('CONFIG: redis-server 7.0.15 differential', () => {
  let redis: RedisServer;
  let store: TestStore;
  let rc: RespClient;
  let sc: RespClient;
  let dir: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    // With persistence (in a directory of its own), so that its parameters can be set.
    dir = mkdtempSync(join(tmpdir(), 'tiermem-config-diff-'));
    store = await startTestStore({}, { persistence: { dir } });
    rc = await RespClient.connect(redis.port);
    sc = await RespClient.connect(store.port);
  });

  afterAll(async () => {
    rc?.close();
    sc?.close();
    await store?.close();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('CONFIG GET *: every Redis name, Redis’s default values; only tiermem’s own names besides', async () => {
    const want = asMap(await rc.call('CONFIG', 'GET', '*'));
    const got = asMap(await sc.call('CONFIG', 'GET', '*'));
    expect(want.size).toBe(192);
    expect([...got.keys()].filter((n) => !want.has(n)).sort()).toEqual([...TIERMEM_PARAMS].sort());
    expect([...want.keys()].filter((n) => !got.has(n))).toEqual([]);
    const differ = [...want].filter(([n, v]) => got.get(n) !== v).map(([n]) => n);
    expect(differ.filter((n) => CONFIG_EXCEPTIONS[n] === undefined)).toEqual([]);
  });

  it('every Redis parameter is implemented or marked accepted with no effect (with the reason)', () => {
    for (const r of REDIS_PARAMS) {
      const p = CONFIG_PARAMS.find((q) => q.name === r.name);
      expect(p, r.name).toBeDefined();
      expect(p!.alias).toBe(r.alias);
      if (p!.noEffect !== undefined) expect(p!.noEffect.length, r.name).toBeGreaterThan(5);
    }
  });

  it('docs/config.md lists every parameter accepted with no effect', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'config.md'), 'utf8');
    const missing = CONFIG_PARAMS.filter((p) => p.noEffect !== undefined && !doc.includes(`\`${p.name}\``));
    expect(missing.map((p) => p.name)).toEqual([]);
  });

  it('CONFIG SET and GET of every parameter: the same replies, but for the exceptions', async () => {
    // CONFIG GET's pairs come in each server's hash order: compared as sets of pairs.
    const show = (c: string[], v: RespValue): string => {
      if (c[1] !== 'GET' || v.kind !== 'array') return formatReply(v);
      return JSON.stringify([...asMap(v)].sort());
    };
    const diffs: string[] = [];
    let n = 0;
    for (const p of REDIS_PARAMS) {
      if (CONFIG_EXCEPTIONS[p.name] !== undefined) continue;
      for (const c of configCases(p)) {
        const want = show(c, await rc.call(...c));
        const got = show(c, await sc.call(...c));
        n++;
        if (want !== got) diffs.push(`${c.join(' ')}: redis ${want} store ${got}`);
      }
    }
    for (const c of MULTI_CASES) {
      const want = show(c, await rc.call(...c));
      const got = show(c, await sc.call(...c));
      n++;
      if (want !== got) diffs.push(`${c.join(' ')}: redis ${want} store ${got}`);
    }
    expect(diffs).toEqual([]);
    expect(n).toBeGreaterThan(2000);
  });

  it('the encoding defaults drive the encodings: OBJECT ENCODING as Redis’s at and past each threshold', async () => {
    const both = async (...c: string[]): Promise<[string, string]> => [
      formatReply(await rc.call(...c)),
      formatReply(await sc.call(...c)),
    ];
    const fill = async (type: string, key: string, n: number, long = false): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const m = long ? `m${i}`.padEnd(65, 'x') : `m${i}`;
        const c =
          type === 'hash'
            ? ['HSET', key, m, 'v']
            : type === 'zset'
              ? ['ZADD', key, String(i), m]
              : type === 'set'
                ? ['SADD', key, m]
                : ['RPUSH', key, m];
        await both(...c);
      }
    };
    await both('FLUSHALL');
    const cases: [string, string, number, boolean][] = [
      ['hash', 'h512', 512, false],
      ['hash', 'h513', 513, false],
      ['hash', 'hlong', 1, true],
      ['zset', 'z128', 128, false],
      ['zset', 'z129', 129, false],
      ['zset', 'zlong', 1, true],
      ['set', 's2', 2, false],
      ['list', 'l2', 2, false],
      ['list', 'l1000', 1000, false],
    ];
    for (const [type, key, n, long] of cases) await fill(type, key, n, long);
    for (let i = 0; i < 512; i++) await both('SADD', 'i512', String(i));
    for (let i = 0; i < 513; i++) await both('SADD', 'i513', String(i));
    for (const k of [...cases.map((c) => c[1]), 'i512', 'i513']) {
      const [want, got] = await both('OBJECT', 'ENCODING', k);
      expect(got, k).toBe(want);
    }
    // A changed threshold applies to the next write, as in Redis.
    await both('CONFIG', 'SET', 'hash-max-listpack-entries', '4');
    await fill('hash', 'h5', 5);
    const [want, got] = await both('OBJECT', 'ENCODING', 'h5');
    expect(got).toBe(want);
    expect(want).toBe('"hashtable"');
    await both('CONFIG', 'SET', 'hash-max-listpack-entries', '512');
    await both('FLUSHALL');
  });

  it.skipIf(!debianConf)('Debian’s redis.conf loads; both servers then show the same values', async () => {
    const d = mkdtempSync(join(tmpdir(), 'tiermem-debian-conf-'));
    // Run in the foreground, in a directory of the test's, with no log or pid file.
    const over = ['--daemonize', 'no', '--dir', d, '--logfile', '', '--pidfile', ''];
    const port = await freePort();
    const r = await redisFromFile(DEBIAN_CONF, port, ['--port', String(port), ...over]);
    const t = await tiermemFromFile(DEBIAN_CONF, [
      '--port',
      '0',
      ...over,
      '--no-metrics',
      '--socket',
      join(d, 'admin.sock'),
    ]);
    const a = await RespClient.connect(r.port);
    const b = await RespClient.connect(t.port);
    try {
      const want = asMap(await a.call('CONFIG', 'GET', '*'));
      const got = asMap(await b.call('CONFIG', 'GET', '*'));
      const differ = [...want].filter(([n, v]) => got.get(n) !== v && CONFIG_EXCEPTIONS[n] === undefined);
      expect(differ).toEqual([]);
    } finally {
      a.close();
      b.close();
      await t.close();
      await r.close();
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('a value that would turn on a missing feature stops start-up, with the reason', async () => {
    const own = ['--port', '0', '--no-metrics', '--socket', join(dir, 'refused.sock')];
    const e = await runToExit('tiermem', [...own, '--replicaof', '10.0.0.1 6379']);
    expect(e.output).toContain('tiermem has no replication: replicaof must be "no one"');
    expect(e.code).toBe(2);
    const f = await runToExit('tiermem', [...own, '--cluster-enabled', 'yes']);
    expect(f.output).toContain('tiermem has no cluster mode');
    expect(f.code).toBe(2);
  });
});

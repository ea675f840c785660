// Numeric CONFIG values beyond 2^53, against redis-server 7.0.15: maxmemory (unsigned, up to
// 2^64-1), proto-max-bulk-len and client-query-buffer-limit (to 2^63-1), the engine's integer
// limits, client-output-buffer-limit. Every CONFIG SET/GET reply and INFO's maxmemory line are
// compared at the boundaries (2^53-1, 2^53, 2^53+1, 2^63-1, 2^63, 2^64-1, 2^64, negative, units
// such as 8eb and 16eb); a config file with such values loads, CONFIG REWRITE writes the same
// lines as Redis (exact, and as Redis's long long: maxmemory 2^64-1 is written -1), and the
// engine enforces the exact value (a bulk of 2^53+1 bytes against proto-max-bulk-len 2^53 and
// 2^53+1: numbers would make both 2^53).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReply } from './diff/format.js';
import { freePort, startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import { redisFromFile, tiermemFromFile, type Proc } from './conf-servers.js';
import { raw, startTestStore, type TestStore } from './store-harness.js';

const P53 = 2n ** 53n;
const BOUNDARIES = [P53 - 1n, P53, P53 + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 64n + 1n].map(
  String,
);
const UNITS = ['-1', '-9007199254740993', '7eb', '8eb', '16eb', '8589934591gb', '8589934592gb', '17179869184gb'];

const PARAMS = [
  'maxmemory',
  'proto-max-bulk-len',
  'client-query-buffer-limit',
  'hash-max-listpack-entries',
  'zset-max-listpack-value',
  'slowlog-log-slower-than',
  'slowlog-max-len',
  'acllog-max-len',
  'latency-monitor-threshold',
];
const RESTORE: Record<string, string> = {
  maxmemory: '0',
  'proto-max-bulk-len': '512mb',
  'client-query-buffer-limit': '1gb',
  'hash-max-listpack-entries': '512',
  'zset-max-listpack-value': '64',
  'slowlog-log-slower-than': '10000',
  'slowlog-max-len': '128',
  'acllog-max-len': '128',
  'latency-monitor-threshold': '0',
};

/** INFO memory's maxmemory and maxmemory_human lines (the rest is each server's own). */
const maxmemoryLine = (v: string): string =>
  (v.match(/^maxmemory(_human)?:.*$/gm) ?? ['no maxmemory line']).map((l) => l.trimEnd()).join(' ');
/** maxmemory_human's unit steps (Redis's bytesToHuman: B, then K to P with two decimals, then B),
 * an exact tie for %.2f (1152 B: 1.125K prints 1.12K) and a value that rounds up (1023.999K). */
const HUMAN = [
  '1000',
  '1023',
  '1024',
  '1152',
  '1160',
  '99000',
  '1048575',
  '5000000',
  '8000000000',
  '1099511627776',
  '1152921504606846975',
  '1152921504606846976',
];

async function transcript(port: number): Promise<string[]> {
  const c = await RespClient.connect(port);
  const out: string[] = [];
  const call = async (...args: string[]): Promise<string> => formatReply(await c.call(...args));
  try {
    for (const name of PARAMS) {
      for (const v of [...BOUNDARIES, ...UNITS]) {
        out.push(`SET ${name} ${v} -> ${await call('CONFIG', 'SET', name, v)}`);
        out.push(`GET ${name} -> ${await call('CONFIG', 'GET', name)}`);
        if (name === 'maxmemory') {
          const info = await c.call('INFO', 'memory');
          out.push(maxmemoryLine(info.kind === 'bulk' ? (info.data?.toString() ?? '') : ''));
        }
      }
      await call('CONFIG', 'SET', name, RESTORE[name]!);
    }
    for (const v of [...BOUNDARIES, ...UNITS]) {
      const limit = `normal ${v} ${v} 0`;
      out.push(`SET obuf ${limit} -> ${await call('CONFIG', 'SET', 'client-output-buffer-limit', limit)}`);
      out.push(`GET obuf -> ${await call('CONFIG', 'GET', 'client-output-buffer-limit')}`);
    }
    await call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
    for (const v of HUMAN) {
      out.push(`SET maxmemory ${v} -> ${await call('CONFIG', 'SET', 'maxmemory', v)}`);
      const info = await c.call('INFO', 'memory');
      out.push(maxmemoryLine(info.kind === 'bulk' ? (info.data?.toString() ?? '') : ''));
    }
    await call('CONFIG', 'SET', 'maxmemory', '0');
    // The unsigned maxmemory at its top is "no limit" to the engine: writes still run.
    out.push(await call('CONFIG', 'SET', 'maxmemory', '18446744073709551615'));
    out.push(await call('SET', 'k', 'v'));
    out.push(await call('CONFIG', 'SET', 'maxmemory', '0'));
  } finally {
    c.close();
  }
  return out;
}

describe('CONFIG values beyond 2^53, as redis-server 7.0.15', () => {
  let redis: RedisServer;
  let store: TestStore;
  let dir: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    store = await startTestStore();
    dir = mkdtempSync(join(tmpdir(), 'tiermem-config-big-'));
  });
  afterAll(async () => {
    await store?.close();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('CONFIG SET/GET and INFO maxmemory at the boundaries, every reply', async () => {
    const want = await transcript(redis.port);
    expect(want.filter((l) => l.startsWith('SET') && l.endsWith('+OK')).length).toBeGreaterThan(30);
    expect(await transcript(store.port)).toEqual(want);
  });

  it('the engine enforces proto-max-bulk-len exactly beyond 2^53', async () => {
    const header = `*2\r\n$3\r\nGET\r\n$${P53 + 1n}\r\n`;
    const c = await RespClient.connect(store.port);
    try {
      // 2^53: a bulk of 2^53+1 bytes is refused as Redis refuses it (redis-server too).
      expect(formatReply(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', String(P53)))).toBe('+OK');
      const refused = await raw(store.port, header);
      const r = await RespClient.connect(redis.port);
      await r.call('CONFIG', 'SET', 'proto-max-bulk-len', String(P53));
      r.close();
      expect(refused.data).toBe((await raw(redis.port, header)).data);
      expect(refused.data).toBe('-ERR Protocol error: invalid bulk length\r\n');
      // 2^53+1: the bulk is within it; the query buffer limit (1gb) then drops the client, with no
      // reply (redis-server would try to allocate the bulk: not asked).
      expect(formatReply(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', String(P53 + 1n)))).toBe('+OK');
      const accepted = await raw(store.port, header);
      expect(accepted).toEqual({ data: '', closed: true });
    } finally {
      await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb');
      c.close();
    }
  });

  it('a config file with such values loads, and CONFIG REWRITE writes them as Redis does', async () => {
    const values = [
      'maxmemory 18446744073709551615',
      'proto-max-bulk-len 9223372036854775807',
      'client-query-buffer-limit 9007199254740993',
      'hash-max-listpack-entries 9007199254740993',
      'slowlog-log-slower-than 9223372036854775807',
      'client-output-buffer-limit normal 18446744073709551615 9007199254740993 0',
    ];
    const [rport, tport] = [await freePort(), await freePort()];
    const rfile = join(dir, 'redis.conf');
    const tfile = join(dir, 'tiermem.conf');
    writeFileSync(rfile, [`port ${rport}`, `dir ${dir}`, ...values, ''].join('\n'));
    writeFileSync(tfile, [`port ${tport}`, `dir ${dir}`, ...values, ''].join('\n'));
    const redisProc = await redisFromFile(rfile, rport);
    let tm: Proc | null = null;
    const gets = ['maxmemory', 'proto-max-bulk-len', 'client-query-buffer-limit', 'hash-max-listpack-entries'];
    const ask = async (port: number): Promise<string[]> => {
      const c = await RespClient.connect(port);
      const out: string[] = [];
      for (const n of [...gets, 'slowlog-log-slower-than', 'client-output-buffer-limit'])
        out.push(formatReply(await c.call('CONFIG', 'GET', n)));
      const info = await c.call('INFO', 'memory');
      out.push(maxmemoryLine(info.kind === 'bulk' ? (info.data?.toString() ?? '') : ''));
      out.push(formatReply(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '9007199254740993')));
      out.push(formatReply(await c.call('CONFIG', 'REWRITE')));
      c.close();
      return out;
    };
    const lines = (file: string): string[] =>
      readFileSync(file, 'latin1')
        .split('\n')
        .filter((l) => /^(maxmemory|proto-max-bulk-len|client-|hash-max|slowlog)/.test(l));
    try {
      tm = await tiermemFromFile(tfile, ['--no-metrics', '--socket', join(dir, 'tm.sock')]);
      const want = await ask(rport);
      expect(await ask(tm.port)).toEqual(want);
      const written = lines(rfile);
      expect(written).toContain('maxmemory -1');
      expect(written).toContain('proto-max-bulk-len 9007199254740993');
      expect(lines(tfile)).toEqual(written);
    } finally {
      await tm?.close();
      await redisProc.close();
    }
  });
});

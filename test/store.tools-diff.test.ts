// redis-cli's tools side by side: redis-server 7.0.15 and the store loaded with the same keys,
// each tool run the same way against both. --bigkeys' summary must be identical (SCAN order
// differs, so its lines compare as a set); --memkeys names the same biggest keys and counts
// the same keys per type (MEMORY USAGE's byte figures are each engine's own); --scan with and
// without --pattern (and -i) lists the same keys; --stat's header and key/blocked columns match; --latency
// prints the same min/max/avg/count shape.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from './store-harness.js';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';

const run = promisify(execFile);

let store: TestStore;
let redis: RedisServer;

/** The same dataset on both: every type, distinct sizes (no ties for "biggest"), 300 small keys
 *  so that SCAN takes many cursors, binary and long key names. */
function dataset(): string[][] {
  const cmds: string[][] = [];
  for (let i = 0; i < 300; i++) cmds.push(['SET', `user:${i}`, 'v'.repeat(i % 17)]);
  cmds.push(['SET', 'big:string', 'x'.repeat(5000)]);
  cmds.push(['SET', 'counter', '12345']);
  cmds.push(['RPUSH', 'big:list', ...Array.from({ length: 200 }, (_, i) => `e${i}`)]);
  cmds.push(['RPUSH', 'queue:1', 'a', 'b']);
  cmds.push(['SADD', 'big:set', ...Array.from({ length: 150 }, (_, i) => `m${i}`)]);
  cmds.push(['SADD', 'tags', '1', '2', '3']);
  cmds.push(['HSET', 'big:hash', ...Array.from({ length: 120 }, (_, i) => [`f${i}`, `v${i}`]).flat()]);
  cmds.push(['HSET', 'session:x', 'a', '1']);
  cmds.push(['ZADD', 'big:zset', ...Array.from({ length: 140 }, (_, i) => [String(i), `z${i}`]).flat()]);
  cmds.push(['ZADD', 'board', '1', 'p']);
  cmds.push(['SET', 'key with spaces and\xffbytes', 'q']);
  cmds.push(['SET', 'k'.repeat(300), 'long name']);
  cmds.push(['SET', 'user:ttl', 'v', 'EX', '1000']);
  return cmds;
}

beforeAll(async () => {
  [store, redis] = await Promise.all([startTestStore(), startRedisServer()]);
  for (const port of [redis.port, store.port]) {
    const c = await RespClient.connect(port);
    await c.send(dataset().map((a) => a.map((s) => Buffer.from(s, 'latin1'))));
    c.close();
  }
});
afterAll(async () => {
  await Promise.all([store?.close(), redis?.close()]);
});

const cli = async (port: number, ...args: string[]): Promise<string> =>
  (await run('redis-cli', ['-p', String(port), ...args], { encoding: 'latin1', timeout: 15_000 })).stdout;

/** Both outputs of one tool run, in parallel. */
const both = (...args: string[]): Promise<[string, string]> =>
  Promise.all([cli(redis.port, ...args), cli(store.port, ...args)]);

/** --bigkeys / --memkeys: the summary's lines (after the progress lines), as a sorted list. */
function summary(out: string): string[] {
  const at = out.indexOf('-------- summary -------');
  expect(at, out).toBeGreaterThan(0);
  return out
    .slice(at)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .sort();
}

describe('redis-cli tools: redis-server and the store with the same keys', () => {
  it('--bigkeys: the same summary', async () => {
    const [r, s] = await both('--bigkeys');
    const want = summary(r);
    expect(want).toContain('Sampled 313 keys in the keyspace!');
    expect(want).toContain(`Biggest   list found '"big:list"' has 200 items`);
    expect(summary(s)).toEqual(want);
    // The progress lines name the same "biggest so far" candidates' final winners.
    expect(s).toContain(`Biggest string found so far '"big:string"' with 5000 bytes`);
  });

  it('--memkeys: the same biggest keys and per-type key counts', async () => {
    const [r, s] = await both('--memkeys');
    // Byte figures are each engine's MEMORY USAGE: keep the names and the key counts.
    const shape = (out: string): string[] =>
      summary(out)
        .filter((l) => /^(Sampled|Biggest|\d+ \w+ with)/.test(l.trim()))
        .map((l) =>
          l
            .replace(/has \d+ bytes/, 'has N bytes')
            .replace(/with \d+ bytes \([\d.]+% of keys, avg size [\d.]+\)/, 'with N bytes')
            .trim(),
        );
    const want = shape(r);
    expect(want).toContain(`Biggest string found '"big:string"' has N bytes`);
    expect(want).toContain('305 strings with N bytes');
    expect(shape(s)).toEqual(want);
    const pct = (out: string): string[] => summary(out).flatMap((l) => /\(([\d.]+)% of keys/.exec(l)?.[1] ?? []);
    expect(pct(s)).toEqual(pct(r));
  });

  it('--scan, with and without --pattern: the same keys', async () => {
    const keys = (out: string): string[] =>
      out
        .split('\n')
        .filter((l) => l !== '')
        .sort();
    for (const args of [
      ['--scan'],
      ['--scan', '--pattern', 'user:*'],
      ['--scan', '--pattern', 'big:*', '-i', '0.01'],
      ['--scan', '--pattern', '*[0-9]?'],
      ['--scan', '--pattern', 'nothing*'],
    ]) {
      const [r, s] = await both(...args);
      expect(keys(s), args.join(' ')).toEqual(keys(r));
    }
    const [all] = await both('--scan');
    expect(keys(all)).toHaveLength(313);
  });

  /** The first `lines` lines of a redis-cli that runs until killed (stdout line-buffered). */
  function firstLines(port: number, args: string[], lines: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const child = spawn('stdbuf', ['-oL', 'redis-cli', '-p', String(port), ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`redis-cli ${args.join(' ')}: ${lines} lines not seen: ${out}`));
      }, 10_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('latin1');
        const got = out.split('\n').filter((l) => l.length > 0);
        if (got.length >= lines) {
          clearTimeout(timer);
          child.kill('SIGTERM');
          resolve(got.slice(0, lines));
        }
      });
      child.on('error', reject);
    });
  }

  it('--stat: the same header; the keys and blocked columns agree', async () => {
    const [r, s] = await Promise.all([
      firstLines(redis.port, ['--stat', '-i', '0.1'], 4),
      firstLines(store.port, ['--stat', '-i', '0.1'], 4),
    ]);
    expect(s.slice(0, 2)).toEqual(r.slice(0, 2));
    const cols = (row: string): string[] => {
      const m = /^(\d+)\s+([\d.]+[KMGB]?)\s+(\d+)\s+(\d+)\s+(\d+) \(\+(\d+)\)\s+(\d+)/.exec(row);
      expect(m, row).not.toBeNull();
      return [m![1]!, m![4]!];
    };
    for (let i = 2; i < 4; i++) expect(cols(s[i]!)).toEqual(cols(r[i]!));
    expect(cols(r[2]!)[0]).toBe('313');
  });

  it('--latency: one min max avg count line from each', async () => {
    const [r, s] = await both('--latency', '-i', '0.5');
    for (const out of [r, s]) {
      const m = /^(\d+) (\d+) ([\d.]+) (\d+)$/.exec(out.trim());
      expect(m, out).not.toBeNull();
      expect(Number(m![4])).toBeGreaterThan(5);
      expect(Number(m![1])).toBeLessThanOrEqual(Number(m![2]));
    }
  });
});

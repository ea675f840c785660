// redis-benchmark's default suite (no -t) runs to the end against the store: every test line of
// redis-server 7.0.15's benchmark is printed with a positive rate.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from './store-harness.js';

const run = promisify(execFile);

const DEFAULT_SUITE = [
  'PING_INLINE',
  'PING_MBULK',
  'SET',
  'GET',
  'INCR',
  'LPUSH',
  'RPUSH',
  'LPOP',
  'RPOP',
  'SADD',
  'HSET',
  'SPOP',
  'ZADD',
  'ZPOPMIN',
  'LPUSH (needed to benchmark LRANGE)',
  'LRANGE_100 (first 100 elements)',
  'LRANGE_300 (first 300 elements)',
  'LRANGE_500 (first 500 elements)',
  'LRANGE_600 (first 600 elements)',
  'MSET (10 keys)',
];

describe('redis-benchmark default suite', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await startTestStore();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs every test to the end', async () => {
    const { stdout } = await run('redis-benchmark', ['-p', String(t.port), '-n', '300', '-q'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const lines = stdout
      .split(/[\r\n]+/)
      .filter((l) => /requests per second/.test(l))
      .map((l) => l.trim());
    expect(lines.map((l) => l.replace(/: [\d.]+ requests per second.*$/, ''))).toEqual(DEFAULT_SUITE);
    for (const l of lines) expect(Number(/: ([\d.]+) requests per second/.exec(l)![1]), l).toBeGreaterThan(0);
  }, 150_000);
});

// redis-cli's own tools against the store: --bigkeys and --memkeys (SCAN, TYPE, the per-type
// size commands, MEMORY USAGE), --stat (INFO's fields, a few lines) and --latency (PING timing,
// with -i and a bound). Each is run as an operator would, and its report is checked against
// what was stored.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from './store-harness.js';

const run = promisify(execFile);

/** The first `lines` lines of a redis-cli that runs until killed (stdout line-buffered). */
function firstLines(args: string[], lines: number, timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('stdbuf', ['-oL', 'redis-cli', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-cli ${args.join(' ')}: ${lines} lines not seen in ${timeoutMs} ms: ${out}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const got = out.split('\n').filter((l) => l.length > 0);
      if (got.length >= lines) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        resolve(got.slice(0, lines));
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe('redis-cli tools against the store', () => {
  let t: TestStore;

  beforeAll(async () => {
    t = await startTestStore();
    await t.cli('RPUSH', 'biglist', ...Array.from({ length: 50 }, (_, i) => `e${i}`));
    await t.cli('RPUSH', 'smalllist', 'a');
    await t.cli('SADD', 'bigset', ...Array.from({ length: 20 }, (_, i) => `m${i}`));
    await t.cli('HSET', 'bighash', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3');
    await t.cli('SET', 'bigstring', 'x'.repeat(1000));
    await t.cli('SET', 'small', 'y');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('--bigkeys finds the biggest key of each type and counts them all', async () => {
    const { stdout } = await run('redis-cli', ['-p', String(t.port), '--bigkeys'], { encoding: 'utf8' });
    expect(stdout).toContain('Sampled 6 keys in the keyspace!');
    expect(stdout).toContain(`Biggest   list found '"biglist"' has 50 items`);
    expect(stdout).toContain(`Biggest    set found '"bigset"' has 20 members`);
    expect(stdout).toContain(`Biggest   hash found '"bighash"' has 3 fields`);
    expect(stdout).toContain(`Biggest string found '"bigstring"' has 1000 bytes`);
    expect(stdout).toContain('2 lists with 51 items');
    expect(stdout).toContain('2 strings with 1001 bytes');
  });

  it('--memkeys reports MEMORY USAGE per key, the big string biggest of the strings', async () => {
    const { stdout } = await run('redis-cli', ['-p', String(t.port), '--memkeys'], { encoding: 'utf8' });
    expect(stdout).toContain('Sampled 6 keys in the keyspace!');
    const m = /Biggest string found '"bigstring"' has (\d+) bytes/.exec(stdout);
    expect(m, stdout).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(1000);
    const usage = Number((await t.cli('MEMORY', 'USAGE', 'bigstring')).replace('(integer) ', ''));
    expect(Number(m![1])).toBe(usage);
  });

  it('--stat prints keys, memory, clients and the request counter from INFO', async () => {
    const lines = await firstLines(['-p', String(t.port), '--stat', '-i', '0.2'], 4, 15_000);
    expect(lines[0]).toMatch(/^------- data ------ -+ load -+ - child -$/);
    expect(lines[1]).toMatch(/^keys\s+mem\s+clients\s+blocked\s+requests\s+connections/);
    for (const row of lines.slice(2)) {
      // keys mem clients blocked requests (+delta) connections
      const m = /^(\d+)\s+([\d.]+[KMGB]?)\s+(\d+)\s+(\d+)\s+(\d+) \(\+(\d+)\)\s+(\d+)/.exec(row);
      expect(m, row).not.toBeNull();
      expect(Number(m![1])).toBe(6);
      expect(Number(m![3])).toBeGreaterThanOrEqual(1);
      expect(Number(m![4])).toBe(0);
    }
    // Each sample is one INFO call: the counter moves by one per line.
    const total = (row: string): number => Number(/(\d+) \(\+/.exec(row)![1]);
    expect(total(lines[3]!) - total(lines[2]!)).toBe(1);
  });

  it('--latency with -i samples PINGs for the interval and reports min max avg count', async () => {
    const { stdout } = await run('redis-cli', ['-p', String(t.port), '--latency', '-i', '1'], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    const m = /^(\d+) (\d+) ([\d.]+) (\d+)$/.exec(stdout.trim());
    expect(m, stdout).not.toBeNull();
    const [min, max, avg, count] = [Number(m![1]), Number(m![2]), Number(m![3]), Number(m![4])];
    expect(count).toBeGreaterThan(10);
    expect(min).toBeLessThanOrEqual(avg);
    expect(avg).toBeLessThanOrEqual(max);
  });

  it('--latency-history prints one summary line per interval', async () => {
    const lines = await firstLines(['-p', String(t.port), '--latency-history', '-i', '1'], 2, 20_000);
    for (const l of lines) expect(l).toMatch(/^\d+ \d+ [\d.]+ \d+$/);
  });
});

// Differential test: the same seeded command sequences against redis-server 7.0.15 (the
// specification) and the tiermem store; every reply must match (docs/differential.md).
// CI mode: 3 seeds x 1500 commands. Long mode: TIERMEM_DIFF_COMMANDS=200000 [TIERMEM_DIFF_SEED=7].
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repliesMatch } from './diff/compare.js';
import { formatReply } from './diff/format.js';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { formatReport } from './diff/report.js';
import { RespClient } from './diff/resp-client.js';
import { runSequence, type RunResult } from './diff/runner.js';
import { startTestStore, type TestStore } from './store-harness.js';

const COMMANDS = Number(process.env.TIERMEM_DIFF_COMMANDS ?? 1500);
const SEEDS = (process.env.TIERMEM_DIFF_SEED ?? '1,2,3').split(',').map(Number);
// To locate the first divergent command of a failing seed: TIERMEM_DIFF_CHECK_EVERY=1.
const CHECK_EVERY = Number(process.env.TIERMEM_DIFF_CHECK_EVERY ?? 500);
const SHOW = Number(process.env.TIERMEM_DIFF_SHOW ?? 20);
// Generous per-command budget for long runs on a loaded 2-core machine.
const TIMEOUT_MS = Math.max(60_000, COMMANDS * SEEDS.length * 2);

describe('differential: tiermem store vs redis-server 7.0.15', () => {
  let redis: RedisServer;
  let store: TestStore;
  let servers: { redis: RespClient; store: RespClient };

  beforeAll(async () => {
    redis = await startRedisServer();
    store = await startTestStore();
    servers = { redis: await RespClient.connect(redis.port), store: await RespClient.connect(store.port) };
    const info = await servers.redis.call('INFO', 'server');
    const text = info.kind === 'bulk' && info.data ? info.data.toString() : '';
    if (!/redis_version:7\.0\./.test(text)) throw new Error('the reference must be redis-server 7.0.x');
  });

  afterAll(async () => {
    servers?.redis.close();
    servers?.store.close();
    await store?.close();
    await redis?.close();
  });

  it(
    `seeds ${SEEDS.join(',')} x ${COMMANDS} commands: identical replies`,
    async () => {
      expect(Number.isInteger(COMMANDS) && COMMANDS > 0, 'TIERMEM_DIFF_COMMANDS: a positive integer').toBe(true);
      for (const seed of SEEDS) expect(Number.isInteger(seed), `TIERMEM_DIFF_SEED: bad seed ${seed}`).toBe(true);
      const results: RunResult[] = [];
      for (const seed of SEEDS)
        results.push(await runSequence(servers, { seed, commands: COMMANDS, checkEvery: CHECK_EVERY, keep: SHOW }));
      const report = formatReport(results, SHOW);
      console.log(report);
      expect(
        results.reduce((n, r) => n + r.total, 0),
        report,
      ).toBe(0);
    },
    TIMEOUT_MS,
  );

  // Timed expiry, kept out of the random sequences (there it would depend on scheduling).
  it('short PX / PEXPIRE expire on both servers', async () => {
    const script: string[][] = [
      ['FLUSHALL'],
      ['SET', 'e1', 'v', 'PX', '100'],
      ['RPUSH', 'e2', 'a'],
      ['PEXPIRE', 'e2', '100'],
      ['SET', 'e3', 'v', 'EX', '1000'],
      ['SET', 'e3', 'w', 'KEEPTTL'],
    ];
    const after: string[][] = [
      ['GET', 'e1'],
      ['EXISTS', 'e1', 'e2'],
      ['TYPE', 'e2'],
      ['PTTL', 'e1'],
      ['TTL', 'e3'],
      ['KEYS', '*'],
    ];
    const send = async (cmds: string[][]): Promise<string[]> => {
      const args = cmds.map((c) => c.map((a) => Buffer.from(a)));
      const [r, s] = await Promise.all([servers.redis.send(args), servers.store.send(args)]);
      return cmds.map((c, i) => {
        const kind = c[0] === 'TTL' ? 'ttl' : 'exact';
        const [x, y] = [r[i], s[i]];
        if (!x || !y) return `${c.join(' ')}: missing reply`;
        return repliesMatch(kind, x, y) ? '' : `${c.join(' ')}: redis ${formatReply(x)}, store ${formatReply(y)}`;
      });
    };
    const before = await send(script);
    await new Promise((r) => setTimeout(r, 300));
    const later = await send(after);
    expect([...before, ...later].filter((m) => m !== '')).toEqual([]);
    await send([['FLUSHALL']]);
  });
});

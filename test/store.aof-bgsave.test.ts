// SAVE / BGSAVE [SCHEDULE] while BGREWRITEAOF runs, and BGREWRITEAOF / SAVE while BGSAVE runs: the
// same pipelines sent to redis-server 7.0.15 (its children slowed by rdb-key-save-delay so they are
// still running) and to tiermem, replies and INFO persistence compared side by side, then what
// each server does once the running work ends (the scheduled one runs, counters).
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { field, kill9, populate, redisServer, snapshotOf, tempDir, tiermem, type Proc } from './aof-harness.js';

const WATCHED = ['aof_rewrite_in_progress', 'aof_rewrite_scheduled', 'rdb_bgsave_in_progress'] as const;
const COUNTERS = ['aof_rewrites', 'rdb_saves', 'aof_last_bgrewrite_status', 'rdb_last_bgsave_status'] as const;

type Reply = string | { error: string };

async function run(port: number, cmds: string[][]): Promise<{ replies: Reply[]; info: Record<string, string> }> {
  const c = new Redis({ port });
  try {
    const got = (await c.pipeline([...cmds.map((x) => [...x]), ['info', 'persistence']]).exec())!;
    const replies = got.slice(0, -1).map(([e, v]): Reply => (e ? { error: e.message } : String(v)));
    const text = got[got.length - 1]![1] as string;
    return { replies, info: Object.fromEntries(WATCHED.map((f) => [f, field(text, f)])) };
  } finally {
    c.disconnect();
  }
}

/** Wait until nothing runs or is scheduled (seen idle several cron periods in a row); the counters. */
async function settled(port: number): Promise<Record<string, string>> {
  const c = new Redis({ port });
  try {
    let idle = 0;
    for (;;) {
      const info = await c.info('persistence');
      idle = WATCHED.every((f) => field(info, f) === '0') ? idle + 1 : 0;
      if (idle >= 6) return Object.fromEntries(COUNTERS.map((f) => [f, field(info, f)]));
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    c.disconnect();
  }
}

const SEQUENCES: { name: string; cmds: string[][] }[] = [
  {
    name: 'rewrite first: BGSAVE refused, BGSAVE SCHEDULE scheduled, SAVE saves beside it, BGREWRITEAOF already in progress',
    cmds: [['bgrewriteaof'], ['bgsave'], ['bgsave', 'schedule'], ['save'], ['bgrewriteaof'], ['bgsave']],
  },
  {
    name: 'BGSAVE first: BGREWRITEAOF scheduled, SAVE and BGSAVE [SCHEDULE] refused',
    cmds: [['bgsave'], ['bgrewriteaof'], ['save'], ['bgsave'], ['bgsave', 'schedule'], ['bgrewriteaof']],
  },
  {
    name: 'rewrite, SAVE, then a BGSAVE SCHEDULE and a second SAVE while it is still in progress',
    cmds: [['bgrewriteaof'], ['save'], ['bgsave', 'schedule'], ['save'], ['bgrewriteaof']],
  },
];

describe('BGSAVE, SAVE and BGREWRITEAOF together, as redis-server 7.0.15', () => {
  it('the same pipelines on both servers: the same replies, INFO while running, and the same work done after', async () => {
    const r = await redisServer(tempDir(), '--rdb-key-save-delay', '200');
    const dir = tempDir();
    let t: Proc | null = await tiermem(dir);
    try {
      for (const p of [r.port, t.port]) await populate(p, 2000);
      for (const seq of SEQUENCES) {
        const before = { redis: await settled(r.port), tiermem: await settled(t.port) };
        const theirs = await run(r.port, seq.cmds);
        const ours = await run(t.port, seq.cmds);
        expect({ seq: seq.name, ...ours }).toEqual({ seq: seq.name, ...theirs });
        const after = { redis: await settled(r.port), tiermem: await settled(t.port) };
        // What ran in the end: counters moved by the same amounts, statuses the same.
        const delta = (a: Record<string, string>, b: Record<string, string>): Record<string, string | number> =>
          Object.fromEntries(COUNTERS.map((f) => [f, /^\d+$/.test(b[f]!) ? Number(b[f]) - Number(a[f]) : b[f]!]));
        expect({ seq: seq.name, ...delta(before.tiermem, after.tiermem) }).toEqual({
          seq: seq.name,
          ...delta(before.redis, after.redis),
        });
      }
      // The directory the rewrites left reloads to the dataset.
      const expected = await snapshotOf(t.port);
      await kill9(t);
      t = null;
      const again = await tiermem(dir);
      try {
        expect(await snapshotOf(again.port)).toEqual(expected);
      } finally {
        await kill9(again);
      }
    } finally {
      await kill9(r);
      if (t) await kill9(t);
    }
  }, 90_000);
});

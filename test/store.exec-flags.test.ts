// EXEC refused by the checks before it runs, against redis-server 7.0.15: its queued commands'
// flags count as EXEC's (Redis's mstate.cmd_flags), so EXEC over maxmemory with a deny-oom
// command queued gets OOM, and after a failed BGSAVE (stop-writes-on-bgsave-error, save points
// set) with a write queued gets MISCONF; a wrong arity or a NOPERM on EXEC itself likewise. Each
// discards the transaction and its WATCHes and answers "EXECABORT Transaction discarded because
// of: <reason>". Both servers' BGSAVE is made to fail once (their directory removed); the scripts
// then switch MISCONF on and off with CONFIG SET save, and OOM with CONFIG SET maxmemory.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import { startTestStore, type TestStore } from './store-harness.js';
import { admin, runScript, sleep, user, type Step } from './two-clients.js';

const misconfOn = admin('CONFIG', 'SET', 'save', '3600 1');
const misconfOff = admin('CONFIG', 'SET', 'save', '');
const oomOn = admin('CONFIG', 'SET', 'maxmemory', '1');
const oomOff = admin('CONFIG', 'SET', 'maxmemory', '0');
const stats = [admin('INFO', 'commandstats'), admin('INFO', 'errorstats')];

const SCRIPTS: Record<string, Step[]> = {
  'OOM: a deny-oom command queued aborts EXEC and drops its WATCH; reads only run': [
    admin('CONFIG', 'SET', 'maxmemory-policy', 'noeviction'),
    user('WATCH', 'w'),
    user('MULTI'),
    user('SET', 'k', 'v'),
    user('GET', 'k'),
    oomOn,
    user('EXEC'),
    user('EXEC'), // out of MULTI
    user('GET', 'k'), // nothing ran
    admin('SET', 'w', '1'), // refused: OOM
    oomOff,
    admin('SET', 'w', '1'), // not watched any more
    user('MULTI'),
    user('SET', 'k', 'v2'),
    user('EXEC'),
    user('MULTI'),
    user('GET', 'k'),
    user('PING'),
    oomOn,
    user('EXEC'), // reads run over maxmemory
    oomOff,
    user('WATCH', 'w'),
    user('MULTI'),
    user('INCR', 'n'),
    admin('SET', 'w', '2'),
    oomOn,
    user('EXEC'), // aborted for OOM, not a null array for the WATCH
    oomOff,
    user('GET', 'n'),
    ...stats,
  ],
  'MISCONF: a write queued aborts EXEC; reads and PING run; the check wins over WATCH': [
    user('WATCH', 'w'),
    user('MULTI'),
    user('SET', 'k', 'v'),
    user('GET', 'k'),
    misconfOn,
    user('EXEC'),
    user('EXEC'),
    misconfOff,
    user('MULTI'),
    user('GET', 'k'),
    misconfOn,
    user('PING'), // refused while queueing: the transaction is doomed
    user('EXEC'),
    misconfOff,
    user('MULTI'),
    user('GET', 'k'),
    user('PING'),
    misconfOn,
    user('EXEC'), // no write queued: runs
    misconfOff,
    user('WATCH', 'w'),
    user('MULTI'),
    user('SET', 'k', 'v'),
    admin('SET', 'w', '1'),
    misconfOn,
    user('EXEC'),
    misconfOff,
    user('WATCH', 'w'),
    user('MULTI'),
    user('SET', 'k', 'v'),
    misconfOn,
    admin('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no'),
    user('EXEC'), // not refused any more
    admin('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes'),
    misconfOff,
    admin('GET', 'k'),
    ...stats,
  ],
  'EXEC refused for its own arity or permissions aborts the transaction too': [
    user('WATCH', 'w'),
    user('EXEC', 'foo'), // outside MULTI: EXECABORT, and the WATCH is gone
    admin('SET', 'w', '1'),
    user('MULTI'),
    user('SET', 'k', 'v'),
    user('EXEC', 'foo'),
    user('EXEC'),
    admin('ACL', 'SETUSER', 'u', 'reset', 'on', 'nopass', '+@all', '~*'),
    user('AUTH', 'u', 'x'),
    user('MULTI'),
    user('SET', 'k', 'v'),
    admin('ACL', 'SETUSER', 'u', '-exec'),
    user('EXEC'),
    user('EXEC'),
    user('CLIENT', 'INFO'),
    admin('ACL', 'LOG'),
    admin('GET', 'k'),
    ...stats,
  ],
};

/** Run BGSAVE into a removed directory and wait until it has failed. */
async function failBgsave(port: number, dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const c = await RespClient.connect(port);
  try {
    await c.call('BGSAVE');
    for (let i = 0; i < 100; i++) {
      const info = await c.call('INFO', 'persistence');
      const text = info.kind === 'bulk' ? (info.data?.toString() ?? '') : '';
      if (text.includes('rdb_last_bgsave_status:err') && text.includes('rdb_bgsave_in_progress:0')) return;
      await sleep(50);
    }
    throw new Error(`BGSAVE did not fail on port ${port}`);
  } finally {
    c.close();
  }
}

describe("EXEC refused by its queued commands' flags, as redis-server 7.0.15", () => {
  let redis: RedisServer | undefined;
  let store: TestStore | undefined;
  const root = mkdtempSync(path.join(os.tmpdir(), 'tiermem-exec-flags-'));
  const redisDir = path.join(root, 'redis');
  const storeDir = path.join(root, 'store');

  beforeAll(async () => {
    for (const d of [redisDir, storeDir]) mkdirSync(d);
    redis = await startRedisServer(['--dir', redisDir]);
    store = await startTestStore({}, { persistence: { dir: storeDir, save: '' } });
    await failBgsave(redis.port, redisDir);
    await failBgsave(store.port, storeDir);
  });
  afterAll(async () => {
    await store?.close();
    await redis?.close();
    rmSync(root, { recursive: true, force: true });
  });

  for (const [name, steps] of Object.entries(SCRIPTS)) {
    it(name, async () => {
      const expected = await runScript(redis!.port, steps);
      expect(await runScript(store!.port, steps)).toEqual(expected);
      // The script really reached the refusals it is about.
      expect(expected.some((l) => l.includes('EXECABORT Transaction discarded because of: '))).toBe(true);
    });
  }
});

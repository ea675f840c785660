// ACL CAT <category> and ACL DRYRUN over all of Redis 7.0.15's commands, the store's or not,
// differentially against redis-server: every category's command list (as a set: Redis lists them
// in its dict's random order), and DRYRUN of commands the store lacks (streams, geo, HyperLogLog,
// scripting, cluster), of unknown subcommands and of wrong arities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACL_CATEGORIES } from './diff/acl-rules.js';
import { formatReply } from './diff/format.js';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import type { RespValue } from './diff/resp.js';
import { startTestStore, type TestStore } from './store-harness.js';

/** A reply as text, an array's items sorted (for lists in no defined order). */
function asSet(v: RespValue): string {
  if (v.kind !== 'array' || v.items === null) return formatReply(v);
  return JSON.stringify(v.items.map((i) => formatReply(i)).sort());
}

describe('ACL CAT and ACL DRYRUN over Redis 7.0.15 commands, differential', () => {
  let redis: RedisServer;
  let store: TestStore;
  const clients: RespClient[] = [];
  const both = async (...args: string[]): Promise<[RespValue, RespValue]> => {
    const [r, t] = await Promise.all(clients.map((c) => c.call(...args)));
    return [r!, t!];
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    store = await startTestStore();
    for (const port of [redis.port, store.port]) clients.push(await RespClient.connect(port));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await store?.close();
    await redis?.close();
  });

  it('lists every Redis command and subcommand of each category', async () => {
    for (const cat of [...ACL_CATEGORIES, 'STREAM', 'Geo']) {
      const [r, t] = await both('ACL', 'CAT', cat);
      expect(asSet(t), cat).toBe(asSet(r));
      expect(r.kind === 'array' && (r.items?.length ?? 0) > 0, cat).toBe(true);
    }
    for (const args of [
      ['ACL', 'CAT'],
      ['ACL', 'CAT', 'nosuch'],
      ['ACL', 'CAT', 'read', 'x'],
    ]) {
      const [r, t] = await both(...args);
      expect(formatReply(t), args.join(' ')).toBe(formatReply(r));
    }
  });

  it('DRYRUN answers for commands the store lacks as Redis does', async () => {
    const rules = [
      ['dr', 'on', 'nopass', '~a*', '%R~r*', '+@read', '+xadd', '+eval', '-geosearch', '+config|get', '&ch*'],
      ['all', 'on', 'nopass', '~*', '&*', '+@all'],
      ['none', 'on', 'nopass', 'resetkeys', '-@all', '+pfadd', '(+xadd ~x*)', '(+@stream ~s*)'],
    ];
    for (const r of rules) {
      const [a, b] = await both('ACL', 'SETUSER', ...r);
      expect(formatReply(b)).toBe(formatReply(a));
    }
    const probes: string[][] = [
      ['xadd', 'a', '*', 'f', 'v'],
      ['xadd', 'b', '*', 'f', 'v'],
      ['xadd', 'a'],
      ['XADD', 'x1', 'MAXLEN', '10', '*', 'f', 'v'],
      ['xadd', 's1', '*', 'f', 'v'],
      ['xrange', 'a', '-', '+'],
      ['xrange', 'r1', '-', '+'],
      ['xread', 'streams', 'a', 'b', '0', '0'],
      ['xread', 'count', '1', 'streams', 'a', 'r', '0', '0'],
      ['xreadgroup', 'group', 'g', 'c', 'streams', 'a', '>'],
      ['xinfo', 'stream', 'a'],
      ['xinfo', 'stream', 's1'],
      ['xinfo'],
      ['xinfo', 'nosuch', 'a'],
      ['xgroup', 'create', 'a', 'g', '$'],
      ['pfadd', 'a', 'x'],
      ['pfadd', 'b', 'x'],
      ['pfcount', 'a', 'b'],
      ['pfmerge', 'a', 'r1'],
      ['geoadd', 'a', '1', '2', 'm'],
      ['geosearch', 'a', 'frommember', 'm', 'byradius', '1', 'km'],
      ['geodist', 'a', 'm', 'n'],
      ['eval', 'return 1', '1', 'a'],
      ['eval', 'return 1', '1', 'b'],
      ['eval', 'return 1', '0'],
      ['evalsha', 'abc', '1', 'a'],
      ['fcall', 'f', '1', 'a'],
      ['function', 'list'],
      ['function', 'nosuch'],
      ['script', 'flush'],
      ['cluster', 'info'],
      ['readonly'],
      ['config', 'get', 'maxmemory'],
      ['config', 'nosuch'],
      ['config'],
      ['config|get', 'maxmemory'],
      ['client', 'no-such'],
      ['command', 'nosuch'],
      ['get', 'a'],
      ['get', 'b'],
      ['set', 'a', '1'],
      ['nosuchcommand', 'a'],
      ['spublish', 'ch1', 'x'],
      ['ssubscribe', 'zz'],
    ];
    for (const user of ['dr', 'all', 'none']) {
      for (const p of probes) {
        const [r, t] = await both('ACL', 'DRYRUN', user, ...p);
        expect(formatReply(t), `${user}: ${p.join(' ')}`).toBe(formatReply(r));
      }
    }
  });
});

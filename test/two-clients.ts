// Two-connection scripts (an admin and a user) run against redis-server 7.0.15 and the store,
// each reply rendered without what depends on the connection or on timing (ids, addresses,
// ages, buffer sizes, usec, histogram buckets, slow log ids, times and durations), so that the
// two servers' transcripts compare with toEqual (compareScripts). Used by store.exec-acl and
// store.block-stats.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatReply } from './diff/format.js';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import type { RespValue } from './diff/resp.js';
import { startTestStore, type TestStore } from './store-harness.js';

export const bufs = (args: readonly string[]): Buffer[] => args.map((a) => Buffer.from(a, 'latin1'));
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A CLIENT LIST line without what depends on the connection or on timing. */
const stableLine = (line: string): string =>
  line
    .split(' ')
    .filter((f) => /^(name|flags|db|sub|psub|ssub|multi|cmd|user|resp)=/.test(f))
    .join(' ');

/** INFO commandstats with calls, rejected and failed calls only (no timings), sorted. */
const stableCommandstats = (text: string): string =>
  text
    .split('\r\n')
    .filter((l) => l.startsWith('cmdstat_'))
    .map((l) => {
      const [name, fields] = l.split(':') as [string, string];
      const f = Object.fromEntries(fields.split(',').map((kv) => kv.split('=') as [string, string]));
      return `${name}:calls=${f.calls},rejected=${f.rejected_calls},failed=${f.failed_calls}`;
    })
    .sort()
    .join(' ');

export function normal(v: RespValue, uid = ''): string {
  const walk = (x: RespValue, key?: string): RespValue => {
    if (x.kind === 'bulk' && x.data !== null) {
      const s = x.data.toString('latin1');
      if (key === 'age-seconds') {
        const age = Number(s);
        return { kind: 'simple', text: age >= 0 && age < 5 ? 'AGE' : `bad age ${age}` };
      }
      if (s.startsWith('# Commandstats')) return { kind: 'bulk', data: Buffer.from(stableCommandstats(s)) };
      if (/^id=\d+ /.test(s))
        return {
          kind: 'bulk',
          data: Buffer.from(
            s
              .split('\n')
              .filter((l) => l !== '')
              .map(stableLine)
              .join('\n'),
          ),
        };
      return x;
    }
    if (x.kind === 'array' && x.items !== null) {
      const items = x.items;
      // A SLOWLOG GET entry: [id, time, duration, args, peer, name] -> [args, name].
      const args = items[3];
      if (items.length === 6 && items[0]!.kind === 'integer' && args?.kind === 'array' && args.items) {
        // CLIENT UNBLOCK's client id differs between the servers.
        const named = args.items.map((a, i): RespValue => {
          const prev = args.items![i - 1];
          const afterUnblock = prev?.kind === 'bulk' && prev.data?.toString().toUpperCase() === 'UNBLOCK';
          return afterUnblock && a.kind === 'bulk' && a.data?.toString() === uid ? { kind: 'simple', text: '$UID' } : a;
        });
        return { kind: 'array', items: [{ kind: 'array', items: named }, items[5]!] };
      }
      // LATENCY HISTOGRAM's per-command map: the buckets depend on timing, the calls do not.
      if (items.length === 4 && items[2]?.kind === 'bulk' && items[2].data?.toString() === 'histogram_usec')
        return { kind: 'array', items: [items[0]!, items[1]!] };
      return {
        kind: 'array',
        items: items.map((item, i) => {
          const prev = items[i - 1];
          return walk(item, prev?.kind === 'bulk' ? prev.data?.toString() : undefined);
        }),
      };
    }
    return x;
  };
  return formatReply(walk(v));
}

/** A step: who sends what. `$UID` stands for the user connection's CLIENT ID on that server.
 * `hold` sends without waiting (a command that blocks or is paused); `collect` waits for it. */
export type Step =
  { on: 'admin' | 'user'; args: string[] } | { on: 'user'; hold: string[] } | { collect: true } | { sleep: number };

interface Session {
  admin: RespClient;
  user: RespClient;
  uid: string;
  held: Promise<RespValue[]> | null;
}

export async function runScript(port: number, steps: Step[]): Promise<string[]> {
  const admin = await RespClient.connect(port);
  const user = await RespClient.connect(port);
  const id = await user.call('CLIENT', 'ID');
  const s: Session = { admin, user, uid: id.kind === 'integer' ? id.text : '?', held: null };
  const out: string[] = [];
  const sub = (args: string[]): Buffer[] => bufs(args.map((a) => (a === '$UID' ? s.uid : a)));
  try {
    await admin.send(
      [['FLUSHALL'], ['ACL', 'LOG', 'RESET'], ['CONFIG', 'RESETSTAT'], ['ACL', 'DELUSER', 'u']].map(bufs),
    );
    for (const step of steps) {
      if ('sleep' in step) {
        await sleep(step.sleep);
      } else if ('collect' in step) {
        const [r] = await s.held!;
        out.push(`held -> ${normal(r!, s.uid)}`);
        s.held = null;
      } else if ('hold' in step) {
        s.held = user.send([sub(step.hold)]);
        await sleep(50);
      } else {
        const [r] = await (step.on === 'admin' ? admin : user).send([sub(step.args)]);
        out.push(`${step.on}: ${step.args.join(' ')} -> ${normal(r!, s.uid)}`);
      }
    }
  } finally {
    admin.close();
    user.close();
  }
  return out;
}

export const admin = (...args: string[]): Step => ({ on: 'admin', args });
export const user = (...args: string[]): Step => ({ on: 'user', args });

/** The two servers a script file compares; their ports are valid inside its tests. */
export interface ScriptServers {
  readonly redisPort: number;
  readonly storePort: number;
}

/**
 * Inside a describe: start a redis-server and a store for its tests, and add one test per script
 * asserting the store's transcript equals redis-server's.
 */
export function compareScripts(scripts: Record<string, Step[]>): ScriptServers {
  let servers: { redis: RedisServer; store: TestStore } | undefined;
  beforeAll(async () => {
    servers = { redis: await startRedisServer(), store: await startTestStore() };
  });
  afterAll(async () => {
    await servers?.store.close();
    await servers?.redis.close();
  });
  for (const [name, steps] of Object.entries(scripts)) {
    it(name, async () => {
      const expected = await runScript(started().redis.port, steps);
      expect(await runScript(started().store.port, steps)).toEqual(expected);
    });
  }
  const started = (): { redis: RedisServer; store: TestStore } => {
    if (!servers) throw new Error('compareScripts: the servers start in beforeAll');
    return servers;
  };
  return {
    get redisPort() {
      return started().redis.port;
    },
    get storePort() {
      return started().store.port;
    },
  };
}

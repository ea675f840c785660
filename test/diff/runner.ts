// Sends one generated sequence to both servers in pipelined batches and compares reply by reply.
// Both start from FLUSHALL and get identical commands, so their keyspaces stay in step; periodic
// state checks read every pool key back, which catches divergences no reply showed.
import { ACL_USERS } from './acl.js';
import { b, KEY_POOL } from './args.js';
import type { CommandRow } from './commands.js';
import { repliesMatch, type ReplyKind } from './compare.js';
import { tolerated } from './differences.js';
import { Generator } from './generator.js';
import type { RespValue } from './resp.js';
import type { RespClient } from './resp-client.js';
import { ENCODING_LIMITS } from './widen.js';

/** What the runner needs of a connection (a RespClient, or a scripted stand-in in tests). */
export type Endpoint = Pick<RespClient, 'send' | 'call'>;

export interface Servers {
  redis: Endpoint;
  store: Endpoint;
}

export interface RunOptions {
  seed: number;
  commands: number;
  /** Commands per pipelined write; the sequence does not depend on it. */
  batchSize?: number;
  /** Read the whole keyspace back every this many generated commands (and at the end). */
  checkEvery?: number;
  /** Mismatches kept with full detail; the rest are only counted. */
  keep?: number;
  /** The command table to generate from (default: the whole table). */
  rows?: readonly CommandRow[];
}

export interface Mismatch {
  seed: number;
  label: string;
  command: Buffer[];
  redis: RespValue;
  store: RespValue;
  /** An earlier command of the same batch already mismatched: possibly a consequence of it. */
  cascaded: boolean;
}

export interface RunResult {
  seed: number;
  generated: number;
  sent: number;
  mismatches: Mismatch[];
  total: number;
  primary: number;
  tolerated: number;
  /** Batches cut short by a tolerated difference that wrote differently (then re-synced). */
  resyncs: number;
  /** Primary mismatches per command name. */
  byCommand: Map<string, number>;
}

interface Item {
  label: string;
  args: Buffer[];
  reply: ReplyKind;
}

const cmd = (...args: string[]): Buffer[] => args.map(b);

function stateCheck(label: string): Item[] {
  const items: Item[] = [{ label, args: cmd('DBSIZE'), reply: 'exact' }];
  for (const k of KEY_POOL) {
    items.push(
      { label, args: cmd('TYPE', k), reply: 'exact' },
      { label, args: cmd('GET', k), reply: 'exact' },
      { label, args: cmd('HGETALL', k), reply: 'pairs' },
      { label, args: cmd('LRANGE', k, '0', '-1'), reply: 'exact' },
      { label, args: cmd('SMEMBERS', k), reply: 'multiset' },
      { label, args: cmd('PTTL', k), reply: 'pttl' },
      { label, args: cmd('OBJECT', 'ENCODING', k), reply: 'exact' },
    );
  }
  return items;
}

/** Both servers back to only the default user: ACL rows create users of ACL_USERS. */
async function dropUsers(servers: Servers): Promise<void> {
  const del = ['ACL', 'DELUSER', ...ACL_USERS];
  const [r, s] = await Promise.all([servers.redis.call(...del), servers.store.call(...del)]);
  for (const reply of [r, s]) {
    if (reply.kind !== 'integer') throw new Error(`ACL DELUSER failed: ${JSON.stringify(reply)}`);
  }
}

async function flushBoth(servers: Servers): Promise<void> {
  const [r, s] = await Promise.all([servers.redis.call('FLUSHALL'), servers.store.call('FLUSHALL')]);
  for (const reply of [r, s]) {
    if (reply.kind !== 'simple' || reply.text !== 'OK') throw new Error(`FLUSHALL failed: ${JSON.stringify(reply)}`);
  }
}

/** The encoding limits widen.ts's CONFIG SET rows change, back to Redis's defaults: each seed
 *  starts from the same configuration. */
async function resetEncodingLimits(servers: Servers): Promise<void> {
  const set = ['CONFIG', 'SET', ...Object.entries(ENCODING_LIMITS).flat()];
  const [r, s] = await Promise.all([servers.redis.call(...set), servers.store.call(...set)]);
  for (const reply of [r, s]) {
    if (reply.kind !== 'simple' || reply.text !== 'OK') throw new Error(`CONFIG SET failed: ${JSON.stringify(reply)}`);
  }
}

export async function runSequence(servers: Servers, opts: RunOptions): Promise<RunResult> {
  const batchSize = opts.batchSize ?? 32;
  const checkEvery = opts.checkEvery ?? 500;
  const keep = opts.keep ?? 50;
  const gen = new Generator(opts.seed, opts.rows);
  const result: RunResult = {
    seed: opts.seed,
    generated: 0,
    sent: 0,
    mismatches: [],
    total: 0,
    primary: 0,
    tolerated: 0,
    resyncs: 0,
    byCommand: new Map(),
  };

  await flushBoth(servers);
  await dropUsers(servers);
  await resetEncodingLimits(servers);
  while (result.generated < opts.commands) {
    const batch: Item[] = [];
    while (batch.length < batchSize && result.generated < opts.commands) {
      const c = gen.next();
      result.generated++;
      batch.push({ label: `#${c.index}`, args: c.args, reply: c.reply });
      for (const f of c.followUps) batch.push({ label: `#${c.index} follow-up`, args: f, reply: 'exact' });
      if (result.generated % checkEvery === 0 || result.generated === opts.commands)
        batch.push(...stateCheck(`state check after #${c.index}`));
    }
    const commands = batch.map((it) => it.args);
    const [fromRedis, fromStore] = await Promise.all([servers.redis.send(commands), servers.store.send(commands)]);
    result.sent += batch.length;

    let diverged = false;
    // After a tolerated difference that wrote differently, the rest of the batch ran on
    // keyspaces that legitimately differ: its replies are not compared.
    let resync = false;
    batch.forEach((item, i) => {
      const r = fromRedis[i] as RespValue;
      const s = fromStore[i] as RespValue;
      if (resync || repliesMatch(item.reply, r, s)) return;
      const known = tolerated(item.args, r, s);
      if (known) {
        result.tolerated++;
        if (known.diverges?.(item.args)) {
          resync = true;
          result.resyncs++;
        }
        return;
      }
      result.total++;
      if (!diverged) {
        result.primary++;
        const name = item.label.startsWith('#')
          ? (item.args[0]?.toString('latin1').toUpperCase() ?? '')
          : 'state check';
        result.byCommand.set(name, (result.byCommand.get(name) ?? 0) + 1);
      }
      if (result.mismatches.length < keep) {
        result.mismatches.push({
          seed: opts.seed,
          label: item.label,
          command: item.args,
          redis: r,
          store: s,
          cascaded: diverged,
        });
      }
      diverged = true;
    });
    // Start the next batch from equal (empty) keyspaces, so that one bug does not turn every
    // later reply into a mismatch.
    if (diverged || resync) {
      await flushBoth(servers);
      await dropUsers(servers);
    }
  }
  await dropUsers(servers);
  return result;
}

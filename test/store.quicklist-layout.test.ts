// Quicklist node boundaries against redis-server 7.0.15: seeded random sequences of list
// commands (LPUSH/RPUSH/LINSERT/LSET/LREM/LTRIM/LPOP/RPOP/LMOVE, COPY, RESTORE, SORT ... STORE)
// under every list-max-listpack-size from -7 to 128 (changed now and then mid-run), on both
// servers, comparing every reply and the DUMP of each touched key after each step. DUMP writes
// one listpack per node, so equal payloads mean equal node boundaries. Replay a failure with
// TIERMEM_QL_SEED (and TIERMEM_QL_STEPS for longer runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from './store-harness.js';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import type { RespValue } from './diff/resp.js';
import { Rng } from './diff/prng.js';

let store: TestStore;
let redis: RedisServer;
let rc: RespClient;
let sc: RespClient;

beforeAll(async () => {
  // DEBUG QUICKLIST-PACKED-THRESHOLD makes Redis build plain nodes (container 1) for payloads.
  [store, redis] = await Promise.all([startTestStore(), startRedisServer(['--enable-debug-command', 'yes'])]);
  [rc, sc] = await Promise.all([RespClient.connect(redis.port), RespClient.connect(store.port)]);
});
afterAll(async () => {
  rc?.close();
  sc?.close();
  await Promise.all([store?.close(), redis?.close()]);
});

const SEED = Number(process.env.TIERMEM_QL_SEED ?? 20261208);
const KEYS = ['a', 'b'];
const FILLS = [-7, -5, -4, -3, -2, -1, 0, 1, 2, 3, 5, 16, 128];

/** Element sizes: small and large integers, short strings, mid-size, around the 4/8 KiB node
 *  limits, and over 8 KiB (a node of its own under every fill). */
function element(rng: Rng, big: boolean): string {
  const r = big && rng.chance(0.3) ? 0.93 : rng.next(); // big nodes (-4, -5): more 1-3 KiB elements
  if (r < 0.2) return String(rng.int(0, 127));
  if (r < 0.32) return String(rng.int(-9_000_000_000, 9_000_000_000));
  const len =
    r < 0.8
      ? rng.int(1, 100)
      : r < 0.92
        ? rng.int(100, 1000)
        : r < 0.96
          ? rng.int(1000, 3000)
          : r < 0.975
            ? rng.int(4070, 4100)
            : r < 0.99
              ? rng.int(8170, 8200)
              : rng.int(8200, 9000);
  const c = String.fromCharCode(97 + rng.int(0, 25));
  return c.repeat(len - 1) + String.fromCharCode(97 + rng.int(0, 25));
}

type Step = { cmds: string[][]; dump: string[] };

/** One random step: its commands and the keys whose DUMP is compared after it. `pool` holds
 *  values already pushed (pivots and LREM values that exist); `lens` the lengths last seen. */
function step(rng: Rng, big: boolean, pool: string[], lens: Map<string, number>, restorePayload: Buffer | null): Step {
  const k = rng.pick(KEYS);
  const len = lens.get(k) ?? 0;
  const val = (): string => {
    if (pool.length > 0 && rng.chance(0.25)) return rng.pick(pool);
    const v = element(rng, big);
    if (pool.length < 300) pool.push(v);
    else pool[rng.int(0, pool.length - 1)] = v;
    return v;
  };
  const idx = (): string => String(len > 0 ? rng.int(-len, len - 1) : 0);
  const side = (): string => rng.pick(['LEFT', 'RIGHT']);
  const r = rng.next();
  // Now and then the limit changes: a list keeps the one it was made with, in both servers.
  if (rng.chance(0.01))
    return { cmds: [['CONFIG', 'SET', 'list-max-listpack-size', String(rng.pick(FILLS))]], dump: [k] };
  // Long lists shrink: the payloads compared each step stay small.
  if (len > 260 && r < 0.5) return { cmds: [['LTRIM', k, String(rng.int(0, 60)), String(-rng.int(1, 60))]], dump: [k] };
  if (r < 0.3) {
    const n = rng.int(1, 3);
    return { cmds: [[rng.pick(['LPUSH', 'RPUSH']), k, ...Array.from({ length: n }, val)]], dump: [k] };
  }
  if (r < 0.5) {
    const pivot = pool.length > 0 && rng.chance(0.9) ? rng.pick(pool) : 'absent';
    return { cmds: [['LINSERT', k, rng.pick(['BEFORE', 'AFTER']), pivot, val()]], dump: [k] };
  }
  if (r < 0.6) return { cmds: [['LSET', k, idx(), val()]], dump: [k] };
  if (r < 0.68) {
    const v = pool.length > 0 ? rng.pick(pool) : 'absent';
    return { cmds: [['LREM', k, String(rng.int(-2, 2)), v]], dump: [k] };
  }
  if (r < 0.72) return { cmds: [['LTRIM', k, String(rng.int(0, 3)), String(-rng.int(1, 4))]], dump: [k] };
  if (r < 0.8) {
    const cmd = [rng.pick(['LPOP', 'RPOP']), k];
    if (rng.chance(0.3)) cmd.push(String(rng.int(1, 5)));
    return { cmds: [cmd], dump: [k] };
  }
  if (r < 0.95) {
    const dst = rng.chance(0.5) ? k : rng.pick(KEYS);
    return { cmds: [['LMOVE', k, dst, side(), side()]], dump: [...new Set([k, dst])] };
  }
  if (r < 0.965) return { cmds: [['COPY', k, 'c', 'REPLACE']], dump: ['c'] };
  // SORT ... STORE: Redis 7.0 makes that list with fill -2 whatever the configuration.
  if (r < 0.98 || restorePayload === null) return { cmds: [['SORT', k, 'BY', 'nosort', 'STORE', 's']], dump: ['s'] };
  return { cmds: [['RESTORE', 'r', '0', restorePayload.toString('latin1'), 'REPLACE']], dump: ['r'] };
}

const enc = (cmd: string[]): Buffer[] => cmd.map((s) => Buffer.from(s, 'latin1'));

function show(v: RespValue | undefined): string {
  if (v === undefined) return 'undefined';
  if (v.kind === 'bulk')
    return v.data === null ? 'nil' : `bulk(${v.data.length}) ${v.data.subarray(0, 48).toString('hex')}`;
  return JSON.stringify(v).slice(0, 200);
}

/** The containers of a quicklist DUMP payload's nodes (1 plain, 2 packed). */
function containers(p: Buffer): number[] {
  let i = 1;
  const len = (): number => {
    const b = p[i] ?? 0;
    const t = b >> 6;
    if (t === 0) return (i++, b & 63);
    if (t === 1) return ((i += 2), ((b & 63) << 8) | (p[i - 1] ?? 0));
    if (t === 2 && b === 0x80) return ((i += 5), p.readUInt32BE(i - 4));
    throw new Error(`unexpected length byte ${b}`);
  };
  const skipString = (): void => {
    const b = p[i] ?? 0;
    if (b >> 6 !== 3) {
      const l = len();
      i += l;
      return;
    }
    i++;
    if (b === 0xc0) i += 1;
    else if (b === 0xc1) i += 2;
    else if (b === 0xc2) i += 4;
    else if (b === 0xc3) {
      const clen = len();
      len();
      i += clen;
    }
  };
  const n = len();
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    out.push(len());
    skipString();
  }
  return out;
}

/** Run `steps` random steps under `fill`; every reply and DUMP must be equal. With `plain`, the
 *  lists start as Redis's payloads holding plain nodes (elements of 100 bytes and more, built
 *  with a lowered packed threshold), RESTOREd into both. */
async function runFill(fill: number, seed: number, steps: number, plain = false): Promise<number> {
  const setup = [['FLUSHALL'], ['CONFIG', 'SET', 'list-max-listpack-size', String(fill)]].map(enc);
  const [r0, s0] = await Promise.all([rc.send(setup), sc.send(setup)]);
  expect(s0).toEqual(r0);
  const rng = new Rng(seed);
  const pool: string[] = [];
  const lens = new Map<string, number>();
  const log: string[] = [];
  let restorePayload: Buffer | null = null;
  let multiNode = 0;
  if (plain) {
    await rc.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100');
    for (let i = 0; i < 150; i++) await rc.send(step(rng, fill <= -4, pool, lens, null).cmds.map(enc));
    await rc.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1073741824');
    await rc.call('CONFIG', 'SET', 'list-max-listpack-size', String(fill)); // the steps may change it
    let plainNodes = 0;
    for (const k of KEYS) {
      const d = await rc.call('DUMP', k);
      if (d.kind !== 'bulk' || d.data === null) continue;
      plainNodes += containers(d.data).filter((c) => c === 1).length;
      const restore = enc(['RESTORE', k, '0', d.data.toString('latin1'), 'REPLACE', 'ABSTTL']);
      const [rr, sr] = await Promise.all([rc.send([restore, enc(['DUMP', k])]), sc.send([restore, enc(['DUMP', k])])]);
      expect(sr).toEqual(rr);
    }
    expect(plainNodes).toBeGreaterThan(3);
  }
  for (let i = 0; i < steps; i++) {
    const st = step(rng, fill <= -4, pool, lens, restorePayload);
    const batch = [...st.cmds, ...st.dump.map((k) => ['DUMP', k]), ...KEYS.map((k) => ['LLEN', k])].map(enc);
    const [rr, sr] = await Promise.all([rc.send(batch), sc.send(batch)]);
    log.push(st.cmds.map((c) => c.map((a) => (a.length > 24 ? `<${a.length}B>` : a)).join(' ')).join('; '));
    for (let j = 0; j < batch.length; j++) {
      if (JSON.stringify(rr[j]) !== JSON.stringify(sr[j])) {
        const what = batch[j]?.map((b) => b.toString('latin1').slice(0, 24)).join(' ');
        throw new Error(
          `fill ${fill} seed ${seed} step ${i}: ${what} differs\n redis: ${show(rr[j])}\n store: ${show(sr[j])}\n` +
            `last steps:\n  ${log.slice(-8).join('\n  ')}`,
        );
      }
    }
    st.dump.forEach((k, j) => {
      const d = rr[st.cmds.length + j];
      if (k === 'a' && d?.kind === 'bulk' && d.data) restorePayload = d.data;
      // A quicklist payload's node count is its second byte (small counts): count multi-node ones.
      if (d?.kind === 'bulk' && d.data && d.data[0] === 18 && (d.data[1] ?? 0) > 1) multiNode++;
    });
    KEYS.forEach((k, j) => {
      const v = rr[batch.length - KEYS.length + j];
      lens.set(k, v?.kind === 'integer' ? Number(v.text) : 0);
    });
  }
  return multiNode;
}

const STEPS = Number(process.env.TIERMEM_QL_STEPS ?? 400);

describe('quicklist node layout equals redis-server 7.0.15 (DUMP after every step)', () => {
  for (const fill of FILLS) {
    it(`list-max-listpack-size ${fill}: ${STEPS} random steps`, async () => {
      const multiNode = await runFill(fill, SEED + fill, STEPS);
      // The sequences must reach multi-node lists, or they would prove nothing about splits.
      expect(multiNode).toBeGreaterThan(STEPS / 10);
    }, 120_000);
  }

  for (const fill of [-2, 3]) {
    it(`plain nodes from a payload (fill ${fill}): kept, and every command treats them as Redis does`, async () => {
      await runFill(fill, SEED + 100 + fill, STEPS, true);
    }, 120_000);
  }

  it('RESTORE keeps the payload nodes whatever the current fill; COPY keeps the nodes', async () => {
    // Build a list whose nodes a re-pack would change: fill 2, then inserts split nodes.
    const build = [
      ['FLUSHALL'],
      ['CONFIG', 'SET', 'list-max-listpack-size', '2'],
      ['RPUSH', 'x', '1', '2', '3', '4', '5', '6', '7'],
      ['LINSERT', 'x', 'AFTER', '3', 'n'],
      ['LREM', 'x', '0', '5'],
    ].map(enc);
    const [rb, sb] = await Promise.all([rc.send(build), sc.send(build)]);
    expect(sb).toEqual(rb);
    const payload = (await rc.call('DUMP', 'x')) as { kind: 'bulk'; data: Buffer };
    expect(payload.kind).toBe('bulk');
    const steps = [
      ['CONFIG', 'SET', 'list-max-listpack-size', '-2'],
      ['RESTORE', 'y', '0', payload.data.toString('latin1')],
      ['DUMP', 'y'],
      ['COPY', 'y', 'z'],
      ['DUMP', 'z'],
      ['RPUSH', 'y', 'tail'],
      ['DUMP', 'y'],
    ].map(enc);
    const [rr, sr] = await Promise.all([rc.send(steps), sc.send(steps)]);
    expect(sr).toEqual(rr);
    expect(rr[2]).toEqual({ kind: 'bulk', data: payload.data }); // Redis itself keeps them
  });
});

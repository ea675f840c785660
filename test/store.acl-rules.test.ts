// ACL rules against redis-server 7.0.15, differentially: seeded SETUSER sequences (categories,
// commands, subcommands, first-argument rules, selectors, key and channel patterns), each followed
// by ACL GETUSER, ACL LIST, ACL DRYRUN of store commands and the same commands run as that user;
// every reply compared (command-rule tails sorted: test/diff/acl-rules.ts says why).
//   TIERMEM_ACL_SEQUENCES=20000 TIERMEM_DIFF_SEED=7 npx vitest run test/store.acl-rules.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRY_PROBES, PROBES, canonicalReply, setuserRules } from './diff/acl-rules.js';
import { formatCommand, formatReply } from './diff/format.js';
import { Rng } from './diff/prng.js';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import type { RespValue } from './diff/resp.js';
import { startTestStore, type TestStore } from './store-harness.js';

const SEQUENCES = Number(process.env.TIERMEM_ACL_SEQUENCES ?? 1500);
const SEED = Number(process.env.TIERMEM_DIFF_SEED ?? 1);

const bufs = (args: readonly string[]): Buffer[] => args.map((a) => Buffer.from(a, 'latin1'));

interface Side {
  admin: RespClient;
  user: RespClient;
}

describe('ACL rules, differential against redis-server 7.0.15', () => {
  let redis: RedisServer;
  let store: TestStore;
  const sides: Side[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    store = await startTestStore();
    for (const port of [redis.port, store.port])
      sides.push({ admin: await RespClient.connect(port), user: await RespClient.connect(port) });
  });
  afterAll(async () => {
    for (const s of sides) {
      s.admin.close();
      s.user.close();
    }
    await store?.close();
    await redis?.close();
  });

  it(`${SEQUENCES} seeded SETUSER sequences (seed ${SEED}) answer as Redis`, async () => {
    const rng = new Rng(SEED);
    const mismatches: string[] = [];
    let compared = 0;
    let mismatched = 0;
    const compare = async (pick: (s: Side) => RespClient, cmds: string[][], seq: number): Promise<void> => {
      const [a, b] = await Promise.all(sides.map((s) => pick(s).send(cmds.map(bufs))));
      for (let i = 0; i < cmds.length; i++) {
        compared++;
        const ra = canonicalReply(a![i]!);
        const rb = canonicalReply(b![i]!);
        if (ra !== rb) mismatched++;
        if (ra !== rb && mismatches.length < 20)
          mismatches.push(`seq ${seq}: ${formatCommand(bufs(cmds[i]!))}\n  redis: ${ra}\n  store: ${rb}`);
      }
    };
    for (let seq = 0; seq < SEQUENCES; seq++) {
      const admin: string[][] = [['ACL', 'DELUSER', 'u']];
      for (let k = rng.int(1, 3); k > 0; k--) admin.push(['ACL', 'SETUSER', 'u', ...setuserRules(rng)]);
      admin.push(['ACL', 'GETUSER', 'u'], ['ACL', 'LIST']);
      for (const p of DRY_PROBES) if (rng.chance(0.4)) admin.push(['ACL', 'DRYRUN', 'u', ...p]);
      await compare((s) => s.admin, admin, seq);
      if (rng.chance(0.3)) {
        await compare((s) => s.admin, [['ACL', 'SETUSER', 'u', 'on', 'nopass']], seq);
        const probes = [
          ['AUTH', 'u', 'x'],
          ...PROBES.filter(() => rng.chance(0.5)).map((p) => [...p]),
          ['AUTH', 'default', 'x'],
        ];
        await compare((s) => s.user, probes, seq);
      }
    }
    console.log(`ACL rules: ${SEQUENCES} sequences, ${compared} replies compared, ${mismatched} mismatches`);
    expect(mismatches).toEqual([]);
  }, 600_000);

  // ACL LOG entries compared field by field: age-seconds as a number under a few seconds, and of
  // client-info the fields that do not depend on the connection (id, addresses, ages, buffers).
  it('ACL LOG [count|RESET] and acllog-max-len answer as Redis', async () => {
    const stable = (info: string): string =>
      info
        .split(' ')
        .filter((f) => /^(name|flags|db|sub|psub|multi|cmd|user|resp)=/.test(f))
        .join(' ');
    const normal = (v: RespValue): string => {
      if (v.kind !== 'array' || v.items === null) return formatReply(v);
      return formatReply({
        kind: 'array',
        items: v.items.map((e): RespValue => {
          if (e.kind !== 'array' || e.items === null) return e;
          const items = e.items.map((x, i): RespValue => {
            const key = e.items![i - 1];
            const name = key?.kind === 'bulk' ? key.data?.toString() : undefined;
            if (name === 'age-seconds' && x.kind === 'bulk') {
              const age = Number(x.data?.toString());
              return { kind: 'simple', text: age >= 0 && age < 5 ? 'AGE' : `bad age ${age}` };
            }
            if (name === 'client-info' && x.kind === 'bulk')
              return { kind: 'bulk', data: Buffer.from(stable(x.data!.toString('latin1'))) };
            return x;
          });
          return { kind: 'array', items };
        }),
      });
    };
    const script: [admin: boolean, args: string[]][] = [
      [true, ['ACL', 'LOG', 'RESET']],
      [
        true,
        ['ACL', 'SETUSER', 'lg', 'reset', 'on', '>pw', '+get', '+set', '~k*', '+publish', '&ch*', '+multi', '+exec'],
      ],
      [true, ['CONFIG', 'SET', 'acllog-max-len', '128']],
      [false, ['AUTH', 'lg', 'wrong']],
      [false, ['auth', 'lg', 'wrong']],
      [false, ['AUTH', 'nosuch', 'x']],
      [false, ['AUTH', 'lg', 'pw']],
      [false, ['GET', 'other']],
      [false, ['GET', 'other']],
      [false, ['SET', 'k1', 'v']],
      [false, ['DEL', 'k1']],
      [false, ['CONFIG', 'GET', 'maxmemory']],
      [false, ['PUBLISH', 'news', 'x']],
      [false, ['MULTI']],
      [false, ['GET', 'zz']],
      [false, ['LPUSH', 'k1', 'v']],
      [false, ['EXEC']],
      [true, ['ACL', 'LOG']],
      [true, ['ACL', 'LOG', '2']],
      [true, ['ACL', 'LOG', '0']],
      [true, ['ACL', 'LOG', '-1']],
      [true, ['ACL', 'LOG', 'x']],
      [true, ['ACL', 'LOG', '1', '2']],
      [true, ['CONFIG', 'SET', 'acllog-max-len', '2']],
      [true, ['CONFIG', 'GET', 'acllog-max-len']],
      [true, ['ACL', 'LOG']],
      [false, ['GET', 'other2']],
      [true, ['ACL', 'LOG']],
      [true, ['ACL', 'LOG', 'reset']],
      [true, ['ACL', 'LOG']],
      [true, ['CONFIG', 'SET', 'acllog-max-len', '128']],
      [false, ['AUTH', 'default', 'x']],
      [true, ['ACL', 'DELUSER', 'lg']],
    ];
    const mismatches: string[] = [];
    for (const [admin, args] of script) {
      const [a, b] = await Promise.all(sides.map((s) => (admin ? s.admin : s.user).send([bufs(args)])));
      const ra = normal(a![0]!);
      const rb = normal(b![0]!);
      if (ra !== rb) mismatches.push(`${args.join(' ')}\n  redis: ${ra}\n  store: ${rb}`);
    }
    console.log(`ACL LOG: ${script.length} commands compared, ${mismatches.length} mismatches`);
    expect(mismatches).toEqual([]);
  });
});

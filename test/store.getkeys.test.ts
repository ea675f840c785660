// COMMAND GETKEYS and COMMAND GETKEYSANDFLAGS against redis-server 7.0.15: for every command and
// subcommand the store has, argument vectors generated from its COMMAND DOCS argument tree
// (test/diff/getkeys.ts), plus hand-written edge cases of the key specs and of Redis's getkeys
// procedures; the replies must be byte-identical. TIERMEM_GETKEYS_VECTORS=n per command (20).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize } from './diff/compare.js';
import { docArgsOf, generateVector, nameWords } from './diff/getkeys.js';
import { Rng } from './diff/prng.js';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import type { RespValue } from './diff/resp.js';
import { RespClient } from './diff/resp-client.js';
import { startTestStore, type TestStore } from './store-harness.js';

const VECTORS = Number(process.env.TIERMEM_GETKEYS_VECTORS ?? 20);
const SEED = Number(process.env.TIERMEM_DIFF_SEED ?? 12);

const arr = (v: RespValue): RespValue[] => (v.kind === 'array' && v.items ? v.items : []);
const str = (v: RespValue): string => (v.kind === 'bulk' && v.data ? v.data.toString('latin1') : '');

// Cases the generator is unlikely to hit: lookup and arity errors, numkeys at the edges of
// string2ll and atoi, SORT's option skipping and last STORE, SET's and BITFIELD's flag rules.
const HAND_WRITTEN: string[][] = [
  ['nosuchcommand', 'k'],
  ['object'],
  ['object', 'nosuch', 'k'],
  ['OBJECT', 'ENCODING', 'k'],
  ['object', 'encoding'],
  ['object', 'encoding', 'a', 'b'],
  ['memory', 'usage', 'k', 'SAMPLES', '5'],
  ['config', 'get', 'x'],
  ['command', 'getkeys', 'get', 'k'],
  ['ping', 'x'],
  ['get', 'a', 'b'],
  ['get', 'a'],
  ['mset', 'k1', 'v1', 'k2'],
  ['mset', 'k1', 'v1', 'k2', 'v2'],
  ['del', 'a', 'b', 'c'],
  ['bitop', 'and', 'd', 's1', 's2'],
  ['lcs', 'a', 'b', 'idx'],
  ...[
    '0',
    '-1',
    '1',
    '2',
    '3',
    '2x',
    ' 2',
    '+2',
    '02',
    '-0',
    '',
    '4294967297',
    '4294967298',
    '2147483647',
    '-2147483648',
  ].flatMap((n) => [
    ['zunionstore', 'd', n, 'a', 'b'],
    ['zinterstore', 'd', n, 'a', 'b', 'WEIGHTS', '1', '2'],
    ['zdiffstore', 'd', n, 'a'],
    ['zunion', n, 'a', 'b'],
    ['zinter', n, 'a', 'b', 'WITHSCORES'],
    ['zdiff', n, 'a'],
    ['zintercard', n, 'a', 'b', 'LIMIT', '1'],
    ['sintercard', n, 'a', 'b'],
    ['lmpop', n, 'a', 'b', 'LEFT'],
    ['zmpop', n, 'a', 'b', 'MIN', 'COUNT', '2'],
    ['blmpop', '0', n, 'a', 'b', 'RIGHT'],
    ['bzmpop', '1.5', n, 'a', 'MAX'],
  ]),
  ['zunionstore', 'd', '99999999999999999999', 'a'],
  ['zunionstore', 'd', '9223372036854775807', 'a'],
  ['sort', 'k'],
  ['sort', 'k', 'STORE'],
  ['sort', 'k', 'store', 'a', 'STORE', 'b'],
  ['sort', 'k', 'LIMIT', 'store', 'x', 'y'],
  ['sort', 'k', 'LIMIT', '0', '1', 'STORE', 'x'],
  ['sort', 'k', 'GET', 'store', 'x'],
  ['sort', 'k', 'BY', 'store', 'STORE', 'y'],
  ['sort', 'k', 'get', '#', 'by', 'w_*', 'alpha', 'desc', 'store', 'dst'],
  ['sort', 'k', 'store\0x', 'dst'],
  ['sort', 'k', 'nosuchoption', 'store', 'dst'],
  ['sort_ro', 'k', 'STORE', 'dst'],
  ['sort_ro', 'k', 'BY', 'x', 'GET', 'y'],
  ['set', 'k', 'v'],
  ['set', 'k', 'get'],
  ['set', 'k', 'v', 'GET'],
  ['set', 'k', 'v', 'get\0x'],
  ['set', 'k', 'v', 'getx'],
  ['set', 'k', 'v', 'EX', '10', 'gEt'],
  ['bitfield', 'k'],
  ['bitfield', 'k', 'GET', 'u8', '0'],
  ['bitfield', 'k', 'GET', 'u8'],
  ['bitfield', 'k', 'OVERFLOW', 'WRAP', 'GET', 'u8', '0'],
  ['bitfield', 'k', 'OVERFLOW'],
  ['bitfield', 'k', 'GET', 'u8', '0', 'SET', 'u8', '0', '1'],
  ['bitfield', 'k', 'INCRBY', 'u8', '0'],
  ['bitfield', 'k', 'nosuch'],
  ['bitfield_ro', 'k', 'GET', 'u8', '0'],
];

describe('COMMAND GETKEYS / GETKEYSANDFLAGS: as redis-server 7.0.15', () => {
  let redis: RedisServer;
  let store: TestStore;
  let r: RespClient;
  let s: RespClient;

  beforeAll(async () => {
    redis = await startRedisServer();
    store = await startTestStore();
    r = await RespClient.connect(redis.port);
    s = await RespClient.connect(store.port);
  });

  afterAll(async () => {
    r?.close();
    s?.close();
    await store?.close();
    await redis?.close();
  });

  async function compare(vectors: string[][]): Promise<string[]> {
    const cmds = vectors.flatMap((v) =>
      ['GETKEYS', 'GETKEYSANDFLAGS'].map((sub) => ['COMMAND', sub, ...v].map((a) => Buffer.from(a, 'latin1'))),
    );
    const [a, b] = await Promise.all([r.send(cmds), s.send(cmds)]);
    const out: string[] = [];
    cmds.forEach((cmd, i) => {
      const x = serialize(a[i] as RespValue);
      const y = serialize(b[i] as RespValue);
      if (x !== y) out.push(`${JSON.stringify(cmd.map((p) => p.toString('latin1')))}: redis ${x} store ${y}`);
    });
    return out;
  }

  it("generated from every command's docs: identical replies", async () => {
    const names = arr(await s.call('COMMAND', 'LIST')).map(str);
    expect(names.length).toBeGreaterThan(200);
    const g = new Rng(SEED);
    const vectors: string[][] = [];
    const outcomes = new Map<string, number>();
    for (const name of names) {
      const args = docArgsOf(await s.call('COMMAND', 'DOCS', name));
      for (let i = 0; i < VECTORS; i++) {
        const v = [...nameWords(g, name), ...generateVector(g, args)];
        // Redis looks a (sub)command name up in a dict that hashes all its bytes but compares up
        // to a NUL: "GET\0x" after CONFIG is found or not depending on the process's hash seed.
        if (v[1]?.includes('\0')) v[1] = 'x';
        vectors.push(v);
      }
    }
    const mismatches = await compare(vectors);
    expect(mismatches.slice(0, 20), `${mismatches.length} of ${vectors.length * 2} differ`).toEqual([]);
    // The vectors reach every outcome: keys found, and each of Redis's errors.
    const replies = await r.send(vectors.map((v) => ['COMMAND', 'GETKEYS', ...v].map((a) => Buffer.from(a, 'latin1'))));
    for (const rep of replies) {
      const kind = rep.kind === 'error' ? rep.text : rep.kind;
      outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    }
    for (const outcome of [
      'array',
      'ERR Invalid arguments specified for command',
      'ERR Invalid number of arguments specified for command',
      'ERR The command has no key arguments',
      'ERR Invalid command specified',
    ])
      expect(outcomes.get(outcome) ?? 0, outcome).toBeGreaterThan(20);
  });

  it('hand-written edge cases: identical replies', async () => {
    expect(await compare(HAND_WRITTEN)).toEqual([]);
    // COMMAND GETKEYS's own arity, and the subcommand in COMMAND HELP.
    for (const args of [
      ['COMMAND', 'GETKEYS', 'get'],
      ['COMMAND', 'GETKEYSANDFLAGS'],
      ['COMMAND', 'HELP'],
    ]) {
      const [a, b] = await Promise.all([r.call(...args), s.call(...args)]);
      expect(serialize(b), args.join(' ')).toBe(serialize(a));
    }
  });
});

// COMMAND INFO and COMMAND DOCS of every command and subcommand the store has, compared field by
// field with redis-server 7.0.15's (subcommands: the store's must be among Redis's, each equal).
// A mismatch names the command and the field; a command added without regenerating the metadata
// shows up here: run `node scripts/gen-command-meta.mjs` (rows in the .def files copy the rest).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize } from './diff/compare.js';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import type { RespValue } from './diff/resp.js';
import { RespClient } from './diff/resp-client.js';
import { startTestStore, type TestStore } from './store-harness.js';

const INFO_FIELDS = ['name', 'arity', 'flags', 'first_key', 'last_key', 'step', 'acl', 'tips', 'key_specs'];

const arr = (v: RespValue | undefined): RespValue[] => (v && v.kind === 'array' && v.items ? v.items : []);
const str = (v: RespValue | undefined): string =>
  v && v.kind === 'bulk' && v.data ? v.data.toString('latin1') : v && v.kind !== 'array' ? String(v.kind) : '';

function compareInfo(name: string, ours: RespValue, theirs: RespValue, out: string[]): void {
  const a = arr(ours);
  const b = arr(theirs);
  INFO_FIELDS.forEach((field, i) => {
    if (serialize(a[i] ?? { kind: 'bulk', data: null }) !== serialize(b[i] ?? { kind: 'bulk', data: null }))
      out.push(`${name} INFO ${field}`);
  });
  const theirSubs = new Map(arr(b[9]).map((s) => [str(arr(s)[0]), s]));
  for (const sub of arr(a[9])) {
    const subName = str(arr(sub)[0]);
    const t = theirSubs.get(subName);
    if (t) compareInfo(subName, sub, t, out);
  }
}

function compareDocs(name: string, ours: RespValue, theirs: RespValue, out: string[]): void {
  const fields = (v: RespValue): Map<string, RespValue> => {
    const items = arr(v);
    const m = new Map<string, RespValue>();
    for (let i = 0; i + 1 < items.length; i += 2) m.set(str(items[i]), items[i + 1] as RespValue);
    return m;
  };
  const a = fields(ours);
  const b = fields(theirs);
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => k !== 'subcommands');
  for (const k of keys) {
    const x = a.get(k);
    const y = b.get(k);
    if (!x || !y || serialize(x) !== serialize(y)) out.push(`${name} DOCS ${k}`);
  }
  if (
    [...a.keys()].filter((k) => k !== 'subcommands').join() !== [...b.keys()].filter((k) => k !== 'subcommands').join()
  )
    out.push(`${name} DOCS field order`);
  const theirSubs = fields(b.get('subcommands') ?? { kind: 'array', items: [] });
  for (const [subName, sub] of fields(a.get('subcommands') ?? { kind: 'array', items: [] })) {
    const t = theirSubs.get(subName);
    if (t) compareDocs(subName, sub, t, out);
  }
}

describe('COMMAND metadata: the store describes its commands as redis-server 7.0.15 does', () => {
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

  it('COMMAND INFO and COMMAND DOCS of every command, field by field', async () => {
    const names = arr(await s.call('COMMAND', 'LIST')).map(str);
    const redisNames = new Set(arr(await r.call('COMMAND', 'LIST')).map(str));
    const shared = names.filter((n) => redisNames.has(n));
    expect(shared.length).toBeGreaterThan(100);
    const mismatches: string[] = [];
    for (const name of shared) {
      const [ri, si] = await Promise.all([r.call('COMMAND', 'INFO', name), s.call('COMMAND', 'INFO', name)]);
      compareInfo(name, arr(si)[0] as RespValue, arr(ri)[0] as RespValue, mismatches);
      const [rd, sd] = await Promise.all([r.call('COMMAND', 'DOCS', name), s.call('COMMAND', 'DOCS', name)]);
      compareDocs(name, arr(sd)[1] as RespValue, arr(rd)[1] as RespValue, mismatches);
    }
    expect(mismatches, `differences (rerun node scripts/gen-command-meta.mjs for new commands)`).toEqual([]);
  });

  it('COMMAND COUNT, LIST and its filters, INFO/DOCS of unknown names', async () => {
    const top = arr(await s.call('COMMAND')).length;
    expect(await s.call('COMMAND', 'COUNT')).toEqual({ kind: 'integer', text: String(top) });
    for (const args of [
      ['COMMAND', 'INFO', 'nosuchcommand'],
      ['COMMAND', 'DOCS', 'nosuchcommand'],
      ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuchcat'],
      ['COMMAND', 'LIST', 'FILTERBY', 'FOO', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY'],
      ['COMMAND', 'INFO', 'get', 'nosuchcommand', 'config|get'],
    ]) {
      const [a, b] = await Promise.all([r.call(...args), s.call(...args)]);
      expect(b, args.join(' ')).toEqual(a);
    }
    // Filters: what the store lists is exactly Redis's list restricted to the store's commands.
    const ours = new Set(arr(await s.call('COMMAND', 'LIST')).map(str));
    for (const filter of [
      ['ACLCAT', 'transaction'],
      ['ACLCAT', 'string'],
      ['PATTERN', 'CONFIG*'],
      ['PATTERN', '*|help'],
    ]) {
      const a = arr(await r.call('COMMAND', 'LIST', 'FILTERBY', ...filter))
        .map(str)
        .filter((n) => ours.has(n))
        .sort();
      const b = arr(await s.call('COMMAND', 'LIST', 'FILTERBY', ...filter))
        .map(str)
        .sort();
      expect(b, filter.join(' ')).toEqual(a);
      expect(b.length).toBeGreaterThan(0);
    }
  });
});

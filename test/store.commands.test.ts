// Every command through redis-cli, against Redis's own replies: the cases below were captured
// from redis-server 7.0.15 with the same commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachController } from '../src/controller/index.js';
import { startTestStore, type TestStore } from './store-harness.js';

const CASES: [string[], string][] = [
  [['set', 's', 'hello'], 'OK'],
  [['hset', 'h', 'f', 'v'], '(integer) 1'],
  [['lpush', 'l', 'a'], '(integer) 1'],
  [['sadd', 'st', 'm'], '(integer) 1'],
  [['foo', 'a', 'b'], "(error) ERR unknown command 'foo', with args beginning with: 'a' 'b' "],
  [['foo'], "(error) ERR unknown command 'foo', with args beginning with: "],
  [['get'], "(error) ERR wrong number of arguments for 'get' command"],
  [['get', 's', 'x'], "(error) ERR wrong number of arguments for 'get' command"],
  [['incr', 's'], '(error) ERR value is not an integer or out of range'],
  [['get', 'h'], '(error) WRONGTYPE Operation against a key holding the wrong kind of value'],
  [['set', 'k', 'v', 'EX', '0'], "(error) ERR invalid expire time in 'set' command"],
  [['set', 'k', 'v', 'EX', 'abc'], '(error) ERR value is not an integer or out of range'],
  [['set', 'k', 'v', 'NX', 'XX'], '(error) ERR syntax error'],
  [['set', 'k', 'v', 'foo'], '(error) ERR syntax error'],
  [['set', 'k', 'v', 'PX', '-1'], "(error) ERR invalid expire time in 'set' command"],
  [['setrange', 's', '-1', 'x'], '(error) ERR offset is out of range'],
  [['setrange', 's', '536870912', 'x'], '(error) ERR string exceeds maximum allowed size (proto-max-bulk-len)'],
  [['getrange', 's', 'a', 'b'], '(error) ERR value is not an integer or out of range'],
  [['getrange', 's', '1', '3'], '"ell"'],
  [['getrange', 's', '-3', '-1'], '"llo"'],
  [['getrange', 's', '5', '1'], '""'],
  [['getrange', 'nokey', '0', '1'], '""'],
  [['setrange', 's', '10', 'xyz'], '(integer) 13'],
  [['get', 's'], '"hello\\x00\\x00\\x00\\x00\\x00xyz"'],
  [['setrange', 'newk', '3', 'ab'], '(integer) 5'],
  [['strlen', 'newk'], '(integer) 5'],
  [['incrby', 's', '1'], '(error) ERR value is not an integer or out of range'],
  [['set', 'n', '9223372036854775807'], 'OK'],
  [['incr', 'n'], '(error) ERR increment or decrement would overflow'],
  [['decrby', 'n', '-1'], '(error) ERR increment or decrement would overflow'],
  [['decrby', 'n', '-9223372036854775808'], '(error) ERR decrement would overflow'],
  [['set', 'm', '-9223372036854775808'], 'OK'],
  [['decr', 'm'], '(error) ERR increment or decrement would overflow'],
  [['incrby', 'n2', '-9223372036854775808'], '(integer) -9223372036854775808'],
  [['incr', 'n2'], '(integer) -9223372036854775807'],
  [['select', '16'], '(error) ERR DB index is out of range'],
  [['select', '-1'], '(error) ERR DB index is out of range'],
  [['select', '1'], 'OK'],
  [['select', '0'], 'OK'],
  [['select', 'x'], '(error) ERR value is not an integer or out of range'],
  [['rename', 'nokey', 'b'], '(error) ERR no such key'],
  [['expire', 's', 'abc'], '(error) ERR value is not an integer or out of range'],
  [['hincrby', 'h', 'f', '1'], '(error) ERR hash value is not an integer'],
  [['hincrby', 'h', 'g', '5'], '(integer) 5'],
  [['hincrby', 'h', 'g', '9223372036854775807'], '(error) ERR increment or decrement would overflow'],
  [['hset', 'h', 'f'], "(error) ERR wrong number of arguments for 'hset' command"],
  [['hmget', 'h', 'f', 'g', 'zz'], '1) "v"\n2) "5"\n3) (nil)'],
  [['hmget', 's', 'f'], '(error) WRONGTYPE Operation against a key holding the wrong kind of value'],
  [['hdel', 'h', 'zz', 'f'], '(integer) 1'],
  [['hlen', 'h'], '(integer) 1'],
  [['hexists', 'h', 'g'], '(integer) 1'],
  [['lpop', 'l', '-1'], '(error) ERR value is out of range, must be positive'],
  [['lpop', 'l', '0'], '(empty array)'],
  [['lpop', 'nol', '0'], '(nil)'],
  [['lpop', 'l', '1', '2'], "(error) ERR wrong number of arguments for 'lpop' command"],
  [['rpush', 'l2', 'a', 'b', 'c', 'd', 'e'], '(integer) 5'],
  [['lrange', 'l2', '1', '-2'], '1) "b"\n2) "c"\n3) "d"'],
  [['lrange', 'l2', '-100', '100'], '1) "a"\n2) "b"\n3) "c"\n4) "d"\n5) "e"'],
  [['lrange', 'l2', '5', '1'], '(empty array)'],
  [['lindex', 'l2', '-1'], '"e"'],
  [['lindex', 'l2', '10'], '(nil)'],
  [['lindex', 'l2', 'x'], '(error) ERR value is not an integer or out of range'],
  [['rpop', 'l2', '2'], '1) "e"\n2) "d"'],
  [['llen', 'l2'], '(integer) 3'],
  [['lrange', 'l', 'a', 'b'], '(error) ERR value is not an integer or out of range'],
  [['lindex', 'l', 'x'], '(error) ERR value is not an integer or out of range'],
  [['config', 'get'], "(error) ERR wrong number of arguments for 'config|get' command"],
  [['config', 'foo'], "(error) ERR unknown subcommand 'foo'. Try CONFIG HELP."],
  [['client', 'foo'], "(error) ERR unknown subcommand 'foo'. Try CLIENT HELP."],
  [['hello', '4'], '(error) NOPROTO unsupported protocol version'],
  [['hello', 'abc'], '(error) ERR Protocol version is not an integer or out of range'],
  [['command', 'foo'], "(error) ERR unknown subcommand 'foo'. Try COMMAND HELP."],
  [['memory', 'usage', 'nokey'], '(nil)'],
  [['memory', 'foo'], "(error) ERR unknown subcommand 'foo'. Try MEMORY HELP."],
  [['scan', 'abc'], '(error) ERR invalid cursor'],
  [['scan', '0', 'count', '0'], '(error) ERR syntax error'],
  [['scan', '0', 'foo'], '(error) ERR syntax error'],
  [['scan', '0', 'type'], '(error) ERR syntax error'],
  [['keys'], "(error) ERR wrong number of arguments for 'keys' command"],
  [['client', 'setname', 'a b'], '(error) ERR Client names cannot contain spaces, newlines or special characters.'],
  [['sadd', 'st'], "(error) ERR wrong number of arguments for 'sadd' command"],
  [['sadd', 'st', 'a', 'b', 'a'], '(integer) 2'],
  [['srem', 'st', 'a', 'zz'], '(integer) 1'],
  [['sismember', 'st', 'b'], '(integer) 1'],
  [['scard', 'st'], '(integer) 2'],
  [['scard', 'nos'], '(integer) 0'],
  [['info', 'foo'], ''],
  [['config', 'set', 'foo', '1'], "(error) ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
  [['ping', 'a', 'b'], "(error) ERR wrong number of arguments for 'ping' command"],
  [['ping'], 'PONG'],
  [['ping', 'hi'], '"hi"'],
  [['echo'], "(error) ERR wrong number of arguments for 'echo' command"],
  [['echo', 'hello'], '"hello"'],
  [['ttl', 'nokey'], '(integer) -2'],
  [['expire', 's', '100'], '(integer) 1'],
  [['expire', 's', '10', 'NX'], '(integer) 0'],
  [['expire', 's', '50', 'XX', 'GT'], '(integer) 0'],
  [['expire', 's', '200', 'LT'], '(integer) 0'],
  [['persist', 's'], '(integer) 1'],
  [['expire', 's', '10', 'NX', 'XX'], '(error) ERR NX and XX, GT or LT options at the same time are not compatible'],
  [['expire', 's', '10', 'GT', 'LT'], '(error) ERR GT and LT options at the same time are not compatible'],
  [['expire', 's', '10', 'foo'], '(error) ERR Unsupported option foo'],
  [['expire', 's', '9223372036854775807'], "(error) ERR invalid expire time in 'expire' command"],
  [['pexpire', 's', '-1'], '(integer) 1'],
  [['exists', 's'], '(integer) 0'],
  [['getset', 'h', 'x'], '(error) WRONGTYPE Operation against a key holding the wrong kind of value'],
  [['append', 'h', 'x'], '(error) WRONGTYPE Operation against a key holding the wrong kind of value'],
  [['append', 'ap', 'abc'], '(integer) 3'],
  [['append', 'ap', 'def'], '(integer) 6'],
  [['get', 'ap'], '"abcdef"'],
  [['strlen', 'h'], '(error) WRONGTYPE Operation against a key holding the wrong kind of value'],
  [['mset', 'a'], "(error) ERR wrong number of arguments for 'mset' command"],
  [['mset', 'a', '1', 'b', '2'], 'OK'],
  [['mget', 'a', 'b', 'h', 'nokey'], '1) "1"\n2) "2"\n3) (nil)\n4) (nil)'],
  [['exists', 'a', 'b', 'a', 'nokey'], '(integer) 3'],
  [['del', 'a', 'b', 'nokey'], '(integer) 2'],
  [['setnx', 'a', '1'], '(integer) 1'],
  [['setnx', 'a', '2'], '(integer) 0'],
  [['getset', 'a', '3'], '"1"'],
  [['getset', 'zz', '1'], '(nil)'],
  [['type', 'a'], 'string'],
  [['type', 'h'], 'hash'],
  [['type', 'l2'], 'list'],
  [['type', 'st'], 'set'],
  [['type', 'nokey'], 'none'],
  [['persist', 'nokey'], '(integer) 0'],
  [['set', 'k', 'v', 'get'], '(nil)'],
  [['set', 'k', 'w', 'get'], '"v"'],
  [['set', 'k', 'x', 'nx', 'get'], '"w"'],
  [['set', 'k', 'y', 'xx'], 'OK'],
  [['get', 'k'], '"y"'],
  [['set', 'k', 'z', 'keepttl'], 'OK'],
  [['set', 'k', 'v', 'ex', '10', 'px', '10'], '(error) ERR syntax error'],
  [['set', 'k', 'v', 'keepttl', 'ex', '10'], '(error) ERR syntax error'],
  [['set', 'k', 'v', 'get', 'nx'], '"z"'],
  [['dbsize', 'x'], "(error) ERR wrong number of arguments for 'dbsize' command"],
  [['flushall', 'foo'], '(error) ERR syntax error'],
  [['client', 'setname'], "(error) ERR wrong number of arguments for 'client|setname' command"],
  [['memory', 'usage', 's', 'samples', 'abc'], '(error) ERR value is not an integer or out of range'],
  [['rename', 'ap', 'ap2'], 'OK'],
  [['get', 'ap2'], '"abcdef"'],
  [['rename', 'nokey', 'x'], '(error) ERR no such key'],
  [['lpush', 'st', 'x'], '(error) WRONGTYPE Operation against a key holding the wrong kind of value'],
  [['incr', 'h'], '(error) WRONGTYPE Operation against a key holding the wrong kind of value'],
  [['smembers', 'h'], '(error) WRONGTYPE Operation against a key holding the wrong kind of value'],
  [['hgetall', 'l2'], '(error) WRONGTYPE Operation against a key holding the wrong kind of value'],
  [['lrange', 'st', '0', '1'], '(error) WRONGTYPE Operation against a key holding the wrong kind of value'],
  [['rpush', 'big', '1'], '(integer) 1'],
  [['flushall'], 'OK'],
  [['dbsize'], '(integer) 0'],
];

describe('store commands (redis-cli)', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await startTestStore();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('replies exactly as redis-server 7.0 to a sequence of commands and errors', async () => {
    const got: [string[], string][] = [];
    for (const [args] of CASES) got.push([args, await t.cli(...args)]);
    expect(got).toEqual(CASES);
  });

  it('TTL, PTTL, EXPIRE options, PERSIST and lazy expiry', async () => {
    await t.cli('set', 'tk', 'v', 'EX', '100');
    expect(await t.cli('ttl', 'tk')).toBe('(integer) 100');
    const pttl = Number((await t.cli('pttl', 'tk')).replace('(integer) ', ''));
    expect(pttl).toBeGreaterThan(98_000);
    expect(pttl).toBeLessThanOrEqual(100_000);
    expect(await t.cli('expire', 'tk', '50', 'GT')).toBe('(integer) 0');
    expect(await t.cli('expire', 'tk', '500', 'GT')).toBe('(integer) 1');
    expect(await t.cli('expire', 'tk', '20', 'LT')).toBe('(integer) 1');
    expect(await t.cli('ttl', 'tk')).toBe('(integer) 20');
    expect(await t.cli('set', 'tk', 'w', 'KEEPTTL')).toBe('OK');
    expect(await t.cli('ttl', 'tk')).toBe('(integer) 20');
    expect(await t.cli('set', 'tk', 'w')).toBe('OK');
    expect(await t.cli('ttl', 'tk')).toBe('(integer) -1');
    expect(await t.cli('pexpire', 'tk', '30')).toBe('(integer) 1');
    await new Promise((r) => setTimeout(r, 60));
    expect(await t.cli('get', 'tk')).toBe('(nil)');
    expect(await t.cli('set', 'tk2', 'v', 'PXAT', String(Date.now() + 100_000))).toBe('OK');
    expect(Number((await t.cli('ttl', 'tk2')).replace('(integer) ', ''))).toBeGreaterThan(95);
    expect(await t.cli('set', 'tk2', 'v', 'EXAT', '1')).toBe('OK'); // in the past: gone on access
    expect(await t.cli('exists', 'tk2')).toBe('(integer) 0');
  });

  it('HELLO, CLIENT, COMMAND, SELECT, QUIT', async () => {
    const hello = await t.cli('hello', '2', 'setname', 'me');
    expect(hello).toMatch(
      /^ 1\) "server"\n 2\) "redis"\n 3\) "version"\n 4\) "7\.0\.15"\n 5\) "proto"\n 6\) \(integer\) 2/,
    );
    expect(await t.cli('hello', '3')).toBe('(error) NOPROTO unsupported protocol version');
    expect(await t.cli('hello', '2', 'auth', 'a', 'b')).toBe(
      '(error) WRONGPASS invalid username-password pair or user is disabled.',
    );
    expect(await t.cli('hello', '2', 'foo')).toBe("(error) ERR Syntax error in HELLO option 'foo'");
    expect(await t.cli('client', 'getname')).toBe('(nil)');
    expect(await t.cli('client', 'id')).toMatch(/^\(integer\) \d+$/);
    expect(await t.cli('client', 'list')).toMatch(
      /^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=\d+ name= age=\d+ .*cmd=client\|list user=default redir=-1 resp=2$/,
    );
    expect(await t.cli('command', 'count')).toMatch(/^\(integer\) \d+$/);
    const info = await t.cli('command', 'info', 'get', 'nosuch');
    expect(info).toContain('1)  1) "get"\n    2) (integer) 2\n    3) 1) readonly\n       2) fast');
    expect(info).toContain('2) (nil)');
    expect(await t.cli('select', '0')).toBe('OK');
    expect(await t.cli('quit')).toBe('OK');
  });

  it('KEYS, SCAN (MATCH, COUNT, TYPE) and RANDOMKEY', async () => {
    await t.cli('flushall');
    expect(await t.cli('randomkey')).toBe('(nil)');
    for (let i = 0; i < 30; i++) await t.cli('set', `scan:${i}`, 'x');
    await t.cli('rpush', 'scanlist', 'a');
    expect((await t.cli('keys', 'scan:1?')).split('\n').length).toBe(10);
    expect(await t.cli('keys', 'scan:[2-3]')).toMatch(/^1\) "scan:[23]"\n2\) "scan:[23]"$/);
    const seen = new Set<string>();
    let cursor = '0';
    let rounds = 0;
    do {
      const out = (await t.cli('scan', cursor, 'count', '7', 'match', 'scan*', 'type', 'string')).split('\n');
      cursor = out[0]!.replace(/^1\) "(\d+)"$/, '$1');
      for (const l of out.slice(1)) {
        const m = /"(scan:\d+)"/.exec(l);
        if (m) seen.add(m[1]!);
      }
      rounds++;
    } while (cursor !== '0' && rounds < 100);
    expect(seen.size).toBe(30);
    expect(await t.cli('randomkey')).toMatch(/^"scan(:\d+|list)"$/);
    expect(await t.cli('dbsize')).toBe('(integer) 31');
  });

  it('INFO sections, CONFIG GET/SET of the tiering parameters, MEMORY USAGE/STATS', async () => {
    await t.cli('flushall');
    await t.cli('set', 'small', 'x'.repeat(10));
    await t.cli('set', 'large', 'y'.repeat(1000));
    const mem = await t.cli('info', 'memory');
    expect(mem).toMatch(/^# Memory/);
    for (const f of [
      'used_memory',
      'used_memory_dram',
      'used_memory_pmem',
      'pmem_threshold',
      'dram_share',
      'dram_share_target',
    ]) {
      expect(mem).toMatch(new RegExp(`\r?\n${f}:`));
    }
    expect(mem).toContain('pmem_threshold:256');
    const tiering = await t.cli('info', 'tiering');
    expect(tiering).toContain(
      'type_string:keys=2,dram_bytes=16,pmem_bytes=1024,dram_values=1,pmem_values=1,key_bytes=96,metadata_bytes=0',
    );
    const all = await t.cli('info');
    for (const s of ['# Server', '# Clients', '# Memory', '# Stats', '# Tiering', '# Keyspace'])
      expect(all).toContain(s);
    expect(all).toContain('db0:keys=2,expires=0,avg_ttl=0');
    expect(await t.cli('config', 'get', 'pmem-threshold')).toBe('1) "pmem-threshold"\n2) "256"');
    expect(await t.cli('config', 'set', 'pmem-threshold', '2kb')).toBe('OK');
    expect(t.alloc.threshold).toBe(2048);
    await t.cli('set', 'large2', 'y'.repeat(1000));
    expect(t.server.composition().types.string.tiers.dram.allocations).toBe(2); // 1000 B < 2 KiB
    expect(await t.cli('config', 'set', 'pmem-threshold', 'abc')).toBe(
      "(error) ERR CONFIG SET failed (possibly related to argument 'pmem-threshold') - argument must be a memory value",
    );
    expect(await t.cli('config', 'set', 'tier-policy', 'strict')).toBe('OK');
    expect(t.alloc.policy).toBe('strict');
    expect(await t.cli('config', 'set', 'tier-policy', 'bogus')).toBe(
      "(error) ERR CONFIG SET failed (possibly related to argument 'tier-policy') - argument(s) must be one of the following: spill, strict",
    );
    await t.cli('config', 'set', 'tier-policy', 'spill');
    expect(await t.cli('config', 'set', 'pmem-limit', '1gb', 'dram-limit', '512mb')).toBe('OK');
    expect(await t.cli('config', 'get', '*-limit')).toMatch(/"pmem-limit"\n *\d+\) "1073741824"/);
    await t.cli('config', 'set', 'pmem-limit', '0', 'dram-limit', '0');
    expect(await t.cli('config', 'set', 'dram-pmem-ratio', '1:4')).toBe(
      "(error) ERR CONFIG SET failed (possibly related to argument 'dram-pmem-ratio') - no ratio controller is attached to this store",
    );
    expect(await t.cli('config', 'set', 'databases', '4')).toBe(
      "(error) ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config",
    );
    expect(await t.cli('config', 'get', 'save')).toBe('1) "save"\n2) ""');
    expect(await t.cli('memory', 'usage', 'large')).toMatch(/^\(integer\) (\d+)$/);
    expect(Number((await t.cli('memory', 'usage', 'large')).slice(10))).toBeGreaterThan(1024);
    const stats = await t.cli('memory', 'stats');
    expect(stats).toContain('"dataset.bytes"');
    expect(stats).toContain('"type.string"');
    await t.cli('config', 'set', 'pmem-threshold', '256');
  });

  it('CONFIG SET of the target ratio and bounds drives an attached controller', async () => {
    const ctlStore = await startTestStore({ threshold: 4096 });
    const ctl = attachController(ctlStore.alloc, { targetShare: 0.5 }, { timer: false });
    await ctlStore.server.close(); // keep its allocator, serve it again with the controller attached
    const { startStoreServer } = await import('../src/store/index.js');
    const s = await startStoreServer({ allocator: ctlStore.alloc, port: 0, controller: ctl });
    const port = String(s.address.port);
    const { execFile } = await import('node:child_process');
    const call = (...args: string[]): Promise<string> =>
      new Promise((res, rej) => {
        execFile('redis-cli', ['--no-raw', '-p', port, ...args], (err, out) =>
          err ? rej(new Error(err.message)) : res(out.replace(/\n$/, '')),
        );
      });
    try {
      expect(await call('config', 'get', 'dram-pmem-ratio')).toBe('1) "dram-pmem-ratio"\n2) "1:1"');
      expect(await call('config', 'set', 'dram-pmem-ratio', '1:4')).toBe('OK');
      expect(ctl.params.targetShare).toBeCloseTo(0.2);
      expect(await call('config', 'get', 'memory-alloc-policy')).toBe('1) "memory-alloc-policy"\n2) "ratio"');
      expect(await call('config', 'set', 'dynamic-threshold-min', '64', 'dynamic-threshold-max', '1mb')).toBe('OK');
      expect(ctl.params.minThreshold).toBe(64);
      expect(ctl.params.maxThreshold).toBe(1024 * 1024);
      expect(await call('config', 'set', 'dynamic-threshold-min', '2mb')).toMatch(
        /^\(error\) ERR CONFIG SET failed \(possibly related to argument 'dynamic-threshold-min'\) - /,
      );
      expect(ctl.params.minThreshold).toBe(64);
      expect(await call('config', 'set', 'pmem-threshold', '1000')).toBe('OK');
      expect(ctl.status).toBe('paused');
      expect(ctlStore.alloc.threshold).toBe(1000);
      expect(await call('config', 'get', 'memory-alloc-policy')).toBe('1) "memory-alloc-policy"\n2) "threshold"');
      expect(await call('info', 'tiering')).toContain('controller_status:paused');
      expect(await call('config', 'set', 'memory-alloc-policy', 'ratio')).toBe('OK');
      expect(ctl.status).not.toBe('paused');
      expect(await call('info', 'memory')).toContain('dram_share_target:0.2000');
    } finally {
      ctl.stop();
      await s.close();
      ctlStore.alloc.close();
    }
  });
});

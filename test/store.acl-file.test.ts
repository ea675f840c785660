// The ACL file against redis-server 7.0.15, differentially: the same file given to both (each its
// own copy, its path shown as FILE), then ACL LOAD, ACL SAVE, ACL LIST, CONFIG GET/SET aclfile and
// the clients that LOAD disconnects compared; start-up with a bad file fails with Redis's text.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStoreServer } from '../src/store/index.js';
import { createAllocator } from '../src/allocator.js';
import { canonicalReply } from './diff/acl-rules.js';
import { formatReply } from './diff/format.js';
import { freePort, startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import type { RespValue } from './diff/resp.js';
import { startTestStore, type TestStore } from './store-harness.js';
import { runToExit } from './conf-servers.js';

const DEFAULT_LINE = 'user default on nopass ~* &* +@all\n';

interface Side {
  name: 'redis' | 'store';
  port: number;
  file: string;
  admin: RespClient;
}

/** Replies as text with the side's path replaced by FILE (errors name the file). */
function shown(side: Side, v: RespValue): string {
  return canonicalReply(v).split(side.file).join('FILE');
}

/** Wait until the server closes c (a PING then fails), or give up after a second. */
async function closedByServer(c: RespClient): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    try {
      await c.call('PING');
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('ACL LOAD, ACL SAVE and aclfile, differential against redis-server 7.0.15', () => {
  let dir: string;
  let redis: RedisServer;
  let store: TestStore;
  const sides: Side[] = [];

  /** Write text (latin1 bytes) as both sides' ACL file. */
  const writeBoth = (text: string | Buffer): void => {
    for (const s of sides) writeFileSync(s.file, typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  };
  /** The same command on both sides' admin connections: the replies, FILE-normalised. */
  const both = async (...args: string[]): Promise<[string, string]> => {
    const out = await Promise.all(sides.map(async (s) => shown(s, await s.admin.call(...args))));
    return [out[0]!, out[1]!];
  };
  const same = async (...args: string[]): Promise<string> => {
    const [r, t] = await both(...args);
    expect(t, args.join(' ')).toBe(r);
    return r;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(os.tmpdir(), 'tiermem-aclfile-'));
    for (const n of ['r', 't']) mkdirSync(join(dir, n));
    const rfile = join(dir, 'r', 'users.acl');
    const tfile = join(dir, 't', 'users.acl');
    writeFileSync(rfile, DEFAULT_LINE);
    writeFileSync(tfile, DEFAULT_LINE);
    redis = await startRedisServer(['--aclfile', rfile]);
    store = await startTestStore(
      {},
      { settings: [{ name: 'aclfile', value: tfile, where: { file: null, line: 1, text: `aclfile ${tfile}` } }] },
    );
    sides.push({ name: 'redis', port: redis.port, file: rfile, admin: await RespClient.connect(redis.port) });
    sides.push({ name: 'store', port: store.port, file: tfile, admin: await RespClient.connect(store.port) });
  });
  afterAll(async () => {
    for (const s of sides) s.admin.close();
    await store?.close();
    await redis?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows aclfile, refuses to change it, and lists LOAD and SAVE in ACL HELP', async () => {
    expect(await same('CONFIG', 'GET', 'aclfile')).toBe('["aclfile", "FILE"]');
    expect(await same('CONFIG', 'SET', 'aclfile', '/tmp/x')).toContain("can't set immutable config");
    expect(await same('ACL', 'HELP')).toContain('Reload users from the ACL file.');
    expect(await same('ACL', 'LOAD', 'x')).toContain('wrong number of arguments');
    expect(await same('ACL', 'SAVE', 'x')).toContain('wrong number of arguments');
  });

  it('refuses a bad file as a whole, naming every bad line as Redis does', async () => {
    writeBoth('user keep on nopass ~k* +get\n' + DEFAULT_LINE);
    expect(await same('ACL', 'LOAD')).toBe('+OK');
    const before = await same('ACL', 'LIST');
    const bad = [
      'foo',
      'USER alice on',
      'user',
      'user alice on\nuser alice off',
      'user alice on +bogus ~x -nope +@what +config|nope',
      'user alice on %Z ~a allkeys ~b >ok',
      'user alice on #abc',
      'user alice on <notapassword',
      'user alice on allkeys ~x',
      'user alice on &* &x',
      'user alice on resetchannels &a b',
      'user al\tice on',
      'user alice (~x',
      'user alice on +config|get|x',
      'user alice on +get|',
      'user alice on (+get allkeys ~x)',
      'user alice on (+bogus ~x)',
      `${DEFAULT_LINE}user ok on\n\nfoo bar\nuser ok2 on +@nope\r\nuser ok\nuser bad on ~a\tb`,
    ];
    for (const text of bad) {
      writeBoth(text);
      const [r, t] = await both('ACL', 'LOAD');
      expect(r, text).toMatch(/^\(error\) ERR /);
      expect(t, text).toBe(r);
      expect(await same('ACL', 'LIST'), text).toBe(before);
    }
    // A missing file.
    for (const s of sides) rmSync(s.file);
    expect(await same('ACL', 'LOAD')).toBe(
      "(error) ERR Error loading ACLs, opening file 'FILE': No such file or directory",
    );
    expect(await same('ACL', 'LIST')).toBe(before);
  });

  it('loads good files: blank lines, CRLF, tabs, repeated spaces, NUL bytes, selectors, no default', async () => {
    const good: (string | Buffer)[] = [
      'user alice on >pw ~a* +get\r\n\r\n   \n\tuser bob off\t\n' + DEFAULT_LINE,
      // No default line: the default user becomes on nopass ~* &* +@all again.
      'user alice  on  nopass   +@read -@string ~x',
      'user default on >secret ~* &* +@all -flushall',
      'user carol on nopass resetkeys %R~r* %W~w* &ch* +@all -@dangerous +acl|whoami (+set ~s*) (+get  ~g* %R~h*)',
      'user dave on nopass +select|0 +select|1 -@all +client|id',
      '',
      // fgets reads at most 1023 bytes at a time and Redis appends each piece as a C string: a
      // NUL byte drops the rest of its piece, newline included.
      Buffer.concat([
        Buffer.from('user erin on ~e\0junk\n +get\nuser frank on\n'),
        Buffer.from(`user long on ${'~' + 'k'.repeat(1500)} +get\n`),
        Buffer.from(DEFAULT_LINE),
      ]),
    ];
    for (const text of good) {
      writeBoth(text);
      const label = text.toString();
      expect(await same('ACL', 'LOAD'), label).toBe('+OK');
      await same('ACL', 'LIST');
      await same('ACL', 'USERS');
      await same('ACL', 'GETUSER', 'default');
      // A new connection authenticates (or not) as the loaded default user says.
      const replies = await Promise.all(
        sides.map(async (s) => {
          const c = await RespClient.connect(s.port);
          const r = formatReply(await c.call('PING'));
          c.close();
          return r;
        }),
      );
      expect(replies[1], label).toBe(replies[0]);
    }
    writeBoth(DEFAULT_LINE);
    expect(await same('ACL', 'LOAD')).toBe('+OK');
  });

  it("disconnects every former user's clients but the default user's; the caller gets its reply", async () => {
    writeBoth('user alice on nopass +@all ~*\nuser bob on nopass +@all ~*\n' + DEFAULT_LINE);
    expect(await same('ACL', 'LOAD')).toBe('+OK');
    for (const s of sides) {
      const alice = await RespClient.connect(s.port);
      const bob = await RespClient.connect(s.port);
      const plain = await RespClient.connect(s.port);
      expect(formatReply(await alice.call('AUTH', 'alice', 'x'))).toBe('+OK');
      expect(formatReply(await bob.call('AUTH', 'bob', 'x'))).toBe('+OK');
      // The same file again: unchanged users' clients go all the same (Redis 7.0 frees every
      // old user).
      expect(formatReply(await alice.call('ACL', 'LOAD')), s.name).toBe('+OK');
      expect(await closedByServer(alice), s.name).toBe(true);
      expect(await closedByServer(bob), s.name).toBe(true);
      expect(formatReply(await plain.call('ACL', 'WHOAMI')), s.name).toBe('"default"');
      plain.close();
    }
    // A failed LOAD disconnects nobody.
    for (const s of sides) {
      const bob = await RespClient.connect(s.port);
      expect(formatReply(await bob.call('AUTH', 'bob', 'x'))).toBe('+OK');
      writeFileSync(s.file, 'nonsense\n');
      expect(formatReply(await s.admin.call('ACL', 'LOAD'))).toMatch(/^\(error\)/);
      expect(formatReply(await bob.call('ACL', 'WHOAMI')), s.name).toBe('"bob"');
      bob.close();
    }
    writeBoth(DEFAULT_LINE);
    expect(await same('ACL', 'LOAD')).toBe('+OK');
  });

  it('SAVE writes ACL LIST through a temp file renamed over the old one; LOAD reads it back', async () => {
    writeBoth(DEFAULT_LINE);
    await same('ACL', 'LOAD');
    await same('ACL', 'SETUSER', 'zoe', 'on', '>pw', '~z*', '&c', '+@hash', '-hdel', '(+get ~g*)');
    await same('ACL', 'SETUSER', 'adam', 'off', 'nopass', 'allkeys', '+select|0');
    const inode = sides.map((s) => statSync(s.file).ino);
    expect(await same('ACL', 'SAVE')).toBe('+OK');
    const list = sides.map((s) => {
      const reply = readFileSync(s.file, 'latin1');
      expect(reply.endsWith('\n')).toBe(true);
      return reply.slice(0, -1).split('\n');
    });
    // The store's file is its ACL LIST, line for line; and both files say the same.
    const storeList = await sides[1]!.admin.call('ACL', 'LIST');
    expect(list[1]).toEqual(
      storeList.kind === 'array'
        ? storeList.items?.map((i) => (i.kind === 'bulk' ? i.data?.toString('latin1') : ''))
        : [],
    );
    const asReply = (lines: string[]): RespValue => ({
      kind: 'array',
      items: lines.map((l) => ({ kind: 'bulk', data: Buffer.from(l, 'latin1') })),
    });
    expect(canonicalReply(asReply(list[1]!))).toBe(canonicalReply(asReply(list[0]!)));
    sides.forEach((s, i) => {
      expect(statSync(s.file).ino).not.toBe(inode[i]);
      expect(readdirSync(join(s.file, '..'))).toEqual(['users.acl']);
    });
    const listed = await same('ACL', 'LIST');
    await same('ACL', 'DELUSER', 'zoe');
    expect(await same('ACL', 'LOAD')).toBe('+OK');
    expect(await same('ACL', 'LIST')).toBe(listed);
    // A directory that is gone: the error, and no temp file.
    for (const s of sides) rmSync(join(s.file, '..'), { recursive: true });
    expect(await same('ACL', 'SAVE')).toBe(
      '(error) ERR There was an error trying to save the ACLs. Please check the server logs for more information',
    );
    for (const s of sides) {
      expect(existsSync(join(s.file, '..'))).toBe(false);
      mkdirSync(join(s.file, '..'));
      writeFileSync(s.file, DEFAULT_LINE);
    }
    expect(await same('ACL', 'LOAD')).toBe('+OK');
  });
});

describe('without an aclfile, and at start-up', () => {
  it('LOAD and SAVE answer as Redis without an aclfile', async () => {
    const redis = await startRedisServer();
    const store = await startTestStore();
    try {
      const r = await RespClient.connect(redis.port);
      const t = await RespClient.connect(store.port);
      for (const cmd of [
        ['ACL', 'LOAD'],
        ['ACL', 'SAVE'],
        ['ACL', 'LOAD', 'x'],
        ['CONFIG', 'GET', 'aclfile'],
      ]) {
        const want = formatReply(await r.call(...cmd));
        expect(formatReply(await t.call(...cmd)), cmd.join(' ')).toBe(want);
      }
      expect(formatReply(await t.call('ACL', 'LOAD'))).toContain('not configured to use an ACL file');
      r.close();
      t.close();
    } finally {
      await store.close();
      await redis.close();
    }
  });

  it("a bad or missing aclfile stops start-up with Redis's text; a good one gives its users", async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'tiermem-aclfile-start-'));
    try {
      const bad = join(dir, 'bad.acl');
      writeFileSync(bad, 'user a on +nope\nuser b on ~x allkeys\n');
      const why = (out: string): string => /Aborting Redis startup because of ACL errors: .*/.exec(out)?.[0] ?? out;
      const [r, t] = await Promise.all([
        runToExit('redis-server', ['--port', String(await freePort()), '--save', '', '--aclfile', bad]),
        runToExit('tiermem', ['--port', '0', '--no-metrics', '--socket', join(dir, 't.sock'), '--aclfile', bad]),
      ]);
      expect(r.code).toBe(1);
      expect(t.code).toBe(2);
      expect(why(t.output)).toBe(why(r.output));
      expect(why(t.output)).toContain(`${bad}:1: Error in applying operation '+nope'`);
      const alloc = createAllocator({ threshold: 256 });
      try {
        const missing = join(dir, 'none.acl');
        const where = { file: null, line: 1, text: '' };
        await expect(
          startStoreServer({ allocator: alloc, port: 0, settings: [{ name: 'aclfile', value: missing, where }] }),
        ).rejects.toThrow(
          `Aborting Redis startup because of ACL errors: Error loading ACLs, opening file '${missing}': No such file or directory`,
        );
        const good = join(dir, 'good.acl');
        writeFileSync(good, 'user default on >pw ~* &* +@all\nuser ro on nopass ~* +@read\n');
        const server = await startStoreServer({
          allocator: alloc,
          port: 0,
          settings: [{ name: 'aclfile', value: good, where }],
        });
        try {
          const c = await RespClient.connect(server.address.port);
          expect(formatReply(await c.call('PING'))).toBe('(error) NOAUTH Authentication required.');
          expect(formatReply(await c.call('AUTH', 'ro', 'x'))).toBe('+OK');
          expect(formatReply(await c.call('SET', 'k', 'v'))).toBe(
            "(error) NOPERM this user has no permissions to run the 'set' command",
          );
          c.close();
        } finally {
          await server.close();
        }
      } finally {
        alloc.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

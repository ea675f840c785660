// Security and connection limits of the store, through real clients (redis-cli, ioredis, raw
// sockets): requirepass and AUTH, ACL users, protected mode, maxclients, timeout, tcp-keepalive,
// client-query-buffer-limit and proto-max-bulk-len. Error texts are redis-server 7.0.15's.
import { execFile } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENIED, admission, isLoopback } from '../src/store/security.js';
import { raw, resp, startTestStore, type TestStore } from './store-harness.js';

const run = promisify(execFile);

const NOAUTH = '(error) NOAUTH Authentication required.';
const WRONGPASS = '(error) WRONGPASS invalid username-password pair or user is disabled.';

/** redis-cli with extra connection options (-a, --user, -h). */
async function cli(port: number, opts: string[], ...args: string[]): Promise<string> {
  const r = await run('redis-cli', ['--no-raw', '--no-auth-warning', '-p', String(port), ...opts, ...args], {
    encoding: 'utf8',
  });
  return (r.stdout + r.stderr).replace(/\n$/, '');
}

/** A connection that stays open; resolves with the socket once connected. */
function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host, () => resolve(s));
    s.on('error', reject);
  });
}

/** What a socket receives until it closes (or `ms` pass). */
function collect(s: net.Socket, ms: number): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    let data = '';
    const t = setTimeout(() => resolve({ data, closed: false }), ms);
    s.on('data', (d: Buffer) => (data += d.toString('latin1')));
    s.on('close', () => {
      clearTimeout(t);
      resolve({ data, closed: true });
    });
  });
}

/** This machine's first non-loopback IPv4 address, if it has one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

describe('requirepass and AUTH', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await startTestStore({}, { requirepass: 'sekret' });
  });
  afterAll(() => t.close());

  it('refuses every command but AUTH/HELLO/QUIT before authentication, changing nothing', async () => {
    const admin = ['-a', 'sekret'];
    await cli(t.port, admin, 'SET', 'k', 'v');
    const before = await cli(t.port, admin, 'CONFIG', 'GET', '*');
    const writes: string[][] = [
      ['PING'],
      ['SET', 'k', 'other'],
      ['DEL', 'k'],
      ['FLUSHALL'],
      ['FLUSHDB'],
      ['CONFIG', 'SET', 'tier-policy', 'strict'],
      ['CONFIG', 'SET', 'dram-limit', '1mb'],
      ['CONFIG', 'SET', 'pmem-threshold', '1'],
      ['CONFIG', 'SET', 'dram-pmem-ratio', '1:9'],
      ['CONFIG', 'SET', 'memory-alloc-policy', 'threshold'],
      ['CONFIG', 'SET', 'requirepass', ''],
      ['CONFIG', 'SET', 'protected-mode', 'no'],
      ['CONFIG', 'SET', 'maxclients', '1'],
      ['CONFIG', 'RESETSTAT'],
      ['CONFIG', 'GET', 'requirepass'],
      ['ACL', 'SETUSER', 'default', 'nopass'],
      ['ACL', 'DELUSER', 'x'],
      ['ACL', 'LIST'],
      ['KEYS', '*'],
    ];
    for (const w of writes) expect([w, await t.cli(...w)]).toEqual([w, NOAUTH]);
    // redis-cli prints these errors bare
    for (const w of [['INFO'], ['CLIENT', 'LIST']]) expect(await t.cli(...w)).toBe('NOAUTH Authentication required.');
    expect(await cli(t.port, admin, 'GET', 'k')).toBe('"v"');
    expect(await cli(t.port, admin, 'CONFIG', 'GET', '*')).toBe(before);
  });

  it('AUTH in both forms, with Redis errors', async () => {
    expect(await t.cli('AUTH', 'wrong')).toBe(WRONGPASS);
    expect(await t.cli('AUTH', 'default', 'wrong')).toBe(WRONGPASS);
    expect(await t.cli('AUTH', 'a', 'b', 'c')).toBe('(error) ERR syntax error');
    expect(await cli(t.port, ['-a', 'sekret'], 'PING')).toBe('PONG');
    expect(await cli(t.port, ['--user', 'default', '--pass', 'sekret'], 'ACL', 'WHOAMI')).toBe('"default"');
    const r = await raw(t.port, [resp('AUTH', 'sekret'), resp('GET', 'k')]);
    expect(r.data).toBe('+OK\r\n$1\r\nv\r\n');
    const h = await raw(t.port, resp('HELLO', '2'));
    expect(h.data).toMatch(/^-NOAUTH HELLO must be called with the client already authenticated/);
    const h2 = await raw(t.port, resp('HELLO', '2', 'AUTH', 'default', 'sekret'));
    expect(h2.data.startsWith('*14\r\n')).toBe(true);
  });

  it('ioredis connects with a password, and with a user', async () => {
    const a = new Redis({ port: t.port, password: 'sekret', lazyConnect: true });
    await a.connect();
    expect(await a.call('ACL', 'SETUSER', 'app', 'on', '>apppw', '~app:*', '+@all', '-@dangerous')).toBe('OK');
    a.disconnect();
    const u = new Redis({ port: t.port, username: 'app', password: 'apppw', lazyConnect: true });
    await u.connect();
    expect(await u.set('app:1', 'x')).toBe('OK');
    await expect(u.set('other', 'x')).rejects.toThrow(
      'NOPERM this user has no permissions to access one of the keys used as arguments',
    );
    await expect(u.flushall()).rejects.toThrow("NOPERM this user has no permissions to run the 'flushall' command");
    await expect(u.call('CONFIG', 'SET', 'tier-policy', 'strict')).rejects.toThrow(
      "NOPERM this user has no permissions to run the 'config|set' command",
    );
    await expect(u.keys('*')).rejects.toThrow("NOPERM this user has no permissions to run the 'keys' command");
    u.disconnect();
  });

  it('CONFIG SET requirepass changes the password for new connections only', async () => {
    const s = await connect(t.port);
    s.write(resp('AUTH', 'sekret'));
    expect((await collect(s, 100)).data).toBe('+OK\r\n');
    expect(await cli(t.port, ['-a', 'sekret'], 'CONFIG', 'SET', 'requirepass', 'n3w')).toBe('OK');
    expect(await cli(t.port, ['-a', 'n3w'], 'CONFIG', 'GET', 'requirepass')).toBe('1) "requirepass"\n2) "n3w"');
    expect(await cli(t.port, ['-a', 'sekret'], 'PING')).toMatch(/NOAUTH|WRONGPASS/);
    s.write(resp('PING'));
    expect((await collect(s, 100)).data).toBe('+PONG\r\n');
    s.destroy();
    expect(await cli(t.port, ['-a', 'n3w'], 'CONFIG', 'SET', 'requirepass', '')).toBe('OK');
    expect(await t.cli('PING')).toBe('PONG');
    expect(await t.cli('AUTH', 'x')).toBe(
      '(error) ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
  });
});

describe('protected mode', () => {
  it('decides on the peer address and the password', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['192.0.2.2', '::ffff:10.0.0.1', 'fd00::2', undefined]) expect(isLoopback(a)).toBe(false);
    const access = { requirepass: '', protectedMode: true, maxClients: 10, timeout: 0, tcpKeepalive: 0 };
    expect(admission(access, 0, true, '10.1.1.1')).toBe(DENIED);
    expect(admission(access, 0, false, '10.1.1.1')).toBeNull();
    expect(admission(access, 0, true, '127.0.0.1')).toBeNull();
    expect(admission({ ...access, protectedMode: false }, 0, true, '10.1.1.1')).toBeNull();
    expect(admission(access, 10, false, '127.0.0.1')).toBe('-ERR max number of clients reached\r\n');
  });

  const ext = externalAddress();
  it.skipIf(ext === undefined)('refuses a non-loopback client with DENIED and closes it', async () => {
    const t = await startTestStore({}, { host: '0.0.0.0' });
    try {
      const s = await connect(t.port, ext);
      s.write(resp('PING'));
      const r = await collect(s, 1000);
      expect(r).toEqual({ data: DENIED, closed: true });
      expect(await t.cli('PING')).toBe('PONG'); // loopback is served
      expect(t.server.stats.rejectedConnections).toBe(1);
      // With a password, remote clients connect (and must AUTH).
      expect(await t.cli('CONFIG', 'SET', 'requirepass', 'pw')).toBe('OK');
      expect(await cli(t.port, ['-h', ext!], 'PING')).toBe(NOAUTH);
      expect(await cli(t.port, ['-h', ext!, '-a', 'pw'], 'PING')).toBe('PONG');
      expect(await cli(t.port, ['-a', 'pw'], 'CONFIG', 'SET', 'requirepass', '')).toBe('OK');
      expect(await cli(t.port, ['-h', ext!], 'PING')).toMatch(/DENIED/);
      expect(await t.cli('CONFIG', 'SET', 'protected-mode', 'no')).toBe('OK');
      expect(await cli(t.port, ['-h', ext!], 'PING')).toBe('PONG');
      expect(await t.cli('CONFIG', 'SET', 'protected-mode', 'maybe')).toBe(
        "(error) ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument must be 'yes' or 'no'",
      );
    } finally {
      await t.close();
    }
  });
});

describe('connection limits', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await startTestStore({}, { maxQueryBuffer: 2 * 1024 * 1024 });
  });
  afterAll(() => t.close());

  it('maxclients: the connection past the limit gets Redis error and is closed', async () => {
    expect(await t.cli('CONFIG', 'SET', 'maxclients', '0')).toBe(
      "(error) ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive",
    );
    const a = await connect(t.port);
    const b = await connect(t.port);
    await new Promise((r) => setTimeout(r, 50));
    const cfg = new Redis({ port: t.port, lazyConnect: true });
    await cfg.connect();
    expect(await cfg.config('SET', 'maxclients', '3')).toBe('OK');
    const before = t.server.stats.rejectedConnections;
    const c = await connect(t.port);
    c.write(resp('PING'));
    expect(await collect(c, 1000)).toEqual({ data: '-ERR max number of clients reached\r\n', closed: true });
    expect(t.server.stats.rejectedConnections).toBe(before + 1);
    a.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const d = await connect(t.port);
    d.write(resp('PING'));
    expect((await collect(d, 200)).data).toBe('+PONG\r\n');
    expect(await cfg.config('SET', 'maxclients', '10000')).toBe('OK');
    for (const s of [b, d]) s.destroy();
    cfg.disconnect();
  });

  it('timeout closes idle clients, not active ones', async () => {
    expect(await t.cli('CONFIG', 'SET', 'timeout', '-1')).toBe(
      "(error) ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive",
    );
    expect(await t.cli('CONFIG', 'SET', 'timeout', '1')).toBe('OK');
    const idle = await connect(t.port);
    const busy = await connect(t.port);
    // As Redis (clientsCronHandleTimeout): blocked and subscribed clients are never timed out.
    const blocked = await connect(t.port);
    const subscriber = await connect(t.port);
    blocked.write(resp('BLPOP', 'timeout:nothing', '0'));
    subscriber.write(resp('SUBSCRIBE', 'timeout:ch'));
    const idleClosed = collect(idle, 4000);
    const busyClosed = collect(busy, 3000);
    const blockedClosed = collect(blocked, 3000);
    const subscriberClosed = collect(subscriber, 3000);
    const pinger = setInterval(() => busy.write(resp('PING')), 300);
    const [r, b, bl, su] = await Promise.all([idleClosed, busyClosed, blockedClosed, subscriberClosed]);
    clearInterval(pinger);
    expect(r.closed).toBe(true);
    expect(b.closed).toBe(false);
    expect(bl).toEqual({ data: '', closed: false });
    expect(su).toEqual({ data: '*3\r\n$9\r\nsubscribe\r\n$10\r\ntimeout:ch\r\n:1\r\n', closed: false });
    // Once served, the formerly blocked client is idle like any other and is closed.
    const servedClosed = collect(blocked, 4000);
    expect(await t.cli('RPUSH', 'timeout:nothing', 'x')).toBe('(integer) 1');
    const served = await servedClosed;
    expect(served.data).toBe('*2\r\n$15\r\ntimeout:nothing\r\n$1\r\nx\r\n');
    expect(served.closed).toBe(true);
    expect(await t.cli('CONFIG', 'SET', 'timeout', '0')).toBe('OK');
    for (const s of [busy, blocked, subscriber]) s.destroy();
  }, 15_000);

  it('tcp-keepalive sets keepalive on accepted sockets (seen by ss)', async () => {
    expect(await t.cli('CONFIG', 'GET', 'tcp-keepalive')).toBe('1) "tcp-keepalive"\n2) "300"');
    const s = await connect(t.port);
    await new Promise((r) => setTimeout(r, 50));
    const out = (await run('ss', ['-tno', 'state', 'established', `( sport = :${t.port} )`])).stdout;
    expect(out).toMatch(/timer:\(keepalive/);
    s.destroy();
    expect(await t.cli('CONFIG', 'SET', 'tcp-keepalive', '0')).toBe('OK');
    const s2 = await connect(t.port);
    await new Promise((r) => setTimeout(r, 50));
    const out2 = (await run('ss', ['-tno', 'state', 'established', `( sport = :${t.port} )`])).stdout;
    expect(out2).not.toMatch(/keepalive/);
    s2.destroy();
    expect(await t.cli('CONFIG', 'SET', 'tcp-keepalive', '300')).toBe('OK');
  });

  it('client-query-buffer-limit and proto-max-bulk-len', async () => {
    // An unfinished 3 MiB argument exceeds the 2 MiB query buffer: closed without a reply.
    const big = await raw(t.port, [Buffer.from('*1\r\n$3145728\r\n'), Buffer.alloc(2.5 * 1024 * 1024, 97)], 300);
    expect(big).toEqual({ data: '', closed: true });
    expect(await t.cli('CONFIG', 'SET', 'proto-max-bulk-len', '1mb')).toBe('OK');
    const bulk = await raw(t.port, '*2\r\n$3\r\nGET\r\n$1048577\r\n');
    expect(bulk).toEqual({ data: '-ERR Protocol error: invalid bulk length\r\n', closed: true });
    expect(await t.cli('PING')).toBe('PONG');
    expect(await t.cli('CONFIG', 'SET', 'proto-max-bulk-len', '512mb')).toBe('OK');
  });
});

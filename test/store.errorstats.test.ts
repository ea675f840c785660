// INFO errorstats, total_error_replies and the per-command rejected_calls/failed_calls against
// redis-server 7.0.15: the same script of failing commands (every error code the store can
// reply, refusals before a command runs, errors inside MULTI/EXEC, protocol errors, the control
// plane's errors) runs on both servers, then the counters must be equal; CONFIG RESETSTAT
// clears them on both.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import type { RespValue } from './diff/resp.js';
import { startTestStore, type TestStore } from './store-harness.js';

/** A step: on which connection (opened on first use), and the command. */
type Step = [conn: string, args: string[]];

const LONG = 'x'.repeat(600);

const SCRIPT: Step[] = [
  ['a', ['SET', 's', 'v']],
  ['a', ['LPUSH', 's', 'x']], // WRONGTYPE
  ['a', ['INCR', 's']], // ERR not an integer (failed)
  ['a', ['NOSUCHCMD', 'a', 'b']], // unknown command: no command to charge
  ['a', ['GET']], // arity: rejected
  ['a', ['OBJECT', 'FOO']], // unknown subcommand
  ['a', ['SET', 'k', 'v', 'EX', '-1']],
  ['a', ['SET', 'k', 'v', 'NX', 'XX']],
  ['a', ['ZADD', 'z', 'x', 'y']],
  ['a', ['HSET', 'h']],
  ['a', ['SELECT', '99']],
  ['a', ['RENAME', 'nokey', 'other']],
  ['a', ['HELLO', '4']], // NOPROTO
  ['a', ['ECHO']],
  ['a', ['GET', LONG, 'extra']], // a long error text (arity: rejected)
  ['a', ['SETRANGE', 's', '536870912', 'x']], // proto-max-bulk-len
  ['a', ['RESTORE', 's', '0', 'bogus']], // BUSYKEY (checked before the payload)
  ['a', ['BLPOP', 's', '0']], // WRONGTYPE from a blocking command
  ['a', ['CONFIG', 'GET']], // the control plane's container: arity
  ['a', ['CONFIG', 'SET', 'nosuch', '1']], // the control plane's own error
  ['a', ['CONFIG', 'SET', 'maxmemory', 'lots']],
  // Transactions: refusals while queueing (EXECABORT), runtime errors inside EXEC.
  ['a', ['MULTI']],
  ['a', ['GET']],
  ['a', ['INCR', 's']],
  ['a', ['NOSUCHCMD']],
  ['a', ['EXEC']],
  ['a', ['MULTI']],
  ['a', ['INCR', 's']],
  ['a', ['LPUSH', 's', 'x']],
  ['a', ['SET', 'n', '1']],
  ['a', ['EXEC']],
  ['a', ['EXEC']], // without MULTI
  ['a', ['MULTI']],
  ['a', ['MULTI']], // nested
  ['a', ['WATCH', 'k']], // inside MULTI
  ['a', ['DISCARD']],
  // Subscribed mode refuses other commands.
  ['sub', ['SUBSCRIBE', 'ch']],
  ['sub', ['GET', 'k']],
  ['sub', ['RESET']],
  // ACL: NOPERM for a user without the command, WRONGPASS.
  ['a', ['ACL', 'SETUSER', 'limited', 'on', '>pw', '+get', '~*']],
  ['acl', ['AUTH', 'limited', 'pw']],
  ['acl', ['SET', 'k', 'v']],
  ['acl', ['GET', 'k']],
  ['acl', ['AUTH', 'limited', 'wrong']],
  // requirepass: NOAUTH for a new connection, then back to none.
  ['a', ['CONFIG', 'SET', 'requirepass', 'sekret']],
  ['noauth', ['GET', 'k']],
  ['noauth', ['AUTH', 'bad']],
  ['noauth', ['AUTH', 'sekret']],
  ['noauth', ['CONFIG', 'SET', 'requirepass', '']],
  // maxmemory of one byte: OOM for commands that may grow memory.
  ['a', ['CONFIG', 'SET', 'maxmemory', '1']],
  ['a', ['SET', 'big', 'v']],
  ['a', ['GET', 's']],
  ['a', ['CONFIG', 'SET', 'maxmemory', '0']],
];

/** The errorstat_* lines, total_error_replies, and per command calls/rejected/failed. */
interface Counters {
  errorstats: string[];
  total: string;
  unexpected: string;
  commands: Record<string, string>;
}

function infoText(r: RespValue): string {
  if (r.kind !== 'bulk' || r.data === null) throw new Error(`INFO: ${JSON.stringify(r)}`);
  return r.data.toString('latin1');
}

async function counters(c: RespClient): Promise<Counters> {
  const lines = infoText(await c.call('INFO', 'stats', 'errorstats', 'commandstats')).split('\r\n');
  const field = (name: string): string => lines.find((l) => l.startsWith(`${name}:`))?.split(':')[1] ?? '';
  const commands: Record<string, string> = {};
  for (const l of lines) {
    const m = /^cmdstat_([^:]+):calls=(\d+),.*rejected_calls=(\d+),failed_calls=(\d+)$/.exec(l);
    if (m) commands[m[1]!] = `calls=${m[2]},rejected=${m[3]},failed=${m[4]}`;
  }
  return {
    errorstats: lines.filter((l) => l.startsWith('errorstat_')),
    total: field('total_error_replies'),
    unexpected: field('unexpected_error_replies'),
    commands,
  };
}

/** Bytes a server closes the connection on after a protocol error reply; resolves with them. */
function protocolError(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(payload));
    let data = '';
    s.on('data', (d: Buffer) => (data += d.toString('latin1')));
    s.on('close', () => resolve(data));
    s.on('error', reject);
    setTimeout(() => {
      s.destroy();
      reject(new Error(`no close after ${JSON.stringify(payload)}: ${JSON.stringify(data)}`));
    }, 3000);
  });
}

/** Replies dropped by CLIENT REPLY OFF still count: a failing INCR between OFF and ON. */
function replyOff(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const cmd = (...a: string[]): string => `*${a.length}\r\n${a.map((x) => `$${x.length}\r\n${x}\r\n`).join('')}`;
    const s = net.connect(port, '127.0.0.1', () =>
      s.write(cmd('CLIENT', 'REPLY', 'OFF') + cmd('INCR', 's') + cmd('CLIENT', 'REPLY', 'ON')),
    );
    let data = '';
    s.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      if (data.endsWith('\r\n')) {
        s.destroy();
        resolve(data);
      }
    });
    s.on('error', reject);
  });
}

/** Runs the script; returns every reply, abbreviated. */
async function runScript(port: number): Promise<string[]> {
  const conns = new Map<string, RespClient>();
  const replies: string[] = [];
  try {
    for (const [name, args] of SCRIPT) {
      let c = conns.get(name);
      if (c === undefined) conns.set(name, (c = await RespClient.connect(port)));
      const r = await c.call(...args);
      replies.push(r.kind === 'error' ? `-${r.text.slice(0, 60)}` : r.kind);
    }
    replies.push(await replyOff(port));
    replies.push(await protocolError(port, '*1\r\n$x\r\n'));
    replies.push(await protocolError(port, '*3000000000\r\n'));
  } finally {
    for (const c of conns.values()) c.close();
  }
  return replies;
}

describe('INFO errorstats and command failure counters, against redis-server', () => {
  let ref: RedisServer;
  let t: TestStore;
  let theirs: RespClient;
  let ours: RespClient;

  beforeAll(async () => {
    ref = await startRedisServer();
    t = await startTestStore();
    theirs = await RespClient.connect(ref.port);
    ours = await RespClient.connect(t.port);
  }, 20_000);
  afterAll(async () => {
    theirs?.close();
    ours?.close();
    await t?.close();
    await ref?.close();
  });

  it('counts the same errors by code, in total and per command', async () => {
    await theirs.call('CONFIG', 'RESETSTAT');
    await ours.call('CONFIG', 'RESETSTAT');
    const expected = await runScript(ref.port);
    const got = await runScript(t.port);
    expect(got).toEqual(expected);
    const want = await counters(theirs);
    const have = await counters(ours);
    expect(have.errorstats).toEqual(want.errorstats);
    expect(have.total).toBe(want.total);
    expect(have.unexpected).toBe('0');
    expect(have.commands).toEqual(want.commands);
    // Several codes were reached, and the total is their sum.
    expect(want.errorstats.length).toBeGreaterThanOrEqual(8);
    const sum = have.errorstats.reduce((n, l) => n + Number(/count=(\d+)/.exec(l)![1]), 0);
    expect(String(sum)).toBe(have.total);
  });

  it('CONFIG RESETSTAT clears them', async () => {
    await ours.call('GET');
    await theirs.call('GET');
    await theirs.call('CONFIG', 'RESETSTAT');
    await ours.call('CONFIG', 'RESETSTAT');
    const want = await counters(theirs);
    const have = await counters(ours);
    expect(have.errorstats).toEqual([]);
    expect(have).toEqual(want);
  });
});

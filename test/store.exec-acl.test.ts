// Transactions and ACL changes, and what CLIENT LIST says a client last ran, against
// redis-server 7.0.15: the same two-connection scripts (an admin and a user) on both servers,
// every reply compared after dropping what depends on the connection (ids, addresses, ages,
// buffer sizes, usec).
//   * EXEC checks each queued command's permissions again (ACL SETUSER from another connection
//     after queueing): a denied one gets NOPERM in its place of the reply, the others run, and
//     ACL LOG gets a "multi" entry whose client-info is the client inside EXEC (flags=x multi=N
//     cmd=exec);
//   * CLIENT LIST cmd= is the command the lookup found, whether it then ran or was refused
//     (NULL for an unknown command or subcommand), queued, blocked or held by CLIENT PAUSE;
//   * CLIENT PAUSE holds a command only after the other checks (an unknown command is answered
//     at once), and holds an EXEC whose queue writes.
import { describe, expect, it } from 'vitest';
import { RespClient } from './diff/resp-client.js';
import { admin, bufs, compareScripts, runScript, sleep, user, type Step } from './two-clients.js';

const lastcmd = admin('CLIENT', 'LIST', 'ID', '$UID');

const SCRIPTS: Record<string, Step[]> = {
  'EXEC re-checks permissions: denied commands get NOPERM in place, the others run': [
    admin('ACL', 'SETUSER', 'u', 'reset', 'on', 'nopass', '+@all', '~*', '&*'),
    user('AUTH', 'u', 'x'),
    user('MULTI'),
    user('SET', 'k', 'v'), // key k no longer writable
    user('GET', 'k'), // read of k still allowed
    user('SET', 'k2', 'v2'),
    user('PUBLISH', 'ch', 'm'), // channel gone
    user('CLIENT', 'INFO'), // flags=x multi=N cmd=exec inside EXEC
    user('CONFIG', 'GET', 'maxmemory'), // subcommand removed
    user('LPUSH', 'k2', 'x'), // allowed, fails at run time (WRONGTYPE)
    user('DEL', 'k'), // denied, last: EXEC itself counts a failed call
    admin('ACL', 'SETUSER', 'u', 'resetkeys', '~k2', '%R~k', 'resetchannels', '-config|get'),
    user('EXEC'),
    user('CLIENT', 'INFO'),
    admin('ACL', 'LOG'),
    admin('INFO', 'commandstats'),
    admin('INFO', 'errorstats'),
    admin('MGET', 'k', 'k2'),
  ],
  'EXEC with every queued command denied, and with none (the user switched off)': [
    admin('ACL', 'SETUSER', 'u', 'reset', 'on', 'nopass', '+@all', '~*'),
    user('AUTH', 'u', 'x'),
    user('MULTI'),
    user('INCR', 'n'),
    user('INCR', 'n'),
    admin('ACL', 'SETUSER', 'u', '-incr'),
    admin('ACL', 'SETUSER', 'u', '-incr'),
    user('EXEC'),
    user('MULTI'),
    user('GET', 'n'),
    admin('ACL', 'SETUSER', 'u', 'off'), // permissions unchanged: EXEC runs
    user('EXEC'),
    admin('ACL', 'LOG'),
    admin('INFO', 'commandstats'),
  ],
  'EXEC after a selector change and a granted key pattern': [
    admin('ACL', 'SETUSER', 'u', 'reset', 'on', 'nopass', '+get', '+multi', '+exec', '+auth', '~a*'),
    user('AUTH', 'u', 'x'),
    user('MULTI'),
    user('GET', 'a1'),
    user('GET', 'b1'), // refused while queueing: EXECABORT whatever happens next
    admin('ACL', 'SETUSER', 'u', '(+get ~b*)'),
    user('EXEC'),
    user('MULTI'),
    user('GET', 'a1'),
    admin('ACL', 'SETUSER', 'u', 'resetkeys', '(+get ~a*)'),
    user('GET', 'a1'), // allowed by the selector when queued
    admin('ACL', 'SETUSER', 'u', 'clearselectors'),
    user('EXEC'),
    admin('ACL', 'LOG'),
  ],
  'AUTH failing inside EXEC is logged in the multi context': [
    admin('ACL', 'SETUSER', 'u', 'reset', 'on', '>pw', '+@all', '~*'),
    user('MULTI'),
    user('AUTH', 'u', 'wrong'),
    user('AUTH', 'u', 'pw'),
    user('ACL', 'WHOAMI'),
    user('EXEC'),
    admin('ACL', 'LOG'),
  ],
  'CLIENT LIST cmd= after refused, queued, blocked and paused commands': [
    user('PING'),
    lastcmd,
    user('nosuchcommand', 'x'),
    lastcmd,
    user('CONFIG', 'NOSUCH'),
    lastcmd,
    user('CONFIG'),
    lastcmd,
    user('GET'),
    lastcmd,
    user('OBJECT', 'ENCODING'),
    lastcmd,
    user('CLIENT'),
    lastcmd,
    admin('CLIENT', 'LIST', 'ID', '$UID', 'x'),
    admin('CLIENT', 'LIST', 'ID'),
    admin('CLIENT', 'LIST', 'ID', '999999', '$UID', '$UID'),
    admin('ACL', 'SETUSER', 'u', 'reset', 'on', 'nopass', '+@all', '-flushall', '~k*'),
    user('AUTH', 'u', 'x'),
    user('FLUSHALL'),
    lastcmd,
    user('GET', 'other'),
    lastcmd,
    user('MULTI'),
    user('SAVE'), // no-multi: refused, dooms the transaction
    lastcmd,
    user('SET', 'k', 'v'),
    lastcmd,
    user('EXEC'),
    lastcmd,
    user('MULTI'),
    user('SET', 'k', 'v'),
    user('GET', 'k'),
    lastcmd,
    user('EXEC'),
    lastcmd,
    user('SUBSCRIBE', 'ch'),
    user('GET', 'k'),
    lastcmd,
    user('RESET'),
    { on: 'user', hold: ['BLPOP', 'list', '0'] },
    lastcmd,
    admin('RPUSH', 'list', 'x'),
    { collect: true },
    lastcmd,
    admin('CLIENT', 'PAUSE', '5000', 'WRITE'),
    { on: 'user', hold: ['SET', 'k', 'v'] },
    lastcmd,
    admin('CLIENT', 'UNPAUSE'),
    { collect: true },
    lastcmd,
    admin('INFO', 'commandstats'),
    admin('INFO', 'errorstats'),
  ],
};

describe('EXEC permission re-check and CLIENT LIST cmd=, against redis-server 7.0.15', () => {
  const servers = compareScripts(SCRIPTS);

  it('the reference shows what the scripts check (they can fail)', async () => {
    const out = await runScript(
      servers.redisPort,
      SCRIPTS['EXEC re-checks permissions: denied commands get NOPERM in place, the others run']!,
    );
    const exec = out.find((l) => l.startsWith('user: EXEC'))!;
    expect(exec).toContain(
      'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to touch the specified keys',
    );
    expect(exec).toContain('flags=x');
    expect(exec).toContain('cmd=exec');
    expect(out.find((l) => l.startsWith('admin: ACL LOG'))).toContain('"multi"');
    const list = await runScript(
      servers.redisPort,
      SCRIPTS['CLIENT LIST cmd= after refused, queued, blocked and paused commands']!,
    );
    expect(list[3]).toContain('cmd=NULL'); // after the unknown command
  });

  // Timing, not replies: under CLIENT PAUSE ALL an unknown or wrong-arity command is answered at
  // once (Redis holds a command only after its checks); under PAUSE WRITE an EXEC whose queue
  // writes is held until the pause ends, one that only reads is not.
  it('CLIENT PAUSE holds only commands that passed their checks, and EXEC by its queue', async () => {
    const timings = async (port: number): Promise<Record<string, boolean>> => {
      const a = await RespClient.connect(port);
      const u = await RespClient.connect(port);
      const quick = async (c: RespClient, args: string[]): Promise<boolean> => {
        const t = Date.now();
        await c.send([bufs(args)]);
        return Date.now() - t < 250;
      };
      try {
        const r: Record<string, boolean> = {};
        await u.send([bufs(['MULTI']), bufs(['SET', 'k', 'v'])]);
        await a.call('CLIENT', 'PAUSE', '500', 'ALL');
        r.unknownAnsweredAtOnce = await quick(u, ['nosuchcommand']);
        r.wrongArityAnsweredAtOnce = await quick(u, ['GET']);
        await sleep(600);
        await a.call('CLIENT', 'PAUSE', '500', 'WRITE');
        r.writingExecHeld = !(await quick(u, ['EXEC']));
        await u.send([bufs(['MULTI']), bufs(['GET', 'k'])]);
        await a.call('CLIENT', 'PAUSE', '500', 'WRITE');
        r.readingExecAnsweredAtOnce = await quick(u, ['EXEC']);
        await a.call('CLIENT', 'UNPAUSE');
        return r;
      } finally {
        a.close();
        u.close();
      }
    };
    const expected = await timings(servers.redisPort);
    expect(expected).toEqual({
      unknownAnsweredAtOnce: true,
      wrongArityAnsweredAtOnce: true,
      writingExecHeld: true,
      readingExecAnsweredAtOnce: true,
    });
    expect(await timings(servers.storePort)).toEqual(expected);
  });
});

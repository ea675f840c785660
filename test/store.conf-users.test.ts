// redis.conf's `user` directive against redis-server 7.0.15: the same file given to both; bad
// lines stop start-up with Redis's text (at the line, or from the load after the whole file),
// users in the file together with an aclfile stop it too, good lines give the same users (ACL
// LIST, AUTH), `default` redefined wins over requirepass, and ACL LOAD/SAVE still answer as
// without an aclfile. CONFIG REWRITE writes the users back as Redis does (none with an aclfile),
// and tiermem restarted from its rewritten file has the same users and passwords.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './diff/redis-server.js';
import { canonicalReply } from './diff/acl-rules.js';
import { RespClient } from './diff/resp-client.js';
import { redisFromFile, runToExit, tiermemFromFile } from './conf-servers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tiermem-conf-users-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tmArgs = (name: string): string[] => ['--no-metrics', '--socket', join(dir, `${name}.sock`)];

/** The fatal config error block (tiermem names the file where Redis does not). */
const fatal = (out: string): string =>
  out
    .slice(out.indexOf('*** FATAL'))
    .replace(/^Reading the configuration file \S+, at/m, 'Reading the configuration file, at')
    .trim();

/** The last n log lines without their prefixes (Redis: "pid:M date # ", tiermem: "tiermem: "). */
const logTail = (out: string, n: number): string[] =>
  out
    .trim()
    .split('\n')
    .slice(-n)
    .map((l) => l.replace(/^\d+:[A-Z] .*? [#*-] /, '').replace(/^tiermem: /, ''));

async function call(port: number, ...cmds: string[][]): Promise<string[]> {
  const c = await RespClient.connect(port);
  const out: string[] = [];
  // canonicalReply: Redis lists single commands in an order drawn at each start.
  for (const cmd of cmds) out.push(canonicalReply(await c.call(...cmd)));
  c.close();
  return out;
}

/** Run both on the same file text to their exit (both must fail): their outputs. */
async function bothFail(name: string, text: string): Promise<[string, string]> {
  const f = join(dir, `${name}.conf`);
  writeFileSync(f, Buffer.from(text, 'latin1'));
  // Redis exits before it loads users when it listens nowhere: it gets a port (the file says 0).
  const port = ['--port', String(await freePort())];
  const [r, t] = await Promise.all([
    runToExit('redis-server', [f, ...port, '--save', '']),
    runToExit('tiermem', [f, ...tmArgs(name)]),
  ]);
  expect(r.code, text).toBe(1);
  expect(t.code, text).toBe(2);
  return [r.output, t.output];
}

describe('the user directive against redis-server 7.0.15', () => {
  it("a bad user line stops start-up at its line with Redis's text", async () => {
    const bad = [
      'user alice on badrule',
      'user alice on >pw badrule ~*', // Redis names the word at the rule's index: 'on'
      'user alice on ~* ~x',
      'user alice on <nopw',
      'user alice on #abc',
      'user alice on ~a (+get ~x', // an unclosed selector
      'user alice on +nosuch ~* ~x', // an unknown name passes the check, the next rule does not
      'user alice on (~x +get) resetpass (+set',
      'user',
      'USER alice on allkeys ~x',
      'user alice on\nuser bob on\nuser alice off', // a user twice
      'user default on nopass\nuser default off',
      'user "al\\x00ice" on bad',
    ];
    const outs = await Promise.all(bad.map((line, i) => bothFail(`bad${i}`, `# users\nport 0\n${line}\n`)));
    for (const [i, [r, t]] of outs.entries()) {
      expect(fatal(t), bad[i]).toBe(fatal(r));
      expect(fatal(t), bad[i]).toMatch(/^\*\*\* FATAL CONFIG FILE ERROR/);
    }
    expect(fatal(outs[1]![1])).toContain("Error in user declaration 'on': Syntax error");
  });

  it("rules that fail only when the users are defined stop start-up with Redis's log text", async () => {
    const bad = [
      'user alice on +nosuch',
      'user alice on ~* +get +@nocategory',
      'user default on nopass +nosuch|x',
      'user "a b" on',
      'user ok on\nuser "tab\\there" on',
    ];
    const outs = await Promise.all(bad.map((line, i) => bothFail(`load${i}`, `port 0\n${line}\n`)));
    for (const [i, [r, t]] of outs.entries()) {
      expect(r, bad[i]).toContain('Critical error while loading ACLs. Exiting.');
      expect(logTail(t, 2), bad[i]).toEqual(logTail(r, 2));
    }
    expect(logTail(outs[0]![1], 2)[0]).toBe(
      "Error loading ACL rule '+nosuch' for the user named 'alice': Unknown command or category name in ACL",
    );
  });

  it('users in the file and an aclfile at once stop start-up, whatever comes first', async () => {
    const acl = join(dir, 'users.acl');
    writeFileSync(acl, 'user default on nopass ~* &* +@all\n');
    for (const [i, text] of [`aclfile ${acl}\nuser alice on`, `user alice on\naclfile ${acl}`].entries()) {
      const [r, t] = await bothFail(`both${i}`, `port 0\n${text}\n`);
      expect(logTail(t, 1)).toEqual(logTail(r, 1));
      expect(logTail(t, 1)[0]).toMatch(/^Configuring Redis with users defined in redis.conf and at the same/);
    }
  });

  it('good lines give the same users; default redefined wins over requirepass', async () => {
    const body = (port: number): string =>
      [
        `port ${port}`,
        "save ''",
        'requirepass foo',
        'user alice on >pw ~k* +get +set (+hget ~h*) "(+lpush ~l*)" (%R~r* +@read)',
        'user default on nopass ~* &* +@all',
        'USER bob off #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 resetchannels &ch -@all +@read',
        'user carol on nopass +@all -debug ~* +config|get -config',
        'user dave',
        'user erin on >one >two <one nopass resetpass >three -@all +@hash ~*',
        '',
      ].join('\n');
    const [rport, tport] = [await freePort(), await freePort()];
    const [rfile, tfile] = [join(dir, 'good-r.conf'), join(dir, 'good-t.conf')];
    writeFileSync(rfile, body(rport));
    writeFileSync(tfile, body(tport));
    const redis = await redisFromFile(rfile, rport);
    const tm = await tiermemFromFile(tfile, tmArgs('good'));
    try {
      const script = [
        ['ACL', 'LIST'],
        ['ACL', 'USERS'],
        ['PING'],
        ['AUTH', 'foo'],
        ['AUTH', 'alice', 'pw'],
        ['GET', 'k1'],
        ['GET', 'x'],
        ['HGET', 'h1', 'f'],
        ['HGET', 'k1', 'f'],
        ['AUTH', 'bob', 'password'],
        ['AUTH', 'erin', 'one'],
        ['AUTH', 'erin', 'three'],
        ['HSET', 'h', 'f', 'v'],
        ['AUTH', 'carol', 'x'],
        ['CONFIG', 'GET', 'maxmemory'],
        ['ACL', 'SAVE'],
        ['ACL', 'LOAD'],
        ['CONFIG', 'GET', 'aclfile'],
      ];
      const want = await call(rport, ...script);
      expect(await call(tport, ...script)).toEqual(want);
      expect(want[0]).toContain('user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4');
      expect(want[2]).toBe('+PONG'); // default: nopass despite requirepass
      expect(want[15]).toContain('not configured to use an ACL file');
    } finally {
      await Promise.all([redis.close(), tm.close()]);
    }
  });
});

describe('CONFIG REWRITE of the users against redis-server 7.0.15', () => {
  /** Both started in their own directory from the same file text (port P, DIR for the directory). */
  async function startBoth(name: string, text: string): Promise<{ files: [string, string]; ports: [number, number] }> {
    const ports: [number, number] = [await freePort(), await freePort()];
    const files = ['r', 't'].map((side, i) => {
      const d = join(dir, `${name}-${side}`);
      mkdirSync(d);
      const f = join(d, 'users.conf');
      writeFileSync(f, text.replaceAll('PORT', String(ports[i])).replaceAll('DIR', d));
      return f;
    }) as [string, string];
    return { files, ports };
  }
  /** The rewritten file with its port and directory as written (they differ by side). */
  const rewritten = (f: string, port: number): string =>
    readFileSync(f, 'latin1').replaceAll(String(port), 'PORT').replaceAll(dirname(f), 'DIR');

  it('users replace the old user lines in place, the rest are appended or removed; a restart keeps them', async () => {
    const text = [
      '# users',
      'port PORT',
      'dir DIR',
      'user alice on >pw ~k* +get',
      "save ''",
      'user bob on nopass ~* +@all',
      'maxmemory 10mb',
      'user zed off',
      '',
    ].join('\n');
    const { files, ports } = await startBoth('rw', text);
    let redis = await redisFromFile(files[0], ports[0]);
    let tm = await tiermemFromFile(files[1], tmArgs('rw'));
    const changes = [
      ['ACL', 'SETUSER', 'carol', 'on', '>c', '(+get ~x)', '%R~r*'],
      ['ACL', 'DELUSER', 'bob', 'zed'],
      ['ACL', 'SETUSER', 'alice', '>newpw', 'allchannels'],
      ['ACL', 'SETUSER', 'default', '>dpw'],
      ['AUTH', 'dpw'],
      ['CONFIG', 'REWRITE'],
    ];
    try {
      expect(await call(tm.port, ...changes)).toEqual(await call(ports[0], ...changes));
      const want = rewritten(files[0], ports[0]);
      expect(rewritten(files[1], ports[1])).toBe(want);
      expect(want).toContain('\nuser alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 #');
      expect(want).toMatch(
        /\nuser carol on #2e7d2c03\S+ %R~r\* resetchannels -@all \(~x resetchannels -@all \+get\)\nmaxmemory/,
      );
      expect(want).toMatch(/\nmaxmemory 10mb\nuser default on #[0-9a-f]{64} ~\* &\* \+@all\n/); // zed's line
      expect(want).not.toContain('bob');
      // Both restarted from their rewritten files (default is reset as it loads: sanitize-payload).
      await Promise.all([redis.close(), tm.close()]);
      [redis, tm] = await Promise.all([redisFromFile(files[0], ports[0]), tiermemFromFile(files[1], tmArgs('rw2'))]);
      const script = [
        ['AUTH', 'dpw'],
        ['ACL', 'LIST'],
        ['AUTH', 'alice', 'newpw'],
        ['AUTH', 'carol', 'c'],
        ['GET', 'x'],
      ];
      const after = await call(ports[0], ...script);
      expect(await call(tm.port, ...script)).toEqual(after);
      expect(after[1]).toContain('user default on sanitize-payload #');
    } finally {
      await Promise.all([redis.close(), tm.close()]);
    }
  });

  it('with an aclfile the users stay in it: no user line is written', async () => {
    const text = ['port PORT', 'dir DIR', 'aclfile DIR/users.acl', "save ''", ''].join('\n');
    const { files, ports } = await startBoth('acl', text);
    for (const f of files) writeFileSync(join(dirname(f), 'users.acl'), 'user default on nopass ~* &* +@all\n');
    const redis = await redisFromFile(files[0], ports[0]);
    const tm = await tiermemFromFile(files[1], tmArgs('acl'));
    try {
      const cmds = [
        ['ACL', 'SETUSER', 'alice', 'on', '>pw'],
        ['CONFIG', 'REWRITE'],
      ];
      expect(await call(tm.port, ...cmds)).toEqual(await call(ports[0], ...cmds));
      const want = rewritten(files[0], ports[0]);
      expect(rewritten(files[1], ports[1])).toBe(want);
      expect(want).not.toMatch(/^user /m);
    } finally {
      await Promise.all([redis.close(), tm.close()]);
    }
  });
});

// `tiermem serve FILE`: a redis.conf-style file read as redis-server 7.0.15 reads it (grammar,
// include, repeated save, flags over the file) and its errors, compared with redis-server
// started from the same file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitArgs } from '../src/store/conf-file.js';
import { freePort } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import { formatReply } from './diff/format.js';
import { redisFromFile, runToExit, tiermemFromFile } from './conf-servers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tiermem-conf-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tiermem flags every run needs: no metrics port, an admin socket of its own. */
const tmArgs = (name: string): string[] => ['--no-metrics', '--socket', join(dir, `${name}.sock`)];

describe('redis.conf grammar (sdssplitargs)', () => {
  it('splits as Redis: quotes, escapes, glued quotes, unbalanced quotes', () => {
    expect(splitArgs('  save   60  1000 ')).toEqual(['save', '60', '1000']);
    expect(splitArgs('requirepass "a b\\x41\\n\\"q\\z"')).toEqual(['requirepass', 'a bA\n"qz']);
    expect(splitArgs("dbfilename 'it\\'s \\n'")).toEqual(['dbfilename', "it's \\n"]);
    expect(splitArgs('x foo"bar"')).toEqual(['x', 'foobar']);
    expect(splitArgs('x ""')).toEqual(['x', '']);
    expect(splitArgs('x \\x41')).toEqual(['x', '\\x41']);
    expect(splitArgs('x "\\xff"')).toEqual(['x', '\xff']);
    expect(splitArgs('x "ab')).toBeNull();
    expect(splitArgs('x "ab"c')).toBeNull();
    expect(splitArgs("x 'ab")).toBeNull();
    expect(splitArgs('')).toEqual([]);
  });
});

describe('tiermem serve FILE against redis-server FILE', () => {
  it('the same values from the same file: case-insensitive names, quoting, save lines, flags over the file', async () => {
    const body = [
      '# a comment, then blank lines',
      '',
      '   ',
      'Maxmemory 4gb',
      'MAXMEMORY-POLICY allkeys-lru',
      'requirepass "p\\x41ss w\\"o\\nrd"',
      "dbfilename 'it\\'s.rdb'",
      'save 100 1',
      'save ""',
      'save 200 2',
      'save "300 3"',
      'hash-max-listpack-entries 64',
      'client-output-buffer-limit normal 1mb 512kb 10',
      'client-output-buffer-limit pubsub 64mb 16mb 90',
      '\tslowlog-max-len 7',
      'appendonly no',
      'timeout 30',
    ].join('\n');
    const rport = await freePort();
    const rfile = join(dir, 'redis.conf');
    writeFileSync(rfile, `${body}\nport ${rport}\nbind 127.0.0.1\ndir ${dir}\n`);
    const tfile = join(dir, 'tiermem.conf');
    writeFileSync(tfile, `${body}\nport 0\ndir ${dir}\n`);
    const flags = ['--maxmemory', '1gb', '--save', '60 3'];
    const redis = await redisFromFile(rfile, rport, flags);
    const tm = await tiermemFromFile(tfile, [...flags, ...tmArgs('same')]);
    try {
      const names = [
        'maxmemory',
        'maxmemory-policy',
        'requirepass',
        'dbfilename',
        'save',
        'hash-max-listpack-entries',
        'client-output-buffer-limit',
        'slowlog-max-len',
        'timeout',
      ];
      const values = async (port: number): Promise<string[]> => {
        const c = await RespClient.connect(port);
        expect(formatReply(await c.call('AUTH', 'pAss w"o\nrd'))).toBe('+OK');
        const out: string[] = [];
        for (const n of names) out.push(formatReply(await c.call('CONFIG', 'GET', n)));
        c.close();
        return out;
      };
      const want = await values(redis.port);
      expect(await values(tm.port)).toEqual(want);
      expect(want[0]).toContain('1073741824'); // the flag won over the file
      expect(want[4]).toContain('200 2 300 3 60 3'); // save "" cleared, the flag's points added
    } finally {
      await tm.close();
      await redis.close();
    }
  });

  // Not compared with redis-server: after an include, Redis 7.0.15 forgets that it is reading a
  // file, so every later save line (and --save) replaces the points instead of adding to them.
  it('-c FILE is the same as the positional FILE; include; both at once is a usage error', async () => {
    const f = join(dir, 'c.conf');
    writeFileSync(join(dir, 'inc1.conf'), 'timeout 30\nsave 100 1\n');
    writeFileSync(join(dir, 'inc2.conf'), 'tcp-keepalive 60\n');
    writeFileSync(f, `port 0\ndir ${dir}\nslowlog-max-len 9\ninclude ${join(dir, 'inc?.conf')}\nsave 200 2\n`);
    const tm = await tiermemFromFile(null, ['-c', f, ...tmArgs('c')]);
    try {
      const c = await RespClient.connect(tm.port);
      expect(formatReply(await c.call('CONFIG', 'GET', 'slowlog-max-len'))).toContain('9');
      expect(formatReply(await c.call('CONFIG', 'GET', 'timeout'))).toContain('30');
      expect(formatReply(await c.call('CONFIG', 'GET', 'tcp-keepalive'))).toContain('60');
      expect(formatReply(await c.call('CONFIG', 'GET', 'save'))).toContain('100 1 200 2');
      c.close();
    } finally {
      await tm.close();
    }
    const both = await runToExit('tiermem', [f, '-c', f, ...tmArgs('both')]);
    expect(both.code).toBe(2);
    expect(both.output).toMatch(/give the config file once/);
  });

  it("tiermem's own options in the same file under their own names", async () => {
    const f = join(dir, 'own.conf');
    writeFileSync(f, 'port 0\nthreshold 8KiB\ncontroller no\npolicy strict\nmetrics no\npmem-limit 64mb\n');
    const tm = await tiermemFromFile(f, ['--socket', join(dir, 'own.sock')]);
    try {
      expect(tm.output()).toMatch(/controller: off; threshold fixed at 8192 B/);
      expect(tm.output()).not.toMatch(/metrics:/);
      const c = await RespClient.connect(tm.port);
      expect(formatReply(await c.call('CONFIG', 'GET', 'tier-policy'))).toContain('strict');
      expect(formatReply(await c.call('CONFIG', 'GET', 'pmem-limit'))).toContain('67108864');
      c.close();
    } finally {
      await tm.close();
    }
  });

  it("a bad line stops start-up with redis-server's fatal error (same text; tiermem names the file)", async () => {
    const bad = [
      'xyz',
      'xyz 1 2',
      'maxmemory',
      'maxmemory 1 2',
      'maxmemory foo',
      'requirepass "abc',
      'requirepass "abc"d',
      'save 0 1',
      'save 10',
      'hash-max-listpack-entries -1',
      'maxmemory-policy bogus',
      'appendfsync sometimes',
      'timeout x',
    ];
    const fatal = (out: string): string =>
      out
        .slice(out.indexOf('*** FATAL'))
        .replace(/^Reading the configuration file \S+, at/m, 'Reading the configuration file, at')
        .trim();
    for (const [i, line] of bad.entries()) {
      const f = join(dir, `bad${i}.conf`);
      writeFileSync(f, `# line 1\nport 0\n${line}\n`);
      const [r, t] = await Promise.all([
        runToExit('redis-server', [f]),
        runToExit('tiermem', [f, ...tmArgs(`bad${i}`)]),
      ]);
      expect(r.code, line).toBe(1);
      expect(t.code, line).toBe(2);
      expect(fatal(t.output), line).toBe(fatal(r.output));
      expect(t.output, line).toContain(`Reading the configuration file ${f}, at line 3`);
    }
    // A flag is a directive too: redis-server counts it as a line after the file's.
    const r = await runToExit('redis-server', ['--maxmemory', 'foo']);
    const t = await runToExit('tiermem', ['--maxmemory', 'foo', ...tmArgs('flag')]);
    expect(fatal(t.output)).toBe(fatal(r.output));
    const missing = await runToExit('tiermem', [join(dir, 'none.conf'), ...tmArgs('none')]);
    expect(missing.code).toBe(2);
    expect(missing.output).toContain(`can't open config file '${join(dir, 'none.conf')}': No such file or directory`);
  });
});

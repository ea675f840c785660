// `tiermem serve` reads its command line as redis-server 7.0.15 reads its own (server.c main):
// every `--name` takes the words up to the next `--name`, even ones that start with `-`
// (`--user alice on '>pw' -@all +get`, `--list-max-listpack-size -3`), a bare `--save` is
// `save ""`, a lone `-` reads stdin. Each case starts redis-server with the same argv and
// compares ACL LIST / CONFIG GET, or the fatal error text.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServeArgv } from '../src/cli/serve-argv.js';
import { freePort } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import { formatReply } from './diff/format.js';
import { runToExit } from './conf-servers.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tiermem-argv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Server {
  port: number;
  output(): string;
  close(): Promise<void>;
}

/** redis-server or `tiermem serve` with argv (and stdin text), once it answers on `port`. */
async function start(cmd: 'redis-server' | 'tiermem', argv: string[], port: number, stdin = ''): Promise<Server> {
  const child =
    cmd === 'tiermem'
      ? spawn(process.execPath, [MAIN, 'serve', ...argv], { cwd: dir })
      : spawn('redis-server', argv, { cwd: dir });
  child.stdin.end(stdin);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited ${child.exitCode}: ${out}`);
    try {
      const c = await RespClient.connect(port);
      await c.call('PING');
      c.close();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${cmd} did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    output: () => out,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The same argv to both servers (each on a port of its own); `ask` runs against each. */
async function both(
  argv: (port: number) => string[],
  ask: (c: RespClient) => Promise<string[]>,
  stdin = '',
  name = 'x',
): Promise<[string[], string[]]> {
  const [rp, tp] = [await freePort(), await freePort()];
  const tmExtra = ['--no-metrics', '--socket', join(dir, `${name}.sock`)];
  const redis = await start('redis-server', argv(rp), rp, stdin);
  try {
    const tm = await start('tiermem', [...argv(tp), ...tmExtra], tp, stdin);
    try {
      const run = async (port: number): Promise<string[]> => {
        const c = await RespClient.connect(port);
        try {
          return await ask(c);
        } finally {
          c.close();
        }
      };
      return [await run(rp), await run(tp)];
    } finally {
      await tm.close();
    }
  } finally {
    await redis.close();
  }
}

const call = async (c: RespClient, ...args: string[]): Promise<string> => formatReply(await c.call(...args));

describe('tiermem serve reads its arguments as redis-server does', () => {
  it('splits as server.c: arguments starting with -, bare --save, "--name value" in one word, a leading file', () => {
    const sw = new Set(['no-controller', 'process-metrics']);
    const a = parseServeArgv(['--user', 'alice', 'on', '>pw', '-@all', '+get', '--save', '--port 7'], sw);
    expect(a.text).toBe('user "alice" "on" ">pw" "-@all" "+get" \nsave "" \nport 7 ');
    const b = parseServeArgv(['f.conf', '--list-max-listpack-size', '-3', '--save'], sw);
    expect(b.configFile).toBe('f.conf');
    expect(b.text).toBe('list-max-listpack-size "-3" \nsave "" ');
    // A bare --name takes the next word even when it starts with --; a switch does not.
    expect(parseServeArgv(['--requirepass', '--x', '--no-controller', '--process-metrics'], sw).text).toBe(
      'requirepass "--x" \ncontroller "no" \nprocess-metrics "yes" ',
    );
    expect(parseServeArgv(['-', '--port', '1'], sw).stdin).toBe(true);
    expect(parseServeArgv(['--port', '1', '-'], sw).stdin).toBe(true);
    expect(parseServeArgv(['-p', '1', '-c', 'f'], sw).text).toBe('port "1" \nconfig "f" ');
  });

  it('--user rules that start with - and +, as ACL LIST shows them; the rules hold', async () => {
    const [r, t] = await both(
      (port) => [
        '--port',
        String(port),
        '--save',
        '--user',
        'alice',
        'on',
        '>pw',
        '~*',
        '-@all',
        '+get',
        '--user',
        'bob',
        'on',
        'nopass',
        '&news.*',
        '+@read',
        '-keys',
        '--appendonly',
        'no',
      ],
      async (c) => {
        const out = [await call(c, 'ACL', 'LIST'), await call(c, 'CONFIG', 'GET', 'save')];
        out.push(await call(c, 'AUTH', 'alice', 'pw'), await call(c, 'GET', 'k'), await call(c, 'SET', 'k', 'v'));
        out.push(await call(c, 'AUTH', 'bob', 'x'), await call(c, 'KEYS', '*'));
        return out;
      },
      '',
      'user',
    );
    expect(t).toEqual(r);
    expect(t[0]).toContain('-@all +get');
    expect(t[1]).toContain('""'); // bare --save before another --name: save ""
    expect(t[4]).toMatch(/NOPERM/);
  });

  it('negative and multi-word values, "--name value" in one word, stdin (-) before the flags', async () => {
    const params = [
      'list-max-listpack-size',
      'client-output-buffer-limit',
      'maxmemory',
      'save',
      'timeout',
      'maxmemory-samples',
    ];
    const [r, t] = await both(
      (port) => [
        '-',
        `--port ${port}`,
        '--list-max-listpack-size',
        '-3',
        '--client-output-buffer-limit',
        'normal',
        '0',
        '0',
        '0',
        '--client-output-buffer-limit',
        'pubsub 1mb 512kb 10',
        '--save',
        '',
        '--save',
        '100',
        '1',
        '--maxmemory-samples',
        '7',
      ],
      async (c) => {
        const out: string[] = [];
        for (const p of params) out.push(await call(c, 'CONFIG', 'GET', p));
        return out;
      },
      'maxmemory 1mb\ntimeout 17\nsave 5 5\n',
      'neg',
    );
    expect(t).toEqual(r);
    expect(t[0]).toContain('-3');
    expect(t[2]).toContain('1048576'); // from stdin
    expect(t[3]).toContain('100 1'); // stdin's save, cleared by --save "", then the flag's
    expect(t[3]).not.toContain('5 5');
  });

  it('bad directives given as flags: the same fatal error and line as redis-server', async () => {
    const cases: string[][] = [
      ['--user', 'alice', 'on', '-@bogus'],
      ['--list-max-listpack-size'],
      ['--xyz', '-1', '--port', '0'],
      ['--maxmemory', '1', '--maxmemory-policy', 'bogus'],
      ['--client-output-buffer-limit', 'normal', '0', '0'],
    ];
    const fatal = (out: string): string => out.slice(out.indexOf('*** FATAL')).trim();
    for (const argv of cases) {
      const [r, t] = await Promise.all([
        runToExit('redis-server', argv),
        runToExit('tiermem', argv), // fails before it binds anything
      ]);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(t.code, argv.join(' ')).toBe(2);
      expect(fatal(t.output), argv.join(' ')).toBe(fatal(r.output));
    }
    // After a file, the flags are numbered as the lines after it (the file, then "\n").
    const f = join(dir, 'two.conf');
    writeFileSync(f, 'port 0\ntimeout 5\n');
    const [r, t] = await Promise.all([
      runToExit('redis-server', [f, '--maxmemory', 'foo']),
      runToExit('tiermem', [f, '--maxmemory', 'foo']),
    ]);
    expect(fatal(t.output)).toBe(fatal(r.output));
    expect(t.output).toContain('at line 4');
  });
});

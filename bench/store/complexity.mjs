// The O(n) commands, measured (issue 15 item 1): how long KEYS, FLUSHALL (SYNC vs ASYNC),
// SMEMBERS, HGETALL, LRANGE, ZRANGE, SINTER, SORT, DEL ... of big inputs keep the event loop, on
// the store and on redis-server 7.0.15, each server on its own (one after the other, so they do
// not compete for the cores). The time is the server's own (SLOWLOG with
// slowlog-log-slower-than 0: execution with the reply built, not sent), so the client does not count.
//
// The background forms (FLUSHALL ASYNC, UNLINK, and on the store DEL of a big value too) are
// also followed after they return: how long until INFO's lazyfree_pending_objects is 0, and the
// longest PING round trip another client saw meanwhile (the loop stays responsive: the store
// frees in bounded steps from its cron, redis-server in its lazyfree thread).
//
//   node bench/store/complexity.mjs [--keys N] [--members M] [--only store|redis]
//
// Defaults: N = 10,000,000 keys, M = 1,000,000 members (under 2 GB per server at a time;
// --keys 1000000 scales it down). Prints a Markdown table (README's "Commands that are O(n)")
// and a JSON line with every figure.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freePort, sleep } from '../lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const N = Number(opt('keys', '10000000'));
const M = Number(opt('members', '1000000'));
const ONLY = opt('only', '');
const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

// Complexity as redis-server 7.0.15's COMMAND DOCS states it (shortened where it goes on).
const CASES = [
  { name: 'DBSIZE', cmd: ['DBSIZE'], n: 'keys', cx: 'O(1)' },
  { name: 'RANDOMKEY', cmd: ['RANDOMKEY'], n: 'keys', cx: 'O(1)' },
  { name: 'SCAN 0 COUNT 1000', cmd: ['SCAN', '0', 'COUNT', '1000'], n: 'keys', cx: 'O(1) per call' },
  { name: 'KEYS nomatch:* (0 found)', cmd: ['KEYS', 'nomatch:*'], n: 'keys', cx: 'O(N), N keys in the db' },
  { name: 'KEYS key:1* (1/9 found)', cmd: ['KEYS', 'key:1*'], n: 'keys', cx: 'O(N), N keys in the db' },
  { name: 'FLUSHALL SYNC', cmd: ['FLUSHALL', 'SYNC'], n: 'keys', cx: 'O(N), N keys in all dbs' },
  { name: 'FLUSHALL ASYNC', cmd: ['FLUSHALL', 'ASYNC'], n: 'keys', cx: 'O(N), N keys in all dbs', bg: true },
  { name: 'SMEMBERS', cmd: ['SMEMBERS', 's1'], n: 'members', cx: 'O(N), N the cardinality' },
  { name: 'SINTER s1 s2', cmd: ['SINTER', 's1', 's2'], n: 'members', cx: 'O(N*M), N the smallest set, M sets' },
  { name: 'SUNIONSTORE su s1 s2', cmd: ['SUNIONSTORE', 'su', 's1', 's2'], n: 'members', cx: 'O(N), N all members' },
  { name: 'HGETALL', cmd: ['HGETALL', 'h'], n: 'members', cx: 'O(N), N the size of the hash' },
  { name: 'LRANGE 0 -1', cmd: ['LRANGE', 'l', '0', '-1'], n: 'members', cx: 'O(S+N), N elements returned' },
  { name: 'ZRANGE 0 -1', cmd: ['ZRANGE', 'z', '0', '-1'], n: 'members', cx: 'O(log(N)+M), M returned' },
  { name: 'SORT LIMIT 0 10', cmd: ['SORT', 'l', 'LIMIT', '0', '10'], n: 'members', cx: 'O(N+M*log(M)), M returned' },
  { name: 'DEL (set)', cmd: ['DEL', 's1'], n: 'members', cx: 'O(M), M elements of the value', bg: true },
  { name: 'UNLINK (hash)', cmd: ['UNLINK', 'h'], n: 'members', cx: 'O(1), then O(N) in the background', bg: true },
];

const pending = (port) => Number(/lazyfree_pending_objects:(\d+)/.exec(cli(port, 'INFO', 'memory'))?.[1] ?? NaN);

/** Feed commands (arrays of strings) through redis-cli --pipe, in protocol form. */
async function pipe(port, gen) {
  const child = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise((r) => child.on('exit', r));
  let chunk = [];
  for (const argv of gen()) {
    chunk.push(`*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    if (chunk.length === 10_000) {
      if (!child.stdin.write(chunk.join(''))) await new Promise((r) => child.stdin.once('drain', r));
      chunk = [];
    }
  }
  child.stdin.end(chunk.join(''));
  const code = await done;
  if (code !== 0) throw new Error(`redis-cli --pipe exited ${code}`);
}

function* keys(n) {
  for (let i = 0; i < n; i += 100) {
    const argv = ['MSET'];
    for (let j = i; j < Math.min(n, i + 100); j++) argv.push(`key:${j}`, `value-${j}`);
    yield argv;
  }
}
function* members(cmd, key, n, pair) {
  for (let i = 0; i < n; i += 100) {
    const argv = [cmd, key];
    for (let j = i; j < Math.min(n, i + 100); j++) argv.push(...pair(j));
    yield argv;
  }
}

/** Server-side microseconds of the command, from SLOWLOG (the entry whose first argument is it). */
function timed(port, cmd) {
  cli(port, 'SLOWLOG', 'RESET');
  execFileSync('redis-cli', ['-p', String(port), ...cmd], { stdio: 'ignore', maxBuffer: 1 << 30 });
  // redis-cli prints each entry as id, timestamp, duration, args..., addr, name, one per line.
  const out = cli(port, 'SLOWLOG', 'GET', '10').split('\n');
  for (let i = 0; i + 3 < out.length; i++) {
    if (/^\d+$/.test(out[i]) && /^\d+$/.test(out[i + 1]) && /^\d+$/.test(out[i + 2])) {
      if (out[i + 3].toUpperCase() === cmd[0].toUpperCase() && out[i + 4]?.toUpperCase() === cmd[1]?.toUpperCase())
        return Number(out[i + 2]);
      if (out[i + 3].toUpperCase() === cmd[0].toUpperCase() && cmd.length === 1) return Number(out[i + 2]);
    }
  }
  throw new Error(`no SLOWLOG entry for ${cmd.join(' ')}`);
}

/**
 * After a background free was started: PING from a raw socket back to back until
 * lazyfree_pending_objects is 0; the longest round trip and how long the free took.
 */
async function followBackground(port) {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  let maxRtt = 0;
  let pings = 0;
  const t0 = performance.now();
  let buf = '';
  const ping = () =>
    new Promise((resolve) => {
      const s = performance.now();
      const onData = (d) => {
        buf += d.toString('latin1');
        if (buf.includes('\r\n')) {
          buf = '';
          sock.off('data', onData);
          resolve(performance.now() - s);
        }
      };
      sock.on('data', onData);
      sock.write('PING\r\n');
    });
  let left = pending(port);
  let last = 0;
  if (left === 0) return { freeMs: 0, maxPingMs: 0, pings: 0 };
  while (left > 0 && performance.now() - t0 < 600_000) {
    maxRtt = Math.max(maxRtt, await ping());
    pings++;
    if (performance.now() - last > 100) {
      left = pending(port);
      last = performance.now();
    }
  }
  sock.destroy();
  return { freeMs: left === 0 ? performance.now() - t0 : NaN, maxPingMs: pings ? maxRtt : 0, pings };
}

async function start(kind, dir) {
  const port = await freePort();
  const child =
    kind === 'redis'
      ? spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir], {
          stdio: 'ignore',
        })
      : spawn(
          process.execPath,
          [
            MAIN,
            'serve',
            '--pmem',
            `file:${existsSync('/dev/shm') ? '/dev/shm' : dir}`,
            '--port',
            String(port),
            '--no-metrics',
            '--dir',
            dir,
          ],
          { stdio: 'ignore', env: { ...process.env, TIERMEM_ADMIN_SOCKET: join(dir, 'admin.sock') } },
        );
  for (let i = 0; ; i++) {
    try {
      if (cli(port, 'PING') === 'PONG') break;
    } catch {
      // starting
    }
    if (i > 300) throw new Error(`${kind} did not start`);
    await sleep(100);
  }
  cli(port, 'CONFIG', 'SET', 'slowlog-log-slower-than', '0');
  const exited = new Promise((r) => child.once('exit', r));
  return {
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), `tiermem-complexity-${kind}-`));
  const s = await start(kind, dir);
  const p = s.port;
  const r = {};
  const bg = {};
  const idlePing = async () => {
    // The same PING loop against the idle server: what the machine alone adds to a round trip.
    const sock = net.connect(p, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let max = 0;
    for (let i = 0; i < 500; i++) {
      const t = performance.now();
      await new Promise((r) => {
        sock.once('data', r);
        sock.write('PING\r\n');
      });
      max = Math.max(max, performance.now() - t);
    }
    sock.destroy();
    return max;
  };
  const run = async (c) => {
    r[c.name] = timed(p, c.cmd);
    if (c.bg) bg[c.name] = await followBackground(p);
    console.error(`${kind}: ${c.name} ${(r[c.name] / 1000).toFixed(2)} ms ${c.bg ? JSON.stringify(bg[c.name]) : ''}`);
  };
  try {
    const load = async () => {
      const t = performance.now();
      await pipe(p, () => keys(N));
      const dbsize = Number(cli(p, 'DBSIZE'));
      if (dbsize !== N) throw new Error(`${kind}: DBSIZE ${dbsize}, wanted ${N}`);
      console.error(`${kind}: ${N} keys loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    };
    await load();
    r.idlePingMaxMs = await idlePing();
    for (const c of CASES.filter((c) => c.n === 'keys' && c.cmd[0] !== 'FLUSHALL')) await run(c);
    await run(CASES.find((c) => c.name === 'FLUSHALL SYNC'));
    await load();
    await run(CASES.find((c) => c.name === 'FLUSHALL ASYNC'));
    await pipe(p, () => members('SADD', 's1', M, (j) => [`m${j}`]));
    await pipe(p, () => members('SADD', 's2', M, (j) => [`m${j * 2}`]));
    await pipe(p, () => members('HSET', 'h', M, (j) => [`f${j}`, `v${j}`]));
    await pipe(p, () => members('RPUSH', 'l', M, (j) => [String((j * 7919) % M)]));
    await pipe(p, () => members('ZADD', 'z', M, (j) => [String(j), `m${j}`]));
    for (const c of CASES.filter((c) => c.n === 'members')) await run(c);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { r, bg };
}

const results = {};
for (const kind of ['store', 'redis']) if (!ONLY || ONLY === kind) results[kind] = await measure(kind);
const ms = (us) => (Number.isFinite(us) ? (us / 1000).toFixed(us < 10_000 ? 2 : 0) : '-');
const after = (b) => (b ? ` (freed in ${(b.freeMs / 1000).toFixed(1)} s, PING max ${b.maxPingMs.toFixed(1)} ms)` : '');
console.log(`| command | complexity (Redis's docs) | n | tiermem (ms) | redis-server 7.0.15 (ms) |`);
console.log(`|---|---|---:|---:|---:|`);
for (const c of CASES) {
  const n = c.n === 'keys' ? N : M;
  const cell = (kind) => `${ms(results[kind]?.r[c.name])}${after(results[kind]?.bg[c.name])}`;
  console.log(`| ${c.name} | ${c.cx} | ${n.toLocaleString('en-US')} | ${cell('store')} | ${cell('redis')} |`);
}
for (const kind of Object.keys(results))
  console.log(
    `${kind}: PING max over 500 round trips to the idle loaded server: ${results[kind].r.idlePingMaxMs.toFixed(1)} ms`,
  );
console.log(JSON.stringify({ keys: N, members: M, results }));

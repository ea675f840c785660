// Memory comes back (issue 15, item 7): RSS of `tiermem serve` at start, after a load, and after
// FLUSHALL (SYNC, then again with ASYNC once the background free is done), against the baseline.
// Round 1 warms the process up: what it keeps after its first load and flush (allocator
// metadata, V8's code and heap, the C heap's high water) is the warm baseline. Rounds 2..R must
// come back to it: RSS after each flush <= warm baseline x 1.10 + growth of V8's heap and Node's
// external memory since (from the process metrics), and the emulated-PMem file pages (RssShmem
// on tmpfs, RssFile on a disk filesystem) within 10% of the cold baseline + 4 MiB.
//
//   node bench/store/rss-return.mjs [--keys N] [--value BYTES] [--pmem DIR] [--rounds R] [--assert]
//
// The load is redis-benchmark's SET (N keys), LPUSH, SADD, HSET and ZADD (N members each in one
// key), pipelined, so both tiers (PMem past the controller's threshold) and every collection
// encoding fill up. Prints one table row per phase and a JSON summary on the last line.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freePort, sleep } from '../lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const N = Number(opt('keys', '1000000'));
const VALUE = Number(opt('value', '256'));
const ROUNDS = Math.max(2, Number(opt('rounds', '2')));
const ASSERT = args.includes('--assert');
const pmemRoot = opt('pmem', existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

function status(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
}

/** V8's heap plus Node's external memory, from the process metrics (one connection per scrape). */
function runtime(metricsPort) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port: metricsPort, path: '/metrics', agent: false, timeout: 5000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          const v = (k) => Number(new RegExp(`^tiermem_${k} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
          resolve(v('nodejs_heap_size_total_bytes') + v('nodejs_external_memory_bytes'));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('metrics scrape timed out')));
    req.on('error', reject);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tiermem-rss-'));
const pmemDir = mkdtempSync(join(pmemRoot, 'tiermem-rss-pmem-'));
const port = await freePort();
const metricsPort = await freePort();
const child = spawn(
  process.execPath,
  [
    MAIN,
    'serve',
    '--pmem',
    `file:${pmemDir}`,
    '--port',
    String(port),
    '--dir',
    dir,
    '--process-metrics',
    '--metrics-port',
    String(metricsPort),
  ],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, TIERMEM_ADMIN_SOCKET: join(dir, 'admin.sock') } },
);
const stop = () => {
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  rmSync(pmemDir, { recursive: true, force: true });
};
process.on('exit', stop);

for (let i = 0; ; i++) {
  try {
    if (cli(port, 'PING') === 'PONG') break;
  } catch {
    // not up yet
  }
  if (i > 200) throw new Error('tiermem serve did not start');
  await sleep(100);
}
await sleep(2000); // start-up allocation settles
const mb = (b) => (b / 2 ** 20).toFixed(1).padStart(8);
const rows = [];
const snap = async (phase) => {
  const s = status(child.pid);
  const r = {
    phase,
    ...s,
    runtime: await runtime(metricsPort),
    used: Number(/used_memory:(\d+)/.exec(cli(port, 'INFO', 'memory'))?.[1]),
  };
  rows.push(r);
  console.log(
    `${phase.padEnd(26)} RSS ${mb(r.rss)} MiB  anon ${mb(r.anon)}  file ${mb(r.file)}  shmem ${mb(r.shmem)}  runtime ${mb(r.runtime)}  store live ${mb(r.used)}`,
  );
  return r;
};
const base = await snap('baseline');
const load = () =>
  execFileSync(
    'redis-benchmark',
    [
      '-p',
      String(port),
      '-q',
      '-P',
      '16',
      '-c',
      '20',
      '-n',
      String(N),
      '-r',
      String(N),
      '-d',
      String(VALUE),
      '-t',
      'set,lpush,sadd,hset,zadd',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
// Values too big to free in one step (a 1M-member list) are freed in background steps even by a
// SYNC flush; the cron purges once they are gone (at most once a second).
const settle = async () => {
  for (let i = 0; i < 600; i++) {
    if (/lazyfree_pending_objects:0\b/.test(cli(port, 'INFO', 'memory'))) break;
    await sleep(100);
  }
  await sleep(1500);
};
const checks = [];
let warm = null;
const check = (r) => {
  if (warm === null) {
    warm = r;
    console.log(`${''.padEnd(26)} warm baseline: ${mb(r.rss - base.rss)} MiB over the cold one`);
    return;
  }
  const allowed = warm.rss * 1.1 + Math.max(0, r.runtime - warm.runtime);
  const pmemPages = r.file + r.shmem;
  const pmemAllowed = (base.file + base.shmem) * 1.1 + 4 * 2 ** 20;
  const ok = r.rss <= allowed && pmemPages <= pmemAllowed;
  checks.push({
    phase: r.phase,
    rss: r.rss,
    allowed: Math.round(allowed),
    pmemPages,
    pmemAllowed: Math.round(pmemAllowed),
    ok,
  });
  console.log(
    `${''.padEnd(26)} ${ok ? 'ok  ' : 'OVER'} RSS ${mb(r.rss)} <= ${mb(allowed)} MiB (warm x 1.10 + runtime growth); file+shmem ${mb(pmemPages)} <= ${mb(pmemAllowed)}`,
  );
};
for (let round = 1; round <= ROUNDS; round++) {
  load();
  await snap(`round ${round}: loaded (${cli(port, 'DBSIZE')} keys)`);
  cli(port, 'FLUSHALL', 'SYNC');
  await settle();
  check(await snap(`round ${round}: FLUSHALL SYNC`));
  load();
  await snap(`round ${round}: loaded again`);
  cli(port, 'FLUSHALL', 'ASYNC');
  await settle();
  check(await snap(`round ${round}: FLUSHALL ASYNC`));
}
const ok = checks.every((c) => c.ok);
console.log(JSON.stringify({ keys: N, value: VALUE, pmem: pmemRoot, ok, baseline: base, warm, checks }));
if (ASSERT && !ok) process.exitCode = 1;

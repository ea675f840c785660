// Persistence benchmark: redis-server 7.0.15 (fork + page copy-on-write) and the tiermem store
// (forkless, object-level copy-on-write) with the same data and load, in the same run:
//   1. fill N values of 1 KiB (default 1 GiB of values) under keys key:%012d;
//   2. a steady SET overwrite load over those keys (redis-benchmark -t set -r N -d 1024);
//   3. throughput over a window without a save before and after, and during a BGSAVE: save time,
//      throughput during the save, the server's extra memory (Redis: rdb_last_cow_size and the
//      RSS peak of parent + child; tiermem: its peak snapshot buffer, which is all the extra it
//      holds, and its RSS peak);
//   4. restart on the dump: load time (the servers' own "DB loaded from disk" line).
// Usage: node bench/persist/run.mjs [--mib 1024] [--window 10] [--clients 20]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MIB = arg('mib', 1024);
const WINDOW_S = arg('window', 10);
const CLIENTS = arg('clients', 20);
const N = Math.floor((MIB * 1024 * 1024) / 1024);
const VALUE = 'v'.repeat(1024);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function cli(port, ...args) {
  return execFileSync('redis-cli', ['-p', String(port), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // "Could not connect" while a server starts is expected
  }).trim();
}
function info(port, section) {
  const out = {};
  for (const line of cli(port, 'info', section).split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
function treeRssKb(pid) {
  let total = 0;
  const walk = (p) => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]);
      const kids = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const k of kids ? kids.split(/\s+/) : []) walk(Number(k));
    } catch {
      /* gone */
    }
  };
  walk(pid);
  return total;
}
async function waitPing(port) {
  for (let i = 0; i < 6000; i++) {
    try {
      if (cli(port, 'ping') === 'PONG') return;
    } catch {
      /* not yet */
    }
    await sleep(50);
  }
  throw new Error(`no PING answer on ${port}`);
}

function start(kind, port, dir) {
  const args =
    kind === 'redis'
      ? [
          'redis-server',
          ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        ]
      : [process.execPath, [join(import.meta.dirname, 'serve.mjs'), String(port), dir]];
  const child = spawn(args[0], args[1], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  return { child, log: () => log, exited: new Promise((r) => child.once('exit', r)) };
}
async function stop(s) {
  s.child.kill('SIGTERM');
  const t = setTimeout(() => s.child.kill('SIGKILL'), 120_000);
  await s.exited;
  clearTimeout(t);
}

/** N SETs as one RESP stream through redis-cli --pipe. */
function fill(port) {
  return new Promise((resolve, reject) => {
    const p = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`--pipe exited ${code}: ${out}`))));
    let i = 0;
    const write = () => {
      while (i < N) {
        const parts = [];
        for (let j = 0; j < 2000 && i < N; j++, i++) {
          const k = `key:${String(i).padStart(12, '0')}`;
          parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$1024\r\n${VALUE}\r\n`);
        }
        if (!p.stdin.write(parts.join(''))) return p.stdin.once('drain', write);
      }
      p.stdin.end();
    };
    write();
  });
}

function load(port) {
  return spawn(
    'redis-benchmark',
    ['-p', String(port), '-t', 'set', '-r', String(N), '-d', '1024', '-n', '2000000000', '-c', String(CLIENTS), '-q'],
    { stdio: 'ignore' },
  );
}
const commands = (port) => Number(info(port, 'stats').total_commands_processed);

async function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), `persist-bench-${kind}-`));
  const port = await freePort();
  let s = start(kind, port, dir);
  await waitPing(port);
  const t0 = Date.now();
  await fill(port);
  const fillS = (Date.now() - t0) / 1000;
  const dataset = Number(info(port, 'memory').used_memory);
  const rssBefore = treeRssKb(s.child.pid) * 1024;
  const bench = load(port);
  await sleep(2000);
  let c0 = commands(port);
  await sleep(WINDOW_S * 1000);
  const baselineBefore = (commands(port) - c0) / WINDOW_S;
  // BGSAVE under the load.
  c0 = commands(port);
  const tSave = Date.now();
  cli(port, 'bgsave');
  let rssPeak = 0;
  for (;;) {
    rssPeak = Math.max(rssPeak, treeRssKb(s.child.pid) * 1024);
    if (info(port, 'persistence').rdb_bgsave_in_progress === '0') break;
    await sleep(20);
  }
  const saveS = (Date.now() - tSave) / 1000;
  const during = (commands(port) - c0) / saveS;
  const p = info(port, 'persistence');
  // The same window again after the save: on a shared machine the load of others drifts, and the
  // mean of a window before and one after is a fairer "without a save".
  await sleep(1000);
  c0 = commands(port);
  await sleep(WINDOW_S * 1000);
  const baselineAfter = (commands(port) - c0) / WINDOW_S;
  bench.kill('SIGKILL');
  await sleep(200);
  await stop(s);
  const fileBytes = Number(execFileSync('stat', ['-c', '%s', join(dir, 'dump.rdb')], { encoding: 'utf8' }));
  // Restart on the dump: the server's own load time.
  const t1 = Date.now();
  s = start(kind, port, dir);
  await waitPing(port);
  const restartS = (Date.now() - t1) / 1000;
  // The line is written before the server answers, but this process may not have read it yet.
  const loaded = /DB loaded from disk: ([\d.]+) seconds/;
  for (let i = 0; i < 250 && !loaded.test(s.log()); i++) await sleep(20);
  const m = loaded.exec(s.log());
  const keys = Number(cli(port, 'dbsize'));
  await stop(s);
  rmSync(dir, { recursive: true, force: true });
  return {
    kind,
    keys,
    datasetBytes: dataset,
    fillS,
    fileBytes,
    baselineOps: Math.round((baselineBefore + baselineAfter) / 2),
    baselineBeforeOps: Math.round(baselineBefore),
    baselineAfterOps: Math.round(baselineAfter),
    duringOps: Math.round(during),
    ratio: during / ((baselineBefore + baselineAfter) / 2),
    saveS,
    status: p.rdb_last_bgsave_status,
    cowBytes: Number(p.rdb_last_cow_size),
    rssBefore,
    rssPeakExtra: rssPeak - rssBefore,
    loadS: m ? Number(m[1]) : NaN,
    restartS,
  };
}

const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const rows = [];
for (const kind of ['redis', 'tiermem']) {
  const r = await measure(kind);
  rows.push(r);
  console.error(JSON.stringify(r));
}
console.log(
  `\nPersistence benchmark: ${N} values of 1 KiB (${MIB} MiB of values), SET overwrite load from redis-benchmark -c ${CLIENTS}; ` +
    `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs at the end\n`,
);
console.log(
  '| server | keys | used_memory | BGSAVE time | SET/s without save | SET/s during save | ratio | extra memory (rdb_last_cow_size) | RSS peak over baseline | dump.rdb | load time |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.kind} | ${r.keys} | ${mb(r.datasetBytes)} | ${r.saveS.toFixed(2)} s | ${r.baselineOps} | ${r.duringOps} | ${r.ratio.toFixed(2)} | ${mb(r.cowBytes)} (${(r.cowBytes / r.datasetBytes).toFixed(3)}x) | ${mb(r.rssPeakExtra)} | ${mb(r.fileBytes)} | ${r.loadS.toFixed(3)} s |`,
  );

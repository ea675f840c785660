// AOF rewrite benchmark: redis-server 7.0.15 (BGREWRITEAOF by fork) and the tiermem store (forkless,
// on the snapshot) with the same data and load, in the same run:
//   1. appendonly yes (appendfsync everysec, automatic rewrites off), N values of 1 KiB;
//   2. a steady SET overwrite load (redis-benchmark -t set -r N -d 1024);
//   3. A/B/A/B: a window without a rewrite, a BGREWRITEAOF, a window without, ... --rounds times:
//      rewrite time (command to aof_rewrite_in_progress 0, polled every 20 ms), SET/s during it
//      over the mean of the windows on either side, the extra memory (aof_last_cow_size: Redis's
//      copy-on-write, tiermem's snapshot buffer peak; and the RSS peak of the server's process tree
//      over its RSS before the load);
//   4. the base file's size.
// Usage: node bench/persist/aof-rewrite.mjs [--mib 256] [--window 5] [--clients 20] [--rounds 3]
//        [--preamble yes|no] [--only redis|tiermem]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  commands,
  fillValues,
  freePort,
  info,
  InfoPoller,
  launch,
  median,
  rate,
  setLoad,
  sleep,
  stop,
  treeRssKb,
  waitPing,
} from '../lib.mjs';

const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const MIB = Number(opt('mib', 256));
const WINDOW_S = Number(opt('window', 5));
const CLIENTS = Number(opt('clients', 20));
const ROUNDS = Number(opt('rounds', 3));
const PREAMBLE = opt('preamble', 'yes');
const N = Math.floor((MIB * 1024 * 1024) / 1024);
// Values stay in DRAM (threshold above any value), as redis-server's do (bench/persist/serve.mjs's choice).
const PMEM = process.env.TIERMEM_BENCH_PMEM ?? (existsSync('/dev/shm') ? 'file:/dev/shm' : 'auto');

function start(kind, port, dir) {
  const args =
    kind === 'redis'
      ? [
          'redis-server',
          [
            ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir],
            ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--aof-use-rdb-preamble', PREAMBLE],
            ...['--auto-aof-rewrite-percentage', '0'],
          ],
        ]
      : [
          process.execPath,
          [
            join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js'),
            ...['serve', '--no-metrics', '--no-controller', '--socket', join(dir, 'admin.sock')],
            ...['--port', String(port), '--dir', dir, '--save', '', '--threshold', '1TiB', '--pmem', PMEM],
            ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--aof-use-rdb-preamble', PREAMBLE],
            ...['--auto-aof-rewrite-percentage', '0'],
          ],
        ];
  return launch(args[0], args[1]);
}

async function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), `aofrw-bench-${kind}-`));
  const port = await freePort();
  const s = start(kind, port, dir);
  await waitPing(port);
  await fillValues(port, N, 1024);
  const dataset = Number(info(port, 'memory').used_memory);
  const rssBefore = treeRssKb(s.child.pid) * 1024;
  const load = setLoad(port, N, 1024, CLIENTS);
  await sleep(2000);
  const without = [await rate(port, WINDOW_S)];
  const rounds = [];
  let rssPeak = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = commands(port);
    const t0 = Date.now();
    const load0 = loadavg()[0];
    const reply = execFileSync('redis-cli', ['-p', String(port), 'bgrewriteaof'], { encoding: 'utf8' }).trim();
    if (!reply.startsWith('Background append only file rewriting started')) throw new Error(`${kind}: ${reply}`);
    // Over one connection: spawning redis-cli 50 times a second took CPU from both servers.
    const poll = new InfoPoller(port);
    for (;;) {
      rssPeak = Math.max(rssPeak, treeRssKb(s.child.pid) * 1024);
      if ((await poll.info('persistence')).aof_rewrite_in_progress === '0') break;
      await sleep(50);
    }
    poll.close();
    const rewriteS = (Date.now() - t0) / 1000;
    const during = (commands(port) - c0) / rewriteS;
    const p = info(port, 'persistence');
    if (p.aof_last_bgrewrite_status !== 'ok') throw new Error(`${kind}: rewrite ${p.aof_last_bgrewrite_status}`);
    await sleep(1000);
    without.push(await rate(port, WINDOW_S));
    const base = (without[r] + without[r + 1]) / 2;
    rounds.push({
      rewriteS,
      during,
      base,
      ratio: during / base,
      cow: Number(p.aof_last_cow_size),
      load1: (load0 + loadavg()[0]) / 2,
    });
    console.error(`${kind} round ${r + 1}: ${JSON.stringify(rounds[r])}`);
  }
  load.kill('SIGKILL');
  await sleep(200);
  const baseFile = readdirSync(join(dir, 'appendonlydir')).find((f) => f.includes('.base.'));
  const baseBytes = statSync(join(dir, 'appendonlydir', baseFile)).size;
  await stop(s);
  rmSync(dir, { recursive: true, force: true });
  const ratios = rounds.map((x) => x.ratio);
  return {
    kind,
    datasetBytes: dataset,
    baseFile,
    baseBytes,
    rounds,
    rewriteS: median(rounds.map((x) => x.rewriteS)),
    baselineOps: Math.round(median(without)),
    duringOps: Math.round(median(rounds.map((x) => x.during))),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    cowBytes: Math.max(...rounds.map((x) => x.cow)),
    rssPeakExtra: rssPeak - rssBefore,
  };
}

const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const up = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const upStart = up();
const kinds = process.argv.includes('--only') ? [opt('only')] : ['redis', 'tiermem'];
const rows = [];
for (const kind of kinds) {
  const r = await measure(kind);
  rows.push(r);
  console.error(JSON.stringify(r));
}
console.log(
  `\nAOF rewrite benchmark: ${N} values of 1 KiB (${MIB} MiB of values), aof-use-rdb-preamble ${PREAMBLE}, ` +
    `appendfsync everysec, SET overwrite load from redis-benchmark -c ${CLIENTS}, ${ROUNDS} rewrites per server each ` +
    `between ${WINDOW_S} s windows without; ${cpus().length} CPUs; at the start: ${upStart}; at the end: ${up()}\n`,
);
console.log(
  '| server | used_memory | BGREWRITEAOF time (median) | SET/s without (median) | SET/s during (median) | ratio: median [min-max] | extra memory (aof_last_cow_size, max) | RSS peak over baseline | base file |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.kind} | ${mb(r.datasetBytes)} | ${r.rewriteS.toFixed(2)} s | ${r.baselineOps} | ${r.duringOps} | ${r.ratio.toFixed(2)} [${r.ratioMin.toFixed(2)}-${r.ratioMax.toFixed(2)}] | ${mb(r.cowBytes)} (${(r.cowBytes / r.datasetBytes).toFixed(3)}x) | ${mb(r.rssPeakExtra)} | ${r.baseFile} ${mb(r.baseBytes)} |`,
  );
console.log(
  '\n| server | round | BGREWRITEAOF time | SET/s without (mean of both sides) | SET/s during | ratio | extra memory | load average |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows)
  r.rounds.forEach((x, i) =>
    console.log(
      `| ${r.kind} | ${i + 1} | ${x.rewriteS.toFixed(2)} s | ${Math.round(x.base)} | ${Math.round(x.during)} | ${x.ratio.toFixed(2)} | ${mb(x.cow)} | ${x.load1.toFixed(1)} |`,
    ),
  );

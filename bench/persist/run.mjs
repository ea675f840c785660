// Persistence benchmark: redis-server 7.0.15 (fork + page copy-on-write) and the tiermem store
// (forkless, object-level copy-on-write) with the same data and load, in the same run:
//   1. fill N values of 1 KiB (default 1 GiB of values) under keys key:%012d;
//   2. a steady SET overwrite load over those keys (redis-benchmark -t set -r N -d 1024);
//   3. throughput over a window without a save before and after, and during a BGSAVE: save time,
//      throughput during the save, the server's extra memory (Redis: rdb_last_cow_size and the
//      RSS peak of parent + child; tiermem: its peak snapshot buffer, which is all the extra it
//      holds, and its RSS peak);
//   4. restart on the dump: load time (the servers' own "DB loaded from disk" line).
//   The throughput ratio is measured A/B/A/B: --rounds saves, each between two windows without
//   a save; the table gives the median ratio and its spread over the rounds.
// Usage: node bench/persist/run.mjs [--mib 1024] [--window 10] [--clients 20] [--rounds 3]
//   [--ex-share 0.5]: that share of the clients send SET key value EX 86400 instead (a second
//   redis-benchmark over the same keys), so the save meets overwrites that also set a TTL.
//
// --load-only: step 4 alone, A/B in the same run on the same bytes: one dump.rdb (redis-server
// fills N values and SAVEs, or --dump FILE) is loaded by redis-server and by tiermem, --rounds
// times each, alternating which goes first; --keep-dump FILE keeps the generated dump for later
// runs (--dump FILE).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cli,
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

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MIB = arg('mib', 1024);
const WINDOW_S = arg('window', 10);
const CLIENTS = arg('clients', 20);
const ROUNDS = arg('rounds', 3);
const EX_SHARE = arg('ex-share', 0);
const strArg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const N = Math.floor((MIB * 1024 * 1024) / 1024);
const VALUE = 'v'.repeat(1024);

function start(kind, port, dir) {
  const args =
    kind === 'redis'
      ? [
          'redis-server',
          ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        ]
      : [process.execPath, [join(import.meta.dirname, 'serve.mjs'), String(port), dir]];
  return launch(args[0], args[1]);
}

/** Start `kind` on the dump in dir: its own "DB loaded from disk" time, the time to the first
 * PING answer, and the keys it holds. */
async function restart(kind, port, dir) {
  const t1 = Date.now();
  const s = start(kind, port, dir);
  await waitPing(port);
  const restartS = (Date.now() - t1) / 1000;
  // The line is written before the server answers, but this process may not have read it yet.
  const loaded = /DB loaded from disk: ([\d.]+) seconds/;
  for (let i = 0; i < 250 && !loaded.test(s.log()); i++) await sleep(20);
  const m = loaded.exec(s.log());
  const keys = Number(cli(port, 'dbsize'));
  await stop(s);
  return { loadS: m ? Number(m[1]) : NaN, restartS, keys, log: s.log() };
}

async function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), `persist-bench-${kind}-`));
  const port = await freePort();
  const s = start(kind, port, dir);
  await waitPing(port);
  const t0 = Date.now();
  await fillValues(port, N, 1024);
  const fillS = (Date.now() - t0) / 1000;
  const dataset = Number(info(port, 'memory').used_memory);
  const rssBefore = treeRssKb(s.child.pid) * 1024;
  const exClients = Math.round(CLIENTS * EX_SHARE);
  const loads = [
    ...(exClients < CLIENTS ? [setLoad(port, N, 1024, CLIENTS - exClients)] : []),
    ...(exClients > 0 ? [setLoad(port, N, 1024, exClients, 86400)] : []),
  ];
  await sleep(2000);
  // A/B/A/B...: a window without a save, a BGSAVE, a window without, ... and each save's ratio is
  // its throughput over the mean of the windows on either side of it. On a shared machine the
  // other tenants' load drifts within minutes: adjacent windows and the median of several rounds
  // keep that drift out of the figure.
  const without = [await rate(port, WINDOW_S)];
  const rounds = [];
  let rssPeak = 0;
  let cowBytes = 0;
  let status = 'ok';
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = commands(port);
    const tSave = Date.now();
    const load0 = loadavg()[0];
    cli(port, 'bgsave');
    // Every 50 ms over one connection (InfoPoller): the save's end to 50 ms, and the RSS peak.
    const poll = new InfoPoller(port);
    for (;;) {
      rssPeak = Math.max(rssPeak, treeRssKb(s.child.pid) * 1024);
      if ((await poll.info('persistence')).rdb_bgsave_in_progress === '0') break;
      await sleep(50);
    }
    poll.close();
    const saveS = (Date.now() - tSave) / 1000;
    const during = (commands(port) - c0) / saveS;
    const p = info(port, 'persistence');
    cowBytes = Math.max(cowBytes, Number(p.rdb_last_cow_size));
    if (p.rdb_last_bgsave_status !== 'ok') status = p.rdb_last_bgsave_status;
    await sleep(1000);
    without.push(await rate(port, WINDOW_S));
    const base = (without[r] + without[r + 1]) / 2;
    // tiermem's log: the keys written ahead of a change, and how many of them were kept as blocks
    // (the rest were serialized on the command path).
    const saved = [...s.log().matchAll(/(\d+) written ahead of changes(?: \((\d+) of them kept as blocks\))?/g)].at(-1);
    const ahead = saved ? `${saved[1]} (${saved[2] ?? '?'} kept)` : '-';
    rounds.push({ saveS, during, base, ratio: during / base, load1: (load0 + loadavg()[0]) / 2, ahead });
    console.error(`${kind} round ${r + 1}: ${JSON.stringify(rounds[r])}`);
  }
  for (const l of loads) l.kill('SIGKILL');
  await sleep(200);
  await stop(s);
  const fileBytes = Number(execFileSync('stat', ['-c', '%s', join(dir, 'dump.rdb')], { encoding: 'utf8' }));
  const { loadS, restartS, keys } = await restart(kind, port, dir);
  rmSync(dir, { recursive: true, force: true });
  const ratios = rounds.map((x) => x.ratio);
  return {
    kind,
    keys,
    datasetBytes: dataset,
    fillS,
    fileBytes,
    rounds,
    baselineOps: Math.round(median(without)),
    duringOps: Math.round(median(rounds.map((x) => x.during))),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    saveS: median(rounds.map((x) => x.saveS)),
    status,
    cowBytes,
    rssBefore,
    rssPeakExtra: rssPeak - rssBefore,
    loadS,
    restartS,
  };
}

const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const upStart = execFileSync('uptime', { encoding: 'utf8' }).trim();
const rows = [];
const kinds = process.argv.includes('--only')
  ? [process.argv[process.argv.indexOf('--only') + 1]]
  : ['redis', 'tiermem'];
if (process.argv.includes('--load-only')) {
  await loadOnly();
  process.exit(0);
}

async function loadOnly() {
  const base = mkdtempSync(join(tmpdir(), 'persist-load-'));
  const dirs = Object.fromEntries(kinds.map((k) => [k, join(base, k)]));
  for (const d of Object.values(dirs)) mkdirSync(d);
  const port = await freePort();
  let dump = strArg('dump');
  if (dump === undefined) {
    dump = join(base, 'dump.rdb');
    // As the full run's dump: most values as filled (LZF-compressible), a share overwritten by
    // redis-benchmark's incompressible payload (--incompressible, default 0.1), here one per key.
    const share = arg('incompressible', 0.1);
    const every = share > 0 ? Math.round(1 / share) : 0;
    const random = (i) => {
      let x = (i * 2654435761) >>> 0;
      let out = '';
      while (out.length < 1024) {
        x = (Math.imul(x ^ (x >>> 15), 2246822519) + 0x9e3779b9) >>> 0;
        out += x.toString(36).padStart(7, '0');
      }
      return out.slice(0, 1024);
    };
    const s = start('redis', port, base);
    await waitPing(port);
    await fillValues(port, N, 1024, (i) => (every > 0 && i % every === 0 ? random(i) : VALUE));
    cli(port, 'save');
    await stop(s);
    const keep = strArg('keep-dump');
    if (keep !== undefined) copyFileSync(dump, keep);
  }
  for (const d of Object.values(dirs)) copyFileSync(dump, join(d, 'dump.rdb'));
  const fileBytes = Number(execFileSync('stat', ['-c', '%s', dump], { encoding: 'utf8' }));
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...kinds].reverse() : kinds;
    for (const kind of order) {
      const load0 = loadavg()[0];
      const x = await restart(kind, port, dirs[kind]);
      runs.push({ kind, round: r + 1, ...x, log: undefined, load1: (load0 + loadavg()[0]) / 2 });
      console.error(JSON.stringify(runs.at(-1)));
    }
  }
  rmSync(base, { recursive: true, force: true });
  console.log(
    `\nLoad benchmark: one dump.rdb of ${mb(fileBytes)} (${N} values of 1 KiB, ${MIB} MiB of values) loaded ${ROUNDS} times by each server, ` +
      `alternating which goes first; ${cpus().length} CPUs; at the start: ${upStart}; at the end: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n`,
  );
  console.log('| server | keys | load time (median) | per round | restart to PING (median) |');
  console.log('|---|---|---|---|---|');
  for (const kind of kinds) {
    const mine = runs.filter((x) => x.kind === kind);
    console.log(
      `| ${kind} | ${mine[0].keys} | ${median(mine.map((x) => x.loadS)).toFixed(2)} s | ${mine.map((x) => `${x.loadS.toFixed(2)} (load ${x.load1.toFixed(1)})`).join(', ')} | ${median(mine.map((x) => x.restartS)).toFixed(2)} s |`,
    );
  }
}
for (const kind of kinds) {
  const r = await measure(kind);
  rows.push(r);
  console.error(JSON.stringify(r));
}
const up = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
console.log(
  `\nPersistence benchmark: ${N} values of 1 KiB (${MIB} MiB of values), SET overwrite load from redis-benchmark -c ${CLIENTS}` +
    (EX_SHARE > 0 ? ` (${Math.round(CLIENTS * EX_SHARE)} of them SET .. EX 86400)` : '') +
    ', ' +
    `${ROUNDS} saves per server each between ${WINDOW_S} s windows without; ${cpus().length} CPUs; at the start: ${upStart}; at the end: ${up()}\n`,
);
console.log(
  '| server | keys | used_memory | BGSAVE time (median) | SET/s without save (median) | SET/s during save (median) | ratio: median [min-max] | extra memory (rdb_last_cow_size) | RSS peak over baseline | dump.rdb | load time |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.kind} | ${r.keys} | ${mb(r.datasetBytes)} | ${r.saveS.toFixed(2)} s | ${r.baselineOps} | ${r.duringOps} | ${r.ratio.toFixed(2)} [${r.ratioMin.toFixed(2)}-${r.ratioMax.toFixed(2)}] | ${mb(r.cowBytes)} (${(r.cowBytes / r.datasetBytes).toFixed(3)}x) | ${mb(r.rssPeakExtra)} | ${mb(r.fileBytes)} | ${r.loadS.toFixed(3)} s |`,
  );
console.log(
  '\n| server | round | BGSAVE time | SET/s without (mean of both sides) | SET/s during | ratio | load average | written ahead of changes |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows)
  r.rounds.forEach((x, i) =>
    console.log(
      `| ${r.kind} | ${i + 1} | ${x.saveS.toFixed(2)} s | ${Math.round(x.base)} | ${Math.round(x.during)} | ${x.ratio.toFixed(2)} | ${x.load1.toFixed(1)} | ${x.ahead} |`,
    ),
  );

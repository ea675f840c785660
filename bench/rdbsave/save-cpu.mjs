// The CPU a BGSAVE costs the serving process, A/B between two builds in the same run: each round
// starts the store (bench/persist/serve.mjs of that build) with N values of 1 KiB under
// key:%012d, half 'v' x 1024 and half random bytes, then, with no client connected but this
// script's INFO polls (4 a second), reads the process's utime + stime (/proc/PID/stat) across a
// BGSAVE. Builds alternate A B B A ... so drift in the machine's load hits both alike.
// Usage: node bench/rdbsave/save-cpu.mjs --a DIR --b DIR [--n 1048576] [--rounds 2]
//   [--perf FILE]: also `perf record -g` the last B save into FILE (perf report -i FILE).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freePort, info, launch, sleep, stop, waitPing } from '../lib.mjs';

const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const builds = { A: opt('a'), B: opt('b') };
const N = Number(opt('n', 1048576));
const ROUNDS = Number(opt('rounds', 2));
const PERF = opt('perf');
if (!builds.A || !builds.B) throw new Error('--a DIR --b DIR: two built checkouts');
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime of a process, in seconds. */
function cpuS(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK;
}

/** N SETs through redis-cli --pipe, values as raw bytes. */
function fill(port) {
  const v = Buffer.alloc(1024, 'v');
  return new Promise((resolve, reject) => {
    const p = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'ignore', 'inherit'] });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`--pipe exited ${code}`))));
    let i = 0;
    const write = () => {
      while (i < N) {
        const parts = [];
        for (let j = 0; j < 1000 && i < N; j++, i++) {
          const k = `key:${String(i).padStart(12, '0')}`;
          parts.push(Buffer.from(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$1024\r\n`));
          parts.push(i % 2 ? randomBytes(1024) : v, Buffer.from('\r\n'));
        }
        if (!p.stdin.write(Buffer.concat(parts))) return p.stdin.once('drain', write);
      }
      p.stdin.end();
    };
    write();
  });
}

async function saveOnce(name, withPerf) {
  const dir = mkdtempSync(join(tmpdir(), `savecpu-${name}-`));
  const port = await freePort();
  const s = launch(process.execPath, [join(builds[name], 'bench/persist/serve.mjs'), String(port), dir]);
  try {
    await waitPing(port);
    await fill(port);
    if (Number(cli(port, 'dbsize')) !== N) throw new Error(`${name}: dbsize is not ${N}`);
    await sleep(2000);
    const idle0 = cpuS(s.child.pid);
    await sleep(2000);
    const idlePerS = (cpuS(s.child.pid) - idle0) / 2;
    const perf = withPerf
      ? spawn('perf', ['record', '-F', '999', '-g', '-o', PERF, '-p', String(s.child.pid)], { stdio: 'ignore' })
      : null;
    if (perf) await sleep(500);
    const load = loadavg()[0];
    const c0 = cpuS(s.child.pid);
    const t0 = Date.now();
    cli(port, 'bgsave');
    while (info(port, 'persistence').rdb_bgsave_in_progress !== '0') await sleep(250);
    const wallS = (Date.now() - t0) / 1000;
    const cpu = cpuS(s.child.pid) - c0;
    if (perf) {
      perf.kill('SIGINT');
      await new Promise((r) => perf.once('exit', r));
    }
    const status = info(port, 'persistence').rdb_last_bgsave_status;
    const bytes = statSync(join(dir, 'dump.rdb')).size;
    return { name, cpu, wallS, idlePerS, bytes, status, load };
  } finally {
    await stop(s);
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const name of r % 2 ? ['B', 'A'] : ['A', 'B']) {
    const row = await saveOnce(name, PERF && name === 'B' && r === ROUNDS - 1);
    rows.push(row);
    console.log(
      `${name} round ${r + 1}: save CPU ${row.cpu.toFixed(2)} s in ${row.wallS.toFixed(1)} s ` +
        `(idle ${row.idlePerS.toFixed(3)} s/s), dump ${(row.bytes / 2 ** 20).toFixed(1)} MiB, ` +
        `${row.status}, load ${row.load.toFixed(2)}`,
    );
  }
}
const best = (n) => Math.min(...rows.filter((x) => x.name === n).map((x) => x.cpu));
console.log(
  `best save CPU: A ${best('A').toFixed(2)} s, B ${best('B').toFixed(2)} s, B/A ${(best('B') / best('A')).toFixed(3)}`,
);

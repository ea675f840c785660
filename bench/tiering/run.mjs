// Tiering benchmark (issue 14): does DRAM hold the hot values? The store at a 1:4 DRAM:PMem
// ratio (the ratio controller, target DRAM share 0.2, emulated PMem), N values, then GETs by a
// Zipf(0.99) distribution over the keys from many pipelined clients. Each workload runs twice in
// the same invocation, one server after the other: with migration (the controller's second
// actuator, promotion on read) and without (the threshold only, tier-migrate-rate 0).
//
//   node bench/tiering/run.mjs [--fast] [-n N] [-d BYTES] [--mixed MIN:MAX] [--workloads one,mixed]
//        [--modes migrate,frozen,static] [--clients C] [--pipeline P] [--warm-reads X]
//        [--warm-max S] [--measure S] [--zipf 0.99] [--target 0.2] [--seed 1] [--json FILE]
//
// Modes: migrate: the controller with the migrator, all along. frozen: the same during the load,
// then tier-migrate-rate 0 before the first GET (the same placement, nothing moves on reads).
// static: the threshold-only controller and tier-migrate-rate 0 from the start.
// The warm-up is counted in reads, X times N (default 3), not in seconds: how far the migrator
// got depends on how many reads it saw, and this machine's read rate varies with its load
// (--warm-max caps it in seconds). Then --measure seconds are measured.
// --fast: 100k values, warm-up capped at 30 s, 5 s measured (a few minutes in all). Default:
// 1M values of 1 KiB ("one"), and 1M values of log-uniform sizes in 64..4096 B ("mixed"),
// warm-up capped at 240 s, 20 s measured. Needs `npm run build` (dist/ and the addon).
//
// Per run it reports, over the measured window only: the share of GETs served from DRAM
// (INFO tiering dram_read_hits / pmem_read_hits), the DRAM share of live bytes and its error
// against the target (sampled every 250 ms), GET latency p50/p99 as each client sees it (send of
// its pipelined batch to the reply), GETs/s; and the bytes migrated per direction during the load
// and during the GET phase (warm-up + measured).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const opts = {
  fast: false,
  n: 0,
  d: 1024,
  mixed: [64, 4096],
  workloads: ['one', 'mixed'],
  modes: ['migrate', 'frozen', 'static'],
  clients: 32,
  pipeline: 16,
  warmReads: 3,
  warmMax: 0,
  measure: 0,
  zipf: 0.99,
  target: 0.2,
  seed: 1,
  json: '',
  policy: '',
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const v = () => argv[++i] ?? usage(`${a} needs a value`);
  const num = () => {
    const x = Number(v());
    if (!Number.isFinite(x) || x < 0) usage(`${a}: not a non-negative number`);
    return x;
  };
  if (a === '--fast') opts.fast = true;
  else if (a === '-n') opts.n = Math.floor(num());
  else if (a === '-d') opts.d = Math.floor(num());
  else if (a === '--mixed') opts.mixed = v().split(':').map(Number);
  else if (a === '--workloads') opts.workloads = v().split(',');
  else if (a === '--modes') opts.modes = v().split(',');
  else if (a === '--clients') opts.clients = Math.max(1, Math.floor(num()));
  else if (a === '--pipeline') opts.pipeline = Math.max(1, Math.floor(num()));
  else if (a === '--warm-reads') opts.warmReads = num();
  else if (a === '--warm-max') opts.warmMax = num();
  else if (a === '--measure') opts.measure = num();
  else if (a === '--zipf') opts.zipf = num();
  else if (a === '--target') opts.target = num();
  else if (a === '--seed') opts.seed = Math.floor(num());
  else if (a === '--json') opts.json = v();
  else if (a === '--policy') opts.policy = v();
  else usage(`unknown argument ${a}`);
}
opts.n ||= opts.fast ? 100_000 : 1_000_000;
opts.warmMax ||= opts.fast ? 30 : 240;
opts.measure ||= opts.fast ? 5 : 20;
const [mixMin, mixMax] = opts.mixed;
if (!(mixMin >= 1 && mixMax >= mixMin)) usage('--mixed MIN:MAX');
for (const w of opts.workloads) if (w !== 'one' && w !== 'mixed') usage(`unknown workload ${w}`);
for (const m of opts.modes) if (!['migrate', 'frozen', 'static'].includes(m)) usage(`unknown mode ${m}`);
if (opts.n < 1 || opts.n >= 1e12) usage('-n: 1 .. 1e12-1');

function usage(msg) {
  console.error(`run.mjs: ${msg}\n(see the header of bench/tiering/run.mjs for the options)`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------- keys, sizes

// xorshift32: the permutation and the sizes are the same for both modes of a workload.
function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const keyName = (k) => `key:${String(k).padStart(12, '0')}`;

/** Value size per key: fixed, or log-uniform in [min, max]. */
function sizes(workload, n, seed) {
  const s = new Uint32Array(n);
  if (workload === 'one') return s.fill(opts.d);
  const r = prng(seed * 7 + 3);
  const lo = Math.log(mixMin);
  const hi = Math.log(mixMax);
  for (let i = 0; i < n; i++) s[i] = Math.round(Math.exp(lo + (hi - lo) * r()));
  return s;
}

/** Zipf(s) over ranks 0..n-1 (rank 0 the hottest), ranks mapped to keys by a random
 *  permutation: heat is unrelated to the order keys were written in, so arrival-time placement
 *  puts a random sample of the hot keys in DRAM. */
function zipfSampler(n, s, seed) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cdf[k] = sum += 1 / Math.pow(k + 1, s);
  for (let k = 0; k < n; k++) cdf[k] /= sum;
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const r = prng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const u = prng(seed * 31 + 17);
  return {
    next() {
      const x = u();
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      return perm[lo];
    },
    /** The share of reads the hottest keys holding `bytes` of values would serve: the best any
     *  placement can do with that much DRAM for values. */
    bestShare(bytes, size) {
      let used = 0;
      for (let k = 0; k < n; k++) {
        used += size[perm[k]];
        if (used > bytes) return k === 0 ? 0 : cdf[k - 1];
      }
      return 1;
    },
  };
}

// ---------------------------------------------------------------------------------- RESP client

function resp(...args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

/** Counts complete replies in a byte stream (simple, error, integer and bulk replies). */
class ReplyCounter {
  constructor() {
    this.buf = Buffer.alloc(0);
    this.errors = 0;
    this.firstError = '';
  }
  /** Feeds a chunk; returns how many replies completed. */
  feed(chunk) {
    const b = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    let n = 0;
    for (;;) {
      const nl = b.indexOf(10, pos);
      if (nl < 0) break;
      const t = b[pos];
      if (t === 0x24 /* $ */) {
        const len = Number(b.toString('latin1', pos + 1, nl - 1));
        const end = len < 0 ? nl + 1 : nl + 1 + len + 2;
        if (end > b.length) break;
        pos = end;
      } else {
        if (t === 0x2d /* - */) {
          this.errors++;
          this.firstError ||= b.toString('latin1', pos, nl - 1);
        }
        pos = nl + 1;
      }
      n++;
    }
    this.buf = pos >= b.length ? Buffer.alloc(0) : Buffer.from(b.subarray(pos));
    return n;
  }
}

/** One command, one reply (INFO, CONFIG SET). */
function command(port, ...args) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    sock.on('connect', () => sock.write(resp(...args)));
    sock.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      const t = buf[0];
      if (t === 0x24) {
        const len = Number(buf.toString('latin1', 1, nl - 1));
        if (buf.length < nl + 1 + len + 2) return;
        sock.destroy();
        resolve(buf.toString('utf8', nl + 1, nl + 1 + len));
      } else {
        sock.destroy();
        const line = buf.toString('utf8', 0, nl - 1);
        if (t === 0x2d) reject(new Error(`${args.join(' ')}: ${line}`));
        else resolve(line.slice(1));
      }
    });
    sock.on('error', reject);
  });
}

async function info(port) {
  const text = await command(port, 'INFO', 'everything');
  const f = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) f[line.slice(0, i)] = line.slice(i + 1);
  }
  return f;
}

/** SET every key with its size: C connections, each writing a contiguous slice in batches. */
async function load(port, size) {
  const n = size.length;
  const conns = 4;
  const batch = 500;
  const values = new Map();
  const value = (d) => values.get(d) ?? (values.set(d, 'x'.repeat(d)), values.get(d));
  const slice = Math.ceil(n / conns);
  await Promise.all(
    Array.from({ length: conns }, (_, c) =>
      runLoad(port, c * slice, Math.min(n, (c + 1) * slice), batch, (k) => resp('SET', keyName(k), value(size[k]))),
    ),
  );
}

function runLoad(port, first, end, batch, make) {
  return new Promise((resolve, reject) => {
    if (first >= end) return resolve();
    const sock = net.connect({ port, host: '127.0.0.1' });
    sock.setNoDelay(true);
    const rc = new ReplyCounter();
    let next = first;
    let sent = 0;
    let got = 0;
    const pump = () => {
      while (next < end && sent - got < 16 * batch) {
        let s = '';
        const stop = Math.min(end, next + batch);
        for (; next < stop; next++, sent++) s += make(next);
        sock.write(s);
      }
    };
    sock.on('connect', pump);
    sock.on('data', (c) => {
      got += rc.feed(c);
      if (rc.errors) {
        sock.destroy();
        return reject(new Error(`load: ${rc.firstError}`));
      }
      if (got === end - first) {
        sock.destroy();
        resolve();
      } else pump();
    });
    sock.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------- GET load

/** Latencies in a log histogram (1% buckets from 1 us): bounded memory over any run. */
class Histogram {
  constructor() {
    this.b = new Float64Array(2000);
    this.n = 0;
  }
  add(us) {
    const i = us <= 1 ? 0 : Math.min(1999, Math.floor(Math.log(us) / Math.log(1.01)));
    this.b[i]++;
    this.n++;
  }
  quantile(q) {
    let want = q * this.n;
    for (let i = 0; i < 2000; i++) if ((want -= this.b[i]) <= 0) return Math.pow(1.01, i + 0.5);
    return Infinity;
  }
}

/** C closed-loop clients, each with P GETs in flight as one pipelined batch, until stop(). */
function getLoad(port, zipf) {
  const state = { hist: null, gets: 0, misses: 0, stopping: false, errors: 0 };
  const socks = [];
  const clients = Array.from(
    { length: opts.clients },
    () =>
      new Promise((resolve, reject) => {
        const sock = net.connect({ port, host: '127.0.0.1' });
        socks.push(sock);
        sock.setNoDelay(true);
        const rc = new ReplyCounter();
        let t0 = 0n;
        let pending = 0;
        const send = () => {
          if (state.stopping) {
            sock.destroy();
            return resolve();
          }
          let s = '';
          for (let i = 0; i < opts.pipeline; i++) s += resp('GET', keyName(zipf.next()));
          pending = opts.pipeline;
          t0 = process.hrtime.bigint();
          sock.write(s);
        };
        sock.on('connect', send);
        sock.on('data', (c) => {
          const before = rc.buf.length + c.length;
          const done = rc.feed(c);
          if (done > 0) {
            const us = Number(process.hrtime.bigint() - t0) / 1000;
            if (state.hist) for (let i = 0; i < done; i++) state.hist.add(us);
            state.gets += done;
          }
          if (rc.errors) state.errors = rc.errors;
          pending -= done;
          if (pending === 0) send();
          else if (pending < 0) reject(new Error(`more replies than requests (${before})`));
        });
        sock.on('error', (e) => (state.stopping ? resolve() : reject(e)));
      }),
  );
  return {
    state,
    async stop() {
      state.stopping = true;
      await Promise.all(clients);
    },
  };
}

// ---------------------------------------------------------------------------------- a run

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const num = (f, k) => Number(f[k] ?? NaN);

async function startServer(mode) {
  const serveMode = mode === 'static' ? 'static' : 'migrate';
  const child = spawn(process.execPath, [join(here, 'serve.mjs'), serveMode, '0', String(opts.target)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs ${mode} exited ${code}: ${err}`)));
  });
  return {
    port,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function run(workload, mode, size, zipf) {
  const srv = await startServer(mode);
  try {
    if (mode === 'static') await command(srv.port, 'CONFIG', 'SET', 'tier-migrate-rate', '0');
    // The access clock the migrator reads: LRU (default) or LFU (an *-lfu policy; maxmemory stays 0).
    if (opts.policy) await command(srv.port, 'CONFIG', 'SET', 'maxmemory-policy', opts.policy);
    const t0 = Date.now();
    await load(srv.port, size);
    const loadS = (Date.now() - t0) / 1000;
    if (mode === 'frozen') await command(srv.port, 'CONFIG', 'SET', 'tier-migrate-rate', '0');
    const afterLoad = await info(srv.port);
    const g = getLoad(srv.port, zipf);
    // Warm-up: the read-hit share every 5 s shows how far the migrator got.
    const w0 = Date.now();
    const warmup = [];
    let prev = afterLoad;
    let tick = w0;
    while (g.state.gets < opts.warmReads * size.length && Date.now() - w0 < opts.warmMax * 1000) {
      await sleep(250);
      if (Date.now() - tick < 5000) continue;
      tick = Date.now();
      const f = await info(srv.port);
      const d = num(f, 'dram_read_hits') - num(prev, 'dram_read_hits');
      const p = num(f, 'pmem_read_hits') - num(prev, 'pmem_read_hits');
      warmup.push({ seconds: (tick - w0) / 1000, reads: g.state.gets, share: d / (d + p) });
      prev = f;
    }
    const warmSeconds = (Date.now() - w0) / 1000;
    const warmReads = g.state.gets;
    const start = await info(srv.port);
    g.state.hist = new Histogram();
    const gets0 = g.state.gets;
    const shares = [];
    const m0 = Date.now();
    while (Date.now() - m0 < opts.measure * 1000) {
      await sleep(250);
      const f = await info(srv.port);
      shares.push(num(f, 'dram_share'));
      if (process.env.TIERING_TRACE)
        console.error(
          [
            'dram_share',
            'controller_status',
            'migrate_quota_to_pmem',
            'migrate_quota_to_dram',
            'migrate_debt',
            'migrated_to_pmem_bytes',
            'migrated_to_dram_bytes',
            'pmem_threshold',
          ]
            .map((k) => f[k])
            .join(' '),
        );
    }
    const end = await info(srv.port);
    const seconds = (Date.now() - m0) / 1000;
    const gets = g.state.gets - gets0;
    const hist = g.state.hist;
    await g.stop();
    if (g.state.errors) throw new Error(`GET errors: ${g.state.errors}`);
    const dramHits = num(end, 'dram_read_hits') - num(start, 'dram_read_hits');
    const pmemHits = num(end, 'pmem_read_hits') - num(start, 'pmem_read_hits');
    const err = shares.map((s) => Math.abs(s - opts.target));
    const valueBytes = num(end, 'used_memory_dataset_dram') + num(end, 'used_memory_dataset_pmem');
    return {
      workload,
      mode,
      values: size.length,
      loadSeconds: loadS,
      warmSeconds,
      warmReads,
      warmup,
      readHitShare: dramHits / (dramHits + pmemHits),
      bestReadHitShare: zipf.bestShare(num(end, 'used_memory_dataset_dram'), size),
      reads: dramHits + pmemHits,
      getsPerSecond: gets / seconds,
      p50us: hist.quantile(0.5),
      p99us: hist.quantile(0.99),
      dramShareMean: shares.reduce((a, b) => a + b, 0) / shares.length,
      dramShareErrMean: err.reduce((a, b) => a + b, 0) / err.length,
      dramShareErrMax: Math.max(...err),
      valueBytesDram: num(end, 'used_memory_dataset_dram'),
      valueBytes,
      migratedLoad: {
        toDram: num(afterLoad, 'migrated_to_dram_bytes'),
        toPmem: num(afterLoad, 'migrated_to_pmem_bytes'),
      },
      migratedGets: {
        toDram: num(end, 'migrated_to_dram_bytes') - num(afterLoad, 'migrated_to_dram_bytes'),
        toPmem: num(end, 'migrated_to_pmem_bytes') - num(afterLoad, 'migrated_to_pmem_bytes'),
      },
      promotedOnRead: num(end, 'promoted_on_read'),
      migrateRateLimit: num(end, 'migrate_rate_limit'),
      dramShareAfterLoad: num(afterLoad, 'dram_share'),
      dramShareAtStart: num(start, 'dram_share'),
      debt: num(end, 'migrate_debt'),
      quota: { toDram: num(end, 'migrate_quota_to_dram'), toPmem: num(end, 'migrate_quota_to_pmem') },
      controllerStatus: end.controller_status,
      threshold: num(end, 'pmem_threshold'),
    };
  } finally {
    await srv.stop();
  }
}

// ---------------------------------------------------------------------------------- report

const MODE_TEXT = { migrate: 'on', frozen: 'off after the load', static: 'off (threshold only)' };
const mib = (b) => (b / 1048576).toFixed(1);
const pct = (x) => (100 * x).toFixed(1);
const results = [];
console.log(
  `tiering bench: ${opts.n} values, one size ${opts.d} B / mixed ${mixMin}..${mixMax} B log-uniform; ` +
    `GETs Zipf(${opts.zipf}) from ${opts.clients} clients x pipeline ${opts.pipeline}; ` +
    `target DRAM share ${opts.target}; warm-up ${opts.warmReads} x N reads (at most ${opts.warmMax} s), ` +
    `measured ${opts.measure} s; node ${process.version}`,
);
for (const workload of opts.workloads) {
  const size = sizes(workload, opts.n, opts.seed);
  for (const mode of opts.modes) {
    const zipf = zipfSampler(opts.n, opts.zipf, opts.seed); // the same key sequence per mode
    const r = await run(workload, mode, size, zipf);
    results.push(r);
    console.error(JSON.stringify(r));
  }
}
console.log(
  '| workload | migration | DRAM read-hit share | hottest-first | DRAM share (mean; err mean/max, points) | GET p50 / p99 | GETs/s | warm-up reads (s) | migrated during load to PMem / DRAM | migrated during GETs to PMem / DRAM |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.workload === 'one' ? `one size ${opts.d} B` : `mixed ${mixMin}..${mixMax} B`} | ${MODE_TEXT[r.mode]} ` +
      `| ${r.readHitShare.toFixed(3)} | ${r.bestReadHitShare.toFixed(3)} ` +
      `| ${pct(r.dramShareMean)}% (${pct(r.dramShareErrMean)} / ${pct(r.dramShareErrMax)}) ` +
      `| ${(r.p50us / 1000).toFixed(2)} / ${(r.p99us / 1000).toFixed(2)} ms | ${Math.round(r.getsPerSecond)} ` +
      `| ${(r.warmReads / 1e6).toFixed(1)}M (${Math.round(r.warmSeconds)}) ` +
      `| ${mib(r.migratedLoad.toPmem)} / ${mib(r.migratedLoad.toDram)} MiB ` +
      `| ${mib(r.migratedGets.toPmem)} / ${mib(r.migratedGets.toDram)} MiB |`,
  );
}
if (opts.json) writeFileSync(opts.json, JSON.stringify({ opts, results }, null, 2));

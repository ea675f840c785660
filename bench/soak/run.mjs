// The soak (issue 15 item 8; not in CI): the store under 50 clients for 10 minutes, every command
// family at once, while the operator side changes things: periodic BGSAVE, DRAM:PMem target
// changes (CONFIG SET dram-pmem-ratio), per-tier limits reached (DRAM spills to PMem, then both
// full: OOM) and maxmemory phases (volatile-lru eviction, then noeviction: OOM).
//
//   node bench/soak/run.mjs [--seconds 600] [--clients 50] [--rate 3000] [--json FILE]
//
// --rate is the total target of commands per second over all clients (paced, so latency is
// measured under a known load rather than at saturation of the shared cores).
//
// It reports:
// - errors: every error reply is classified; expected ones are OOM while a limit is in force (and
//   EXECABORT of a transaction that hit it) and "Background save already in progress". Anything
//   else is unexpected, as is an expired key still readable or a pub/sub message lost.
// - p50/p99 latency per family (client-side, each command's round trip);
// - RSS of the server process over time (VmRSS, RssAnon, RssShmem = emulated PMem pages on tmpfs)
//   against the engine's live bytes;
// - accounting: every 30 s the engine's bytes and blocks per tier x category against the core's
//   own per-shard counts (exact), and the page census's walk of every block (exact block counts);
//   at the end, the sum of MEMORY USAGE over all keys against the engine's key + value bytes;
// - nothing lost: each client owns a shadow subset of keys (every type) modelled in JS and checked
//   at the end; then a last BGSAVE, the server killed (SIGKILL), restarted from dump.rdb, and every
//   key without a TTL compared by content digest with before the kill, the shadow keys again.
// Exit status 1 when any check fails.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const SECONDS = Number(opt('seconds', '600'));
const CLIENTS = Number(opt('clients', '50'));
const RATE = Number(opt('rate', '3000'));
const JSON_OUT = opt('json', '');
const T = SECONDS * 1000;
const SERVE = join(import.meta.dirname, 'serve.mjs');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (s) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}`);
const t0 = performance.now();

// ------------------------------------------------------------------------------ the server

let srv = null;
async function startServer(dir) {
  const child = fork(SERVE, ['0', dir], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const pendingCalls = new Map();
  let nextId = 0;
  const port = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
    child.on('message', (m) => {
      if (m.op === 'ready') resolve(m.port);
      if (m.op === 'account') {
        pendingCalls.get(m.id)?.(m.result);
        pendingCalls.delete(m.id);
      }
    });
  });
  const account = (census) =>
    new Promise((resolve) => {
      const id = nextId++;
      pendingCalls.set(id, resolve);
      child.send({ op: 'account', id, census });
    });
  return { child, port, account, stderr: () => stderr };
}

function procStatus(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), shmem: kb('RssShmem'), file: kb('RssFile') };
}
const infoField = (info, k) => {
  const m = new RegExp(`^${k}:(.*)$`, 'm').exec(info);
  return m ? m[1].trim() : '';
};

// ------------------------------------------------------------------------------ figures

const lat = {}; // family -> ms[]
const errors = { expected: {}, unexpected: {}, samples: [] };
let ops = 0;
const phase = { limit: false, limitEndedAt: -Infinity, name: 'warm-up' };
const limitActive = () => phase.limit || performance.now() - phase.limitEndedAt < 2000;

function recordError(fam, e) {
  const msg = String(e?.message ?? e);
  let cls = null;
  if (/^OOM /.test(msg) && limitActive()) cls = 'OOM under a limit';
  else if (/^EXECABORT/.test(msg) && limitActive()) cls = 'EXECABORT (OOM) under a limit';
  else if (/Background save already in progress/.test(msg)) cls = 'BGSAVE already in progress';
  if (cls) errors.expected[cls] = (errors.expected[cls] ?? 0) + 1;
  else {
    const key = `${fam}: ${msg.slice(0, 80)}`;
    errors.unexpected[key] = (errors.unexpected[key] ?? 0) + 1;
    if (errors.samples.length < 20) errors.samples.push({ fam, phase: phase.name, msg });
  }
}
const unexpected = (fam, msg) => recordError(fam, new Error(`CHECK: ${msg}`));

// ------------------------------------------------------------------------------ the load

const rnd = (n) => Math.floor(Math.random() * n);
const pick = (a) => a[rnd(a.length)];
const val = (min, max) => {
  const n = min + rnd(max - min + 1);
  return 'v'.repeat(Math.max(0, n - 12)) + String(Date.now() % 1e12).padStart(12, '0');
};
const N = { str: 20000, vol: 20000, hash: 1000, list: 500, set: 500, zset: 500, bits: 100, blk: 20, chan: 10 };
const pubsub = { published: 0, received: 0 };

/** Each family: a list of operations, each one or a few commands. */
const FAMILIES = {
  strings: [
    (r) => r.set(`str:${rnd(N.str)}`, val(16, 2048)),
    (r) => r.get(`str:${rnd(N.str)}`),
    (r) => r.set(`vol:${rnd(N.vol)}`, val(64, 1024), 'EX', 3600 + rnd(600)),
    (r) => r.incr(`ctr:${rnd(1000)}`),
    async (r) => {
      const k = `str:${rnd(N.str)}`;
      if ((await r.append(k, val(8, 64))) > 4096) await r.set(k, val(8, 64));
    },
    (r) => r.mset(`str:${rnd(N.str)}`, val(8, 300), `str:${rnd(N.str)}`, val(8, 300)),
    (r) => r.mget(`str:${rnd(N.str)}`, `str:${rnd(N.str)}`, `vol:${rnd(N.vol)}`),
    (r) => r.getrange(`str:${rnd(N.str)}`, 0, 31),
    (r) => r.getdel(`str:${rnd(N.str)}`),
    (r) => r.incrbyfloat(`ctrf:${rnd(100)}`, '0.5'),
  ],
  keys: [
    (r) => r.exists(`str:${rnd(N.str)}`, `hash:${rnd(N.hash)}`),
    (r) => r.type(`list:${rnd(N.list)}`),
    (r) => r.expire(`str:${rnd(N.str)}`, 60 + rnd(240)),
    (r) => r.ttl(`str:${rnd(N.str)}`),
    (r) => r.persist(`str:${rnd(N.str)}`),
    async (r, w) => {
      await r.set(`tmp:${w.id}:a`, val(8, 200));
      await r.rename(`tmp:${w.id}:a`, `tmp:${w.id}:b`);
    },
    (r, w) => r.copy(`hash:${rnd(N.hash)}`, `copy:${w.id}`, 'REPLACE'),
    (r, w) => r.del(`copy:${w.id}`),
    (r, w) => r.unlink(`tmp:${w.id}:b`),
    (r) => r.randomkey(),
    (r) => r.touch(`str:${rnd(N.str)}`),
    (r) => r.object('ENCODING', `zset:${rnd(N.zset)}`),
    (r) => r.dbsize(),
  ],
  hashes: [
    (r) => r.hset(`hash:${rnd(N.hash)}`, `f${rnd(200)}`, val(8, 600), `f${rnd(200)}`, val(8, 60)),
    (r) => r.hget(`hash:${rnd(N.hash)}`, `f${rnd(200)}`),
    (r) => r.hgetall(`hash:${rnd(N.hash)}`),
    (r) => r.hincrby(`hash:${rnd(N.hash)}`, `n${rnd(10)}`, 3),
    (r) => r.hdel(`hash:${rnd(N.hash)}`, `f${rnd(200)}`),
    (r) => r.hmget(`hash:${rnd(N.hash)}`, 'f1', 'f2', 'f3'),
    (r) => r.hlen(`hash:${rnd(N.hash)}`),
  ],
  lists: [
    (r) => r.rpush(`list:${rnd(N.list)}`, val(8, 700), val(8, 70)),
    (r) => r.lpush(`list:${rnd(N.list)}`, val(8, 300)),
    (r) => r.lpop(`list:${rnd(N.list)}`),
    (r) => r.rpop(`list:${rnd(N.list)}`),
    (r) => r.lrange(`list:${rnd(N.list)}`, 0, 49),
    (r) => r.ltrim(`list:${rnd(N.list)}`, 0, 399),
    (r) => r.lindex(`list:${rnd(N.list)}`, rnd(10)),
    (r) => r.lmove(`list:${rnd(N.list)}`, `list:${rnd(N.list)}`, 'LEFT', 'RIGHT'),
    (r) => r.lpush(`bl:${rnd(N.blk)}`, val(8, 200)),
  ],
  sets: [
    (r) => r.sadd(`set:${rnd(N.set)}`, `m${rnd(1000)}`, `m${rnd(1000)}`),
    (r) => r.srem(`set:${rnd(N.set)}`, `m${rnd(1000)}`),
    (r) => r.smembers(`set:${rnd(N.set)}`),
    (r) => r.sismember(`set:${rnd(N.set)}`, `m${rnd(1000)}`),
    (r) => r.scard(`set:${rnd(N.set)}`),
    (r) => r.sinter(`set:${rnd(N.set)}`, `set:${rnd(N.set)}`),
    (r, w) => r.sunionstore(`su:${w.id}`, `set:${rnd(N.set)}`, `set:${rnd(N.set)}`),
    (r) => r.spop(`set:${rnd(N.set)}`),
    (r) => r.srandmember(`set:${rnd(N.set)}`, 3),
  ],
  zsets: [
    (r) => r.zadd(`zset:${rnd(N.zset)}`, rnd(100000), `m${rnd(2000)}`, rnd(1000) / 7, val(8, 90)),
    (r) => r.zincrby(`zset:${rnd(N.zset)}`, 2, `m${rnd(2000)}`),
    (r) => r.zrange(`zset:${rnd(N.zset)}`, 0, 19, 'WITHSCORES'),
    (r) => r.zrangebyscore(`zset:${rnd(N.zset)}`, 100, 5000, 'LIMIT', 0, 10),
    (r) => r.zrem(`zset:${rnd(N.zset)}`, `m${rnd(2000)}`),
    (r) => r.zremrangebyrank(`zset:${rnd(N.zset)}`, 0, -801),
    (r) => r.zpopmin(`zset:${rnd(N.zset)}`),
    (r) => r.zcard(`zset:${rnd(N.zset)}`),
    (r, w) => r.zunionstore(`zu:${w.id}`, 2, `zset:${rnd(N.zset)}`, `zset:${rnd(N.zset)}`),
    (r) => r.zadd(`bz:${rnd(N.blk)}`, rnd(100), `m${rnd(100)}`),
  ],
  blocking: [
    (r) => r.blpop(`bl:${rnd(N.blk)}`, `bl:${rnd(N.blk)}`, 0.05),
    (r) => r.brpop(`bl:${rnd(N.blk)}`, 0.05),
    (r) => r.blmove(`bl:${rnd(N.blk)}`, `bl:${rnd(N.blk)}`, 'LEFT', 'RIGHT', 0.05),
    (r) => r.blmpop(0.05, 2, `bl:${rnd(N.blk)}`, `bl:${rnd(N.blk)}`, 'LEFT', 'COUNT', 2),
    (r) => r.bzpopmin(`bz:${rnd(N.blk)}`, 0.05),
    (r) => r.bzpopmax(`bz:${rnd(N.blk)}`, `bz:${rnd(N.blk)}`, 0.05),
  ],
  bitmaps: [
    (r) => r.setbit(`bits:${rnd(N.bits)}`, rnd(1 << 16), rnd(2)),
    (r) => r.getbit(`bits:${rnd(N.bits)}`, rnd(1 << 16)),
    (r) => r.bitcount(`bits:${rnd(N.bits)}`),
    (r) => r.bitpos(`bits:${rnd(N.bits)}`, 1),
    (r, w) => r.bitop('OR', `bitop:${w.id}`, `bits:${rnd(N.bits)}`, `bits:${rnd(N.bits)}`),
    (r) => r.bitfield(`bits:${rnd(N.bits)}`, 'INCRBY', 'u8', rnd(1000) * 8, 1),
  ],
  pubsub: [
    async (r) => {
      const receivers = await r.publish(`chan:${rnd(N.chan)}`, val(8, 200));
      pubsub.published += receivers; // not `+= await`: that would read the sum before the await
    },
    (r) => r.pubsub('NUMSUB', 'chan:0', 'chan:1'),
  ],
  transactions: [
    (r) =>
      r
        .multi()
        .incr(`ctr:${rnd(1000)}`)
        .set(`str:${rnd(N.str)}`, val(8, 500))
        .hset(`hash:${rnd(N.hash)}`, 'tx', val(8, 40))
        .exec()
        .then(txResult),
    async (r) => {
      const k = `ctr:${rnd(1000)}`;
      await r.watch(k);
      const v = Number((await r.get(k)) ?? 0);
      return r
        .multi()
        .set(k, String(v + 1))
        .exec()
        .then(txResult); // null when another client won
    },
  ],
  sort: [
    (r) => r.sort(`list:${rnd(N.list)}`, 'ALPHA', 'LIMIT', 0, 10),
    (r) => r.sort(`set:${rnd(N.set)}`, 'ALPHA', 'LIMIT', 0, 5, 'DESC'),
    (r) => r.sort_ro(`zset:${rnd(N.zset)}`, 'BY', 'nosort', 'LIMIT', 0, 10),
  ],
  scan: [
    async (r, w) => {
      const [c] = await r.scan(w.cursor.scan, 'MATCH', 'str:1*', 'COUNT', 200);
      w.cursor.scan = c;
    },
    (r) => r.hscan(`hash:${rnd(N.hash)}`, 0, 'COUNT', 50),
    (r) => r.sscan(`set:${rnd(N.set)}`, 0, 'MATCH', 'm1*', 'COUNT', 50),
    (r) => r.zscan(`zset:${rnd(N.zset)}`, 0, 'COUNT', 50),
  ],
  dump: [
    async (r, w) => {
      const k = pick([
        `str:${rnd(N.str)}`,
        `hash:${rnd(N.hash)}`,
        `list:${rnd(N.list)}`,
        `zset:${rnd(N.zset)}`,
        `set:${rnd(N.set)}`,
      ]);
      const payload = await r.dumpBuffer(k);
      if (payload) await r.restore(`restored:${w.id}`, rnd(2) ? 0 : 60000, payload, 'REPLACE');
    },
  ],
  expiry: [
    async (r, w) => {
      const k = `exp:${w.id}:${w.expSeq++ % 50}`;
      const px = 50 + rnd(450);
      const ok = await r.set(k, val(8, 300), 'PX', px);
      if (ok === 'OK') w.expiring.set(k, performance.now() + px);
    },
    async (r, w) => {
      // An expired key must never be readable (lazy expiry), whatever the active cycle did.
      const now = performance.now();
      for (const [k, deadline] of w.expiring) {
        if (now > deadline + 50) {
          w.expiring.delete(k);
          if ((await r.exists(k)) !== 0) unexpected('expiry', `${k} readable after its expiry`);
          return;
        }
      }
    },
    (r) => r.pexpire(`vol:${rnd(N.vol)}`, 3_600_000 + rnd(60_000)),
  ],
};
function txResult(res) {
  if (res === null) return null; // WATCH conflict
  for (const [err] of res) if (err) throw err;
  return res;
}

// Shadow keys: owned by one client, modelled in JS, never volatile (so eviction under the
// volatile policies cannot take them). A command that fails (OOM) changes nothing: all or nothing.
const SHADOW_KEYS = 25;
const SHADOW_TYPES = ['string', 'hash', 'list', 'set', 'zset'];
async function shadowOp(r, w) {
  const i = rnd(SHADOW_KEYS);
  const k = `sh:${w.id}:${i}`;
  const m = w.model;
  switch (SHADOW_TYPES[i % 5]) {
    case 'string': {
      if (rnd(3) === 0) {
        const v = val(8, 64);
        await r.append(k, v);
        m.set(k, (m.get(k) ?? '') + v);
        if (m.get(k).length > 2000) {
          await r.del(k);
          m.delete(k);
        }
      } else {
        const v = val(8, 3000);
        await r.set(k, v);
        m.set(k, v);
      }
      break;
    }
    case 'hash': {
      const h = m.get(k) ?? new Map();
      const f = `f${rnd(40)}`;
      if (rnd(4) === 0) {
        await r.hdel(k, f);
        h.delete(f);
      } else {
        const v = val(4, 900);
        await r.hset(k, f, v);
        h.set(f, v);
      }
      if (h.size) m.set(k, h);
      else m.delete(k);
      break;
    }
    case 'list': {
      const l = m.get(k) ?? [];
      if (rnd(3) === 0 && l.length) {
        const got = await r.lpop(k);
        const want = l.shift();
        if (got !== want) unexpected('shadow', `${k} LPOP ${got?.slice(-12)} wanted ${want?.slice(-12)}`);
      } else {
        const v = val(4, 1200);
        await r.rpush(k, v);
        l.push(v);
      }
      if (l.length) m.set(k, l);
      else m.delete(k);
      break;
    }
    case 'set': {
      const s = m.get(k) ?? new Set();
      const mem = rnd(5) === 0 ? val(70, 200) : `m${rnd(300)}`;
      if (rnd(4) === 0) {
        const e = [...s][0];
        if (e !== undefined) {
          await r.srem(k, e);
          s.delete(e);
        }
      } else {
        await r.sadd(k, mem);
        s.add(mem);
      }
      if (s.size) m.set(k, s);
      else m.delete(k);
      break;
    }
    case 'zset': {
      const z = m.get(k) ?? new Map();
      const mem = `m${rnd(200)}`;
      if (rnd(4) === 0) {
        await r.zrem(k, mem);
        z.delete(mem);
      } else {
        const sc = rnd(1e6) / 8;
        await r.zadd(k, sc, mem);
        z.set(mem, sc);
      }
      if (z.size) m.set(k, z);
      else m.delete(k);
      break;
    }
  }
}
/** Differences between the server and one client's model. */
async function shadowCheck(r, w) {
  let bad = 0;
  for (let i = 0; i < SHADOW_KEYS; i++) {
    const k = `sh:${w.id}:${i}`;
    const want = w.model.get(k);
    let same;
    switch (SHADOW_TYPES[i % 5]) {
      case 'string':
        same = (await r.get(k)) === (want ?? null);
        break;
      case 'hash': {
        const got = await r.hgetall(k);
        same = Object.keys(got).length === (want?.size ?? 0) && [...(want ?? [])].every(([f, v]) => got[f] === v);
        break;
      }
      case 'list':
        same = JSON.stringify(await r.lrange(k, 0, -1)) === JSON.stringify(want ?? []);
        break;
      case 'set':
        same = JSON.stringify((await r.smembers(k)).sort()) === JSON.stringify([...(want ?? [])].sort());
        break;
      case 'zset': {
        const got = await r.zrange(k, 0, -1, 'WITHSCORES');
        const gm = new Map();
        for (let j = 0; j < got.length; j += 2) gm.set(got[j], Number(got[j + 1]));
        same = gm.size === (want?.size ?? 0) && [...(want ?? [])].every(([mm, s]) => gm.get(mm) === s);
        break;
      }
    }
    if (!same) bad++;
  }
  return bad;
}

const FAMILY_NAMES = Object.keys(FAMILIES);
async function worker(w, stopAt) {
  const r = new Redis({ port: srv.port, maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
  await r.connect();
  w.r = r;
  const period = (1000 * CLIENTS) / RATE;
  let next = performance.now() + Math.random() * period;
  while (performance.now() < stopAt) {
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    next = Math.max(next + period, performance.now() - 10 * period); // no catch-up storms
    const fam = rnd(6) === 0 ? 'shadow' : pick(FAMILY_NAMES);
    const start = performance.now();
    try {
      if (fam === 'shadow') await shadowOp(r, w);
      else await pick(FAMILIES[fam])(r, w);
    } catch (e) {
      recordError(fam, e);
    }
    (lat[fam] ??= []).push(performance.now() - start);
    ops++;
  }
}

// ------------------------------------------------------------------------------ the operator

async function waitBgsave(admin) {
  for (let i = 0; i < 6000; i++) {
    const info = await admin.info('persistence');
    if (infoField(info, 'rdb_bgsave_in_progress') === '0') return infoField(info, 'rdb_last_bgsave_status');
    await sleep(100);
  }
  return 'timeout';
}
async function tierBytes(admin) {
  const info = await admin.info('tiering');
  const sum = { dram: 0, pmem: 0 };
  for (const m of info.matchAll(/^category_\w+:dram=(\d+),pmem=(\d+)/gm)) {
    sum.dram += Number(m[1]);
    sum.pmem += Number(m[2]);
  }
  return sum;
}

/** The timeline, as fractions of the run; returns what it did. */
async function operator(admin, stopAt) {
  const events = [];
  const at = (f) => t0w + f * T;
  const t0w = performance.now();
  const ev = (s) => {
    events.push({ s: Number(((performance.now() - t0) / 1000).toFixed(1)), what: s });
    log(s);
  };
  const steps = [
    [0.1, async () => ev(`ratio ${await setRatio('1:1')}`)],
    [0.2, async () => ev(`ratio ${await setRatio('1:9')}`)],
    [0.3, async () => ev(`ratio ${await setRatio('1:4')}`)],
    [
      0.35,
      async () => {
        const b = await tierBytes(admin);
        phase.limit = true;
        phase.name = 'dram-limit';
        await admin.config('SET', 'dram-limit', String(b.dram));
        ev(`dram-limit ${b.dram} (DRAM in use): new DRAM allocations spill to PMem`);
      },
    ],
    [
      0.42,
      async () => {
        const b = await tierBytes(admin);
        phase.name = 'both-limits';
        await admin.config('SET', 'pmem-limit', String(b.pmem + (1 << 20)));
        const t = await admin.info('tiering');
        ev(
          `pmem-limit ${b.pmem + (1 << 20)} (PMem in use ${b.pmem}; dram_fallbacks ${infoField(t, 'dram_fallbacks')} so far): both tiers full soon, writes get OOM`,
        );
      },
    ],
    [
      0.5,
      async () => {
        await admin.config('SET', 'dram-limit', '0', 'pmem-limit', '0');
        const t = await admin.info('tiering');
        ev(
          `(dram_fallbacks ${infoField(t, 'dram_fallbacks')}, pmem_fallbacks ${infoField(t, 'pmem_fallbacks')}, store_oom_errors ${infoField(t, 'store_oom_errors')})`,
        );
        phase.limit = false;
        phase.limitEndedAt = performance.now();
        phase.name = 'free';
        ev('limits off');
      },
    ],
    [0.55, async () => ev(`ratio ${await setRatio('1:2')}`)],
    [
      0.6,
      async () => {
        const used = Number(infoField(await admin.info('memory'), 'used_memory'));
        phase.limit = true;
        phase.name = 'maxmemory volatile-lru';
        await admin.config('SET', 'maxmemory-policy', 'volatile-lru', 'maxmemory', String(Math.floor(used * 0.9)));
        ev(`maxmemory ${Math.floor(used * 0.9)} (used ${used}), volatile-lru: volatile keys evicted`);
      },
    ],
    [
      0.72,
      async () => {
        phase.name = 'maxmemory noeviction';
        await admin.config('SET', 'maxmemory-policy', 'noeviction');
        ev('maxmemory-policy noeviction: writes past maxmemory get OOM');
      },
    ],
    [
      0.8,
      async () => {
        await admin.config('SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction');
        phase.limit = false;
        phase.limitEndedAt = performance.now();
        phase.name = 'free';
        ev(`maxmemory off (evicted_keys ${infoField(await admin.info('stats'), 'evicted_keys')})`);
      },
    ],
    [0.85, async () => ev(`ratio ${await setRatio('1:4')}`)],
  ];
  async function setRatio(r) {
    await admin.config('SET', 'dram-pmem-ratio', r);
    return r;
  }
  const bgEvery = Math.min(60_000, T / 6);
  let nextBg = t0w + bgEvery;
  let saves = 0;
  let saveFailures = 0;
  while (performance.now() < stopAt) {
    while (steps.length && performance.now() >= at(steps[0][0])) {
      try {
        await steps.shift()[1]();
      } catch (e) {
        recordError('operator', e);
      }
    }
    if (performance.now() >= nextBg) {
      nextBg += bgEvery;
      try {
        await admin.bgsave();
        saves++;
        const st = await waitBgsave(admin);
        if (st !== 'ok') saveFailures++;
        ev(`BGSAVE ${st}`);
      } catch (e) {
        recordError('bgsave', e);
      }
    }
    await sleep(100);
  }
  return { events, saves, saveFailures };
}

const rssSamples = [];
const accountSamples = [];
async function sampler(admin, stopAt) {
  const every = Math.max(1000, T / 120);
  let nextAccount = performance.now() + Math.max(5000, T / 20);
  while (performance.now() < stopAt) {
    const p = procStatus(srv.child.pid);
    const info = await admin.info('memory');
    rssSamples.push({
      s: Number(((performance.now() - t0) / 1000).toFixed(1)),
      rssMiB: p.rss / 2 ** 20,
      anonMiB: p.anon / 2 ** 20,
      shmemMiB: p.shmem / 2 ** 20,
      usedMiB: Number(infoField(info, 'used_memory')) / 2 ** 20,
      phase: phase.name,
    });
    if (performance.now() >= nextAccount) {
      nextAccount += Math.max(5000, T / 20);
      accountSamples.push(checkAccount(await srv.account(true), 'during the load'));
    }
    await sleep(every);
  }
}
/** Engine vs core, bytes and blocks, and the walk's blocks, per tier x category; all must match. */
function checkAccount(a, when) {
  const diffs = [];
  for (const c of a.cells) {
    if (c.engineBytes !== c.coreBytes || c.engineBlocks !== c.coreBlocks)
      diffs.push(
        `${c.tier}/${c.cat}: engine ${c.engineBytes} B ${c.engineBlocks} blocks, core ${c.coreBytes} B ${c.coreBlocks}`,
      );
    if (c.walkBlocks !== null && c.walkBlocks !== c.coreBlocks)
      diffs.push(`${c.tier}/${c.cat}: walk ${c.walkBlocks} blocks, core ${c.coreBlocks}`);
  }
  const total = (k) => a.cells.reduce((s, c) => s + c[k], 0);
  const res = {
    s: Number(((performance.now() - t0) / 1000).toFixed(1)),
    when,
    bytes: total('engineBytes'),
    blocks: total('coreBlocks'),
    walkBlocks: total('walkBlocks'),
    diffs,
  };
  if (diffs.length) for (const d of diffs) unexpected('accounting', `${when}: ${d}`);
  return res;
}

// ------------------------------------------------------------------------------ end checks

/** sha256 per key without a TTL (content by type), and how many keys carry one. */
async function digest(r) {
  const out = new Map();
  let volatile = 0;
  let cursor = '0';
  do {
    const [c, keys] = await r.scan(cursor, 'COUNT', 1000);
    cursor = c;
    const p = r.pipeline();
    for (const k of keys) p.type(k).pttl(k);
    const meta = await p.exec();
    const q = r.pipeline();
    const todo = [];
    keys.forEach((k, i) => {
      const type = meta[2 * i][1];
      if (meta[2 * i + 1][1] !== -1) {
        volatile++;
        return;
      }
      todo.push([k, type]);
      if (type === 'string') q.getBuffer(k);
      else if (type === 'hash') q.hgetall(k);
      else if (type === 'list') q.lrange(k, 0, -1);
      else if (type === 'set') q.smembers(k);
      else if (type === 'zset') q.zrange(k, 0, -1, 'WITHSCORES');
      else q.type(k);
    });
    const vals = await q.exec();
    todo.forEach(([k, type], i) => {
      let v = vals[i][1];
      if (type === 'hash') v = Object.entries(v).sort();
      if (type === 'set') v = v.sort();
      const h = createHash('sha256').update(type);
      h.update(Buffer.isBuffer(v) ? v : JSON.stringify(v));
      out.set(k, h.digest('hex'));
    });
  } while (cursor !== '0');
  return { keys: out, volatile };
}
async function memoryUsageTotal(r) {
  let sum = 0;
  let keys = 0;
  let cursor = '0';
  do {
    const [c, ks] = await r.scan(cursor, 'COUNT', 1000);
    cursor = c;
    const p = r.pipeline();
    for (const k of ks) p.memory('USAGE', k, 'SAMPLES', '0');
    for (const [, v] of await p.exec()) {
      if (typeof v === 'number') {
        sum += v;
        keys++;
      }
    }
  } while (cursor !== '0');
  return { sum, keys };
}

function pct(a, q) {
  if (!a.length) return NaN;
  const s = Float64Array.from(a).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

// ------------------------------------------------------------------------------ main

const dir = mkdtempSync(join(tmpdir(), 'tiermem-soak-'));
let ok = true;
const report = { seconds: SECONDS, clients: CLIENTS, rate: RATE };
try {
  srv = await startServer(dir);
  log(`server pid ${srv.child.pid} port ${srv.port}, ${CLIENTS} clients, ${SECONDS} s, ${RATE} commands/s target`);
  const admin = new Redis({ port: srv.port, lazyConnect: true });
  await admin.connect();
  // Subscribers: one per channel set, by name and by pattern; every PUBLISH reply counts them.
  const subs = [new Redis({ port: srv.port }), new Redis({ port: srv.port })];
  await subs[0].subscribe(...Array.from({ length: N.chan }, (_, i) => `chan:${i}`));
  await subs[1].psubscribe('chan:*');
  subs[0].on('message', () => pubsub.received++);
  subs[1].on('pmessage', () => pubsub.received++);

  const stopAt = performance.now() + T;
  const workers = Array.from({ length: CLIENTS }, (_, id) => ({
    id,
    cursor: { scan: '0' },
    expSeq: 0,
    expiring: new Map(),
    model: new Map(),
  }));
  const [, op] = await Promise.all([
    Promise.all(workers.map((w) => worker(w, stopAt))),
    operator(admin, stopAt),
    sampler(admin, stopAt),
  ]);
  report.operator = op;
  const loadSeconds = (performance.now() - t0) / 1000;
  report.commands = ops;
  report.commandsPerSecond = Math.round(ops / loadSeconds);
  log(`load done: ${ops} operations`);

  // Quiesce: limits off, background save done, then the checks.
  await admin.config('SET', 'dram-limit', '0', 'pmem-limit', '0', 'maxmemory', '0');
  await sleep(500);
  report.pubsub = { ...pubsub };
  if (pubsub.received !== pubsub.published)
    unexpected('pubsub', `received ${pubsub.received} of ${pubsub.published} deliveries`);
  await waitBgsave(admin);
  report.accountEnd = checkAccount(await srv.account(true), 'at the end');
  const a = await srv.account(false);
  const mu = await memoryUsageTotal(admin);
  const engineKV = a.cells.filter((c) => c.cat !== 'buffers').reduce((s, c) => s + c.engineBytes, 0);
  report.memoryUsage = {
    keys: mu.keys,
    sum: mu.sum,
    engineKeysValuesMetadata: engineKV,
    ratio: Number((mu.sum / engineKV).toFixed(4)),
  };
  let shadowBad = 0;
  for (const w of workers) shadowBad += await shadowCheck(admin, w);
  const shadowKeys = workers.reduce((s, w) => s + w.model.size, 0);
  report.shadow = { keys: shadowKeys, mismatches: shadowBad };
  if (shadowBad) unexpected('shadow', `${shadowBad} shadow keys differ from the model`);
  const info = await admin.info();
  report.server = Object.fromEntries(
    [
      'evicted_keys',
      'expired_keys',
      'dram_fallbacks',
      'pmem_fallbacks',
      'store_oom_errors',
      'migrated_to_pmem_bytes',
      'migrated_to_dram_bytes',
      'total_commands_processed',
    ].map((k) => [k, infoField(info, k)]),
  );
  report.server.errorstats = info.match(/^errorstat_.*$/gm) ?? [];
  for (const w of workers) w.r.disconnect();
  for (const s of subs) s.disconnect();

  // The last dump, a kill, a restart from it.
  const before = await digest(admin);
  const dbsize = await admin.dbsize();
  await admin.bgsave();
  const st = await waitBgsave(admin);
  admin.disconnect();
  const exited = new Promise((r) => srv.child.once('exit', r));
  srv.child.kill('SIGKILL');
  await exited;
  const tRestart = performance.now();
  srv = await startServer(dir);
  const r2 = new Redis({ port: srv.port });
  const loadMs = performance.now() - tRestart;
  const after = await digest(r2);
  let differ = 0;
  for (const [k, h] of before.keys) if (after.keys.get(k) !== h) differ++;
  const extra = [...after.keys.keys()].filter((k) => !before.keys.has(k)).length;
  let shadowAfter = 0;
  for (const w of workers) shadowAfter += await shadowCheck(r2, w);
  report.restart = {
    bgsave: st,
    dbsizeBefore: dbsize,
    dbsizeAfter: await r2.dbsize(),
    persistentKeys: before.keys.size,
    volatileKeys: before.volatile,
    differ,
    extra,
    shadowMismatches: shadowAfter,
    restartMs: Math.round(loadMs),
  };
  if (st !== 'ok' || differ || extra || shadowAfter) unexpected('restart', JSON.stringify(report.restart));
  report.accountAfterRestart = checkAccount(await srv.account(true), 'after the restart');
  r2.disconnect();
} catch (e) {
  ok = false;
  console.error(e);
  if (srv) console.error(srv.stderr());
} finally {
  if (srv) {
    srv.child.kill('SIGTERM');
    await new Promise((r) => (srv.child.exitCode !== null ? r() : srv.child.once('exit', r)));
  }
  rmSync(dir, { recursive: true, force: true });
}

// ------------------------------------------------------------------------------ report

report.errors = errors;
report.latency = Object.fromEntries(
  Object.entries(lat)
    .sort()
    .map(([f, a]) => [f, { n: a.length, p50: Number(pct(a, 0.5).toFixed(2)), p99: Number(pct(a, 0.99).toFixed(2)) }]),
);
report.rss = rssSamples;
report.account = accountSamples;
const unexpectedCount = Object.values(errors.unexpected).reduce((s, n) => s + n, 0);
report.unexpectedErrors = unexpectedCount;
if (unexpectedCount) ok = false;
report.ok = ok;

const lines = [];
lines.push(`soak: ${SECONDS} s, ${CLIENTS} clients, ${report.commands} operations (${report.commandsPerSecond}/s)`);
lines.push(`unexpected errors: ${unexpectedCount}; expected: ${JSON.stringify(errors.expected)}`);
for (const s of errors.samples) lines.push(`  unexpected: [${s.phase}] ${s.fam}: ${s.msg}`);
lines.push('', '| family | operations | p50 (ms) | p99 (ms) |', '|---|---:|---:|---:|');
for (const [f, l] of Object.entries(report.latency)) lines.push(`| ${f} | ${l.n} | ${l.p50} | ${l.p99} |`);
if (rssSamples.length) {
  const pick4 = [0, Math.floor(rssSamples.length / 3), Math.floor((2 * rssSamples.length) / 3), rssSamples.length - 1];
  lines.push(
    '',
    '| t (s) | phase | RSS MiB | anon MiB | shmem (PMem) MiB | used_memory MiB |',
    '|---:|---|---:|---:|---:|---:|',
  );
  for (const i of pick4) {
    const s = rssSamples[i];
    lines.push(
      `| ${s.s} | ${s.phase} | ${s.rssMiB.toFixed(0)} | ${s.anonMiB.toFixed(0)} | ${s.shmemMiB.toFixed(0)} | ${s.usedMiB.toFixed(0)} |`,
    );
  }
  const half = rssSamples.slice(Math.floor(rssSamples.length / 2));
  const peak = Math.max(...rssSamples.map((s) => s.rssMiB));
  lines.push(
    `RSS peak ${peak.toFixed(0)} MiB; second half ${Math.min(...half.map((s) => s.rssMiB)).toFixed(0)}..${Math.max(...half.map((s) => s.rssMiB)).toFixed(0)} MiB`,
  );
}
lines.push(
  `accounting: ${accountSamples.length} checks during the load + end + after restart, engine = core = walk in every cell: ${accountSamples.concat(report.accountEnd ?? [], report.accountAfterRestart ?? []).every((a) => a.diffs.length === 0)}`,
);
if (report.memoryUsage)
  lines.push(
    `MEMORY USAGE over ${report.memoryUsage.keys} keys: ${report.memoryUsage.sum} B vs engine keys+values+metadata ${report.memoryUsage.engineKeysValuesMetadata} B (ratio ${report.memoryUsage.ratio})`,
  );
if (report.shadow)
  lines.push(
    `shadow model: ${report.shadow.keys} keys, ${report.shadow.mismatches} mismatches; pub/sub ${report.pubsub.received}/${report.pubsub.published} deliveries`,
  );
if (report.restart) lines.push(`restart from the last dump: ${JSON.stringify(report.restart)}`);
if (report.server) lines.push(`server: ${JSON.stringify(report.server)}`);
if (report.operator)
  lines.push(
    `operator: ${report.operator.saves} BGSAVEs (${report.operator.saveFailures} failed), events ${report.operator.events.map((e) => `${e.s}s ${e.what}`).join('; ')}`,
  );
lines.push(`result: ${ok ? 'PASS' : 'FAIL'}`);
console.log(lines.join('\n'));
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(report, null, 1));
process.exit(ok ? 0 : 1);

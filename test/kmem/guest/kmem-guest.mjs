// @ts-check
// In-guest part of tiermem's KMEM-DAX integration test (run by test/kmem/guest/init.sh inside
// the QEMU guest, with the project's dist/ and addon under /app). Plain ES module JS so the
// guest needs nothing but node; the host side (run.sh, kmem.test.ts) parses the
// "KMEMCHECK <mode> PASS|FAIL <name> <detail>" lines it prints.
//
// Usage: node kmem-guest.mjs <mode> [--only=check,check]
//   nvdimm       : KMEM-DAX node from an NVDIMM (daxctl system-ram): detect, placement,
//                  variants, controller, limits, metrics
//   cpuless-env  : plain CPU-less node 1 with MEMKIND_DAX_KMEM_NODES=1: detect, placement, limits
//   cpuless-node : plain CPU-less node 1 with pmem 'node:1': detect, placement

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { setImmediate as tick } from 'node:timers/promises';

const MODE = process.argv[2] ?? 'nvdimm';
const ONLY = (process.argv.find((a) => a.startsWith('--only=')) ?? '').slice(7).split(',').filter(Boolean);
const KMEM_NODE = 1;
const DRAM_NODE = 0;
const MiB = 1024 * 1024;
const PAGE = 4096;
const T0 = Date.now();

let failures = 0;
let metricsPrinted = false;
/** @type {string[]} */
const notes = [];

/** @param {string} name @param {boolean} ok @param {string} detail */
function check(name, ok, detail) {
  if (!ok) failures++;
  console.log(`KMEMCHECK ${MODE} ${ok ? 'PASS' : 'FAIL'} ${name} ${detail}`);
}
/** @param {string} msg */
function log(msg) {
  console.log(`[kmem-guest ${((Date.now() - T0) / 1000).toFixed(2)}s] ${msg}`);
}
/** @param {string} name */
const wanted = (name) => ONLY.length === 0 || ONLY.includes(name);

/** Log-uniform integer in [lo, hi]. @param {() => number} r @param {number} lo @param {number} hi */
const logUniform = (r, lo, hi) => Math.floor(Math.exp(Math.log(lo) + r() * (Math.log(hi + 1) - Math.log(lo))));

// ------------------------------------------------------------------ facade access

/** @type {(opts: Record<string, unknown>) => any} */
let createAllocator;
/** Deterministic PRNG (the project's own, dist/trace/random.js), so a failing run can be repeated exactly.
 * @type {(seed: number) => { next: () => number }} */
let createRng;
try {
  // @ts-ignore -- the guest's path (run.sh puts the project's dist/ under /app)
  ({ createAllocator } = await import('/app/dist/allocator.js'));
  // @ts-ignore -- the guest's path
  ({ createRng } = await import('/app/dist/trace/random.js'));
} catch (e) {
  check('import', false, `/app/dist: ${/** @type {Error} */ (e).message.split('\n')[0]}`);
  process.exit(1);
}
/** @param {number} seed */
const rng = (seed) => createRng(seed).next;

/** @param {string} path */
async function tryImport(path) {
  try {
    return await import(path);
  } catch (e) {
    notes.push(`${path} not importable: ${/** @type {Error} */ (e).message.split('\n')[0]}`);
    return null;
  }
}

/** @param {Record<string, unknown>} opts */
async function open(opts) {
  const a = await createAllocator({ log: (/** @type {string} */ line) => log(line), ...opts });
  return a;
}

/**
 * Pages of an allocation per NUMA node, from move_pages(2) in the addon. Accepts the facade's
 * { nodes: Record<node, pages>, absent }, a bare Record<node, pages>, or the native array form
 * [node0, node1, ..., absent].
 * @returns {{ nodes: Map<number, number>, absent: number }}
 */
function pageNodes(alloc, h) {
  if (typeof alloc.pageNodes !== 'function') throw new Error('allocator.pageNodes(handle) is missing from the facade');
  const raw = alloc.pageNodes(h);
  const nodes = new Map();
  let absent = 0;
  if (Array.isArray(raw)) {
    raw.forEach((v, i) => {
      if (i === raw.length - 1) absent = v;
      else if (v) nodes.set(i, v);
    });
  } else if (raw && typeof raw.nodes === 'object') {
    for (const [k, v] of Object.entries(raw.nodes)) if (v) nodes.set(Number(k), Number(v));
    absent = Number(raw.absent ?? 0);
  } else {
    for (const [k, v] of Object.entries(raw)) {
      if (/^\d+$/.test(k)) {
        if (v) nodes.set(Number(k), v);
      } else if (k === 'absent') absent = Number(v);
    }
  }
  return { nodes, absent };
}

/** Page counts per node of the whole process from /proc/self/numa_maps (N<node>=<pages>). */
function numaMapsTotals() {
  const totals = new Map();
  for (const line of readFileSync('/proc/self/numa_maps', 'utf8').split('\n')) {
    const kps = /kernelpagesize_kB=(\d+)/.exec(line);
    const scale = kps ? (Number(kps[1]) * 1024) / PAGE : 1;
    for (const m of line.matchAll(/ N(\d+)=(\d+)/g)) {
      totals.set(Number(m[1]), (totals.get(Number(m[1])) ?? 0) + Number(m[2]) * scale);
    }
  }
  return totals;
}

// One scratch buffer for pattern writes and checks: Buffer.fill is a memset, cheap even under TCG.
let scratch = Buffer.alloc(4 * MiB);
/** Fill the whole usable size with a seed byte (touches every page). */
function fill(alloc, h, seed) {
  const size = alloc.zmallocSize(h);
  if (scratch.length < size) scratch = Buffer.alloc(size);
  scratch.fill(seed & 255, 0, size);
  alloc.write(h, scratch.subarray(0, size));
}
/** True when the allocation still holds its seed pattern. */
function intact(alloc, h, seed) {
  const data = alloc.read(h);
  if (scratch.length < data.length) scratch = Buffer.alloc(data.length);
  scratch.fill(seed & 255, 0, data.length);
  return data.equals(scratch.subarray(0, data.length));
}

/**
 * Checks that every page of each live allocation is on the node of its tier.
 * @param {Array<{ h: number }>} items
 * @returns {{ ok: boolean, pages: Record<string, Record<string, number>>, bad: string[] }}
 */
function verifyPlacement(alloc, items, pmemNode = KMEM_NODE) {
  /** @type {Record<string, Record<string, number>>} */
  const pages = { dram: {}, pmem: {} };
  const bad = [];
  for (const { h } of items) {
    const tier = alloc.tierOf(h);
    const want = tier === 'pmem' ? pmemNode : DRAM_NODE;
    const { nodes, absent } = pageNodes(alloc, h);
    const per = pages[tier] ?? (pages[tier] = {});
    for (const [n, c] of nodes) per[n] = (per[n] ?? 0) + c;
    if (absent) per.absent = (per.absent ?? 0) + absent;
    const wrong = [...nodes].filter(([n]) => n !== want);
    if (wrong.length || absent) {
      bad.push(`${tier} size=${alloc.zmallocSize(h)}: ${JSON.stringify(Object.fromEntries(nodes))} absent=${absent}`);
    }
  }
  return { ok: bad.length === 0, pages, bad };
}
const fmtPages = (/** @type {Record<string, number> | undefined} */ p = {}) =>
  Object.entries(p)
    .map(([n, c]) => `${n === 'absent' ? 'absent' : 'node' + n}=${c}`)
    .join(',') || 'none';

// ------------------------------------------------------------------ checks

/** pmem 'auto' (or the mode's option) finds the KMEM node and says so in info(). */
async function checkDetect(pmem, expectKind) {
  const alloc = await open({ pmem });
  try {
    const info = alloc.info();
    const p = info.pmem;
    log(`info().pmem = ${JSON.stringify(p)}`);
    log(`info().dram = ${JSON.stringify({ kind: info.dram.kind, nodes: info.dram.nodes })}`);
    log(
      `info().numa = ${JSON.stringify(info.numa.map((/** @type {any} */ n) => ({ node: n.node, cpuless: n.cpuless, totalMiB: Math.round(n.totalBytes / MiB) })))}`,
    );
    const nodesOk = JSON.stringify(p.nodes) === JSON.stringify([KMEM_NODE]);
    const kindOk = expectKind.test(p.kind);
    const emulatedOk = MODE === 'nvdimm' ? p.emulated === false : true;
    const numa1 = info.numa.find((/** @type {any} */ n) => n.node === KMEM_NODE);
    check(
      `detect[${pmem}]`,
      nodesOk && kindOk && emulatedOk && !!numa1?.cpuless && JSON.stringify(info.dram.nodes) === '[0]',
      `kind=${p.kind} source=${p.source} emulated=${p.emulated} nodes=${JSON.stringify(p.nodes)} dram.nodes=${JSON.stringify(info.dram.nodes)} node1.cpuless=${numa1?.cpuless}`,
    );
  } finally {
    alloc.close();
  }
}

/** A mixed workload through zmalloc (plus explicit placements); every page on its tier's node. */
async function checkPlacement(pmem, label = `placement[${pmem}]`, totalBytes = 96 * MiB) {
  const alloc = await open({ pmem });
  try {
    const r = rng(42);
    const cats = ['data', 'metadata', 'keys', 'buffers', 'other'];
    /** @type {Array<{ h: number, seed: number }>} */
    const items = [];
    let bytes = 0;
    for (let i = 0; bytes < totalBytes; i++) {
      const size = logUniform(r, 16, 1 * MiB);
      const cat = cats[i % cats.length];
      // Every 16th allocation placed explicitly, against its size, to cover both forced paths.
      const h =
        i % 16 === 7
          ? alloc.zmallocPmem(Math.min(size, 2048), cat)
          : i % 16 === 15
            ? alloc.zmallocDram(Math.max(size, 64 * 1024), cat)
            : alloc.zmalloc(size, cat);
      fill(alloc, h, i);
      items.push({ h, seed: i });
      bytes += alloc.zmallocSize(h);
    }
    const v = verifyPlacement(alloc, items);
    const st = alloc.stats();
    const n = { dram: 0, pmem: 0 };
    for (const { h } of items) n[/** @type {'dram'|'pmem'} */ (alloc.tierOf(h))]++;
    check(
      label,
      v.ok && n.dram > 0 && n.pmem > 0,
      `allocs dram=${n.dram} pmem=${n.pmem} liveMiB dram=${(st.tiers.dram.liveBytes / MiB).toFixed(1)} pmem=${(st.tiers.pmem.liveBytes / MiB).toFixed(1)} pages dram:{${fmtPages(v.pages.dram)}} pmem:{${fmtPages(v.pages.pmem)}}${v.bad.length ? ' wrong: ' + v.bad.slice(0, 3).join('; ') : ''}`,
    );
    const corrupt = items.filter(({ h, seed }) => !intact(alloc, h, seed)).length;
    if (corrupt) check(`${label}-readback`, false, `${corrupt} allocations lost their contents`);
  } finally {
    alloc.close();
  }
}

/**
 * The controller steers the threshold to a 1:4 DRAM:PMem split under churn; then the pages the
 * kernel reports per node (move_pages over every live allocation) must match tiermem's per-tier
 * accounting within 5%. Sizes >= 16 KiB are jemalloc "large" classes, a whole number of pages
 * with no sub-page sharing between allocations; jemalloc's cache-oblivious offset still makes each
 * span one page more, so sizes start at 64 KiB to keep that edge under ~2% of the bytes.
 * (/proc/self/numa_maps is printed too, but it also counts pages jemalloc keeps after frees.)
 */
async function checkController(pmem) {
  const ctl = await tryImport('/app/dist/controller/index.js');
  if (!ctl || typeof ctl.attachController !== 'function') {
    check('controller', false, `attachController not available (${notes.at(-1) ?? 'no export'})`);
    return;
  }
  const alloc = await open({ pmem });
  const controller = ctl.attachController(alloc, { targetShare: 0.2 });
  try {
    const r = rng(7);
    /** @type {Array<{ h: number, seed: number }>} */
    const live = [];
    const liveTarget = 160 * MiB;
    let liveBytes = 0;
    let allocated = 0;
    let seed = 0;
    // Churn: allocate until the live set is at its target, then keep replacing random victims,
    // yielding to the event loop now and then so the controller's timer runs too. At least
    // 384 MiB (the live set turns over twice), then until the controller reports on-target
    // twice in a row, at most 768 MiB.
    /** @type {string[]} */
    const trail = [];
    let onTarget = 0;
    for (let batch = 0; allocated < 768 * MiB && !(allocated >= 384 * MiB && onTarget >= 2); batch++) {
      if (batch % 4 === 0) trail.push(`${(alloc.threshold / 1024).toFixed(0)}K/${alloc.stats().dramShare.toFixed(2)}`);
      for (let k = 0; k < 32; k++) {
        const size = logUniform(r, 64 * 1024, 2 * MiB);
        const h = alloc.zmalloc(size, 'data');
        fill(alloc, h, ++seed);
        const u = alloc.zmallocSize(h);
        live.push({ h, seed });
        liveBytes += u;
        allocated += u;
        while (liveBytes > liveTarget) {
          const i = Math.floor(r() * live.length);
          const victim = /** @type {{ h: number, seed: number }} */ (live[i]);
          live[i] = /** @type {{ h: number, seed: number }} */ (live[live.length - 1]);
          live.pop();
          liveBytes -= alloc.zmallocSize(victim.h);
          alloc.zfree(victim.h);
        }
      }
      await tick();
      onTarget = controller.status === 'on-target' ? onTarget + 1 : 0;
    }
    await new Promise((res) => setTimeout(res, 200));
    const st = alloc.stats();
    const share = st.dramShare;
    const last = controller.last ?? null;
    log(
      `controller: status=${controller.status} ticks=${controller.ticks} threshold=${st.threshold} share=${share.toFixed(3)} last=${JSON.stringify(last)}`,
    );
    log(`controller trail (threshold/share every 128 allocations): ${trail.join(' ')}`);
    check(
      'controller-share',
      Math.abs(share - 0.2) <= 0.05,
      `target 0.200 (1:4) share=${share.toFixed(3)} threshold=${st.threshold} status=${controller.status} ticks=${controller.ticks} churnMiB=${(allocated / MiB).toFixed(0)} live=${live.length}`,
    );

    const v = verifyPlacement(alloc, live);
    const node0 = (v.pages.dram?.[DRAM_NODE] ?? 0) + (v.pages.pmem?.[DRAM_NODE] ?? 0);
    const node1 = (v.pages.dram?.[KMEM_NODE] ?? 0) + (v.pages.pmem?.[KMEM_NODE] ?? 0);
    const dev = (/** @type {number} */ pages, /** @type {number} */ acct) =>
      acct === 0 ? (pages === 0 ? 0 : 1) : Math.abs(pages * PAGE - acct) / acct;
    const d0 = dev(node0, st.tiers.dram.liveBytes);
    const d1 = dev(node1, st.tiers.pmem.liveBytes);
    const nm = numaMapsTotals();
    check(
      'controller-pages-vs-accounting',
      v.ok && d0 <= 0.05 && d1 <= 0.05,
      `node0 ${((node0 * PAGE) / MiB).toFixed(1)}MiB vs dram ${(st.tiers.dram.liveBytes / MiB).toFixed(1)}MiB (${(d0 * 100).toFixed(2)}%), node1 ${((node1 * PAGE) / MiB).toFixed(1)}MiB vs pmem ${(st.tiers.pmem.liveBytes / MiB).toFixed(1)}MiB (${(d1 * 100).toFixed(2)}%); numa_maps process N0=${(((nm.get(0) ?? 0) * PAGE) / MiB).toFixed(1)}MiB N1=${(((nm.get(1) ?? 0) * PAGE) / MiB).toFixed(1)}MiB${v.bad.length ? ' wrong: ' + v.bad.slice(0, 3).join('; ') : ''}`,
    );
    log('controller: pages checked, numastat and readback next');
    // What an operator would look at: numastat's per-node view of this process.
    try {
      console.log(
        `---- numastat -p ${process.pid} (live set: dram ${(st.tiers.dram.liveBytes / MiB).toFixed(1)} MiB, pmem ${(st.tiers.pmem.liveBytes / MiB).toFixed(1)} MiB)`,
      );
      console.log(execFileSync('numastat', ['-p', String(process.pid)], { encoding: 'utf8' }).trimEnd());
      console.log('----');
    } catch (e) {
      log(`numastat failed: ${/** @type {Error} */ (e).message}`);
    }
    const corrupt = live.filter(({ h, seed: s }) => !intact(alloc, h, s)).length;
    check('controller-readback', corrupt === 0, `${live.length} live allocations, ${corrupt} corrupted`);
    if (wanted('metrics')) await printMetrics(alloc, controller);
  } finally {
    controller.stop?.();
    alloc.close();
  }
}

/**
 * Fill the PMem tier to its byte limit. strict: the next PMem allocation fails with
 * ERR_TIERMEM_NO_MEMORY and counts a failure. spill: it is served from DRAM (pages on node 0)
 * and counts a fallback. The DRAM limit spills the other way, onto the KMEM node. Every
 * earlier allocation keeps its contents throughout.
 */
async function checkLimits(pmem) {
  const limit = 24 * MiB;
  const alloc = await open({ pmem, limits: { pmem: limit }, policy: 'strict' });
  try {
    /** @type {Array<{ h: number, seed: number }>} */
    const items = [];
    let seed = 0;
    let err = null;
    for (let i = 0; i < 1000 && !err; i++) {
      try {
        const h = alloc.zmalloc(1 * MiB, 'data');
        fill(alloc, h, ++seed);
        items.push({ h, seed });
      } catch (e) {
        err = /** @type {Error & { code?: string }} */ (e);
      }
    }
    let st = alloc.stats();
    check(
      'limit-strict',
      err?.code === 'ERR_TIERMEM_NO_MEMORY' &&
        st.tiers.pmem.liveBytes <= limit &&
        st.tiers.pmem.liveBytes > limit - 2 * MiB &&
        st.tiers.pmem.failures >= 1 &&
        st.tiers.dram.liveBytes < 1 * MiB,
      `filled ${items.length} x 1MiB, pmem live=${(st.tiers.pmem.liveBytes / MiB).toFixed(2)}MiB limit=${limit / MiB}MiB, next zmalloc threw ${err?.code} failures=${st.tiers.pmem.failures}`,
    );
    // a small (DRAM-routed) allocation is unaffected by the PMem limit under strict
    const small = alloc.zmalloc(100, 'keys');
    check('limit-strict-dram-unaffected', alloc.tierOf(small) === 'dram', `small allocation on ${alloc.tierOf(small)}`);
    alloc.zfree(small);

    alloc.policy = 'spill';
    /** @type {Array<{ h: number, seed: number }>} */
    const spilled = [];
    for (let i = 0; i < 4; i++) {
      const h = alloc.zmalloc(1 * MiB, 'data');
      fill(alloc, h, ++seed);
      spilled.push({ h, seed });
    }
    st = alloc.stats();
    const sv = verifyPlacement(alloc, spilled);
    const spilledOk = spilled.every(({ h }) => alloc.tierOf(h) === 'dram');
    check(
      'limit-spill',
      spilledOk && sv.ok && st.tiers.pmem.fallbacks >= 4 && st.tiers.pmem.liveBytes <= limit,
      `4 x 1MiB after the limit -> tiers ${[...new Set(spilled.map(({ h }) => alloc.tierOf(h)))].join(',')}, pages {${fmtPages(sv.pages.dram ?? {})}}, pmem fallbacks=${st.tiers.pmem.fallbacks}, pmem live=${(st.tiers.pmem.liveBytes / MiB).toFixed(2)}MiB`,
    );

    // the other direction: DRAM at its limit spills small allocations onto the KMEM node
    alloc.setLimit('dram', st.tiers.dram.liveBytes);
    alloc.setLimit('pmem', 0);
    const up = [];
    for (let i = 0; i < 256; i++) {
      const h = alloc.zmalloc(512, 'keys');
      fill(alloc, h, ++seed);
      up.push({ h, seed });
    }
    st = alloc.stats();
    const uv = verifyPlacement(alloc, up);
    check(
      'limit-spill-dram-to-pmem',
      up.every(({ h }) => alloc.tierOf(h) === 'pmem') && uv.ok && st.tiers.dram.fallbacks >= 256,
      `256 x 512B at the DRAM limit -> pages {${fmtPages(uv.pages.pmem ?? {})}}, dram fallbacks=${st.tiers.dram.fallbacks}`,
    );

    const all = [...items, ...spilled, ...up];
    const corrupt = all.filter(({ h, seed: s }) => !intact(alloc, h, s)).length;
    check('limit-readback', corrupt === 0, `${all.length} allocations across strict/spill, ${corrupt} corrupted`);
  } finally {
    alloc.close();
  }
}

/** dax-kmem-all / dax-kmem-preferred land on the KMEM node too (the guest has one). */
async function checkVariants() {
  for (const pmem of ['dax-kmem', 'dax-kmem-all', 'dax-kmem-preferred']) {
    const alloc = await open({ pmem });
    try {
      const items = [];
      for (let i = 0; i < 16; i++) {
        const h = alloc.zmallocPmem(1 * MiB, 'data');
        fill(alloc, h, i);
        items.push({ h });
      }
      const v = verifyPlacement(alloc, items);
      const p = alloc.info().pmem;
      check(
        `variant[${pmem}]`,
        v.ok && JSON.stringify(p.nodes) === '[1]',
        `kind=${p.kind} nodes=${JSON.stringify(p.nodes)} 16MiB pages {${fmtPages(v.pages.pmem ?? {})}}`,
      );
    } finally {
      alloc.close();
    }
  }
}

/** Serve /metrics from inside the guest and print it; per-NUMA-node figures must be there. */
async function printMetrics(alloc, controller) {
  metricsPrinted = true;
  const m = await tryImport('/app/dist/metrics/index.js');
  if (!m || typeof m.createMetricsRegistry !== 'function') {
    check('metrics', false, `metrics module not available (${notes.at(-1) ?? 'no export'})`);
    return;
  }
  const registry = m.createMetricsRegistry({ allocator: alloc, controller: () => controller ?? null });
  const server = await m.startMetricsServer({ registry, port: 0 });
  try {
    // node:http without keep-alive (agent: false): fetch() costs seconds of module loading under
    // TCG, and a pooled keep-alive socket would hold the process open after the checks.
    const res = await new Promise((resolve, reject) => {
      get(server.url, { agent: false }, (r) => {
        let data = '';
        r.setEncoding('utf8');
        r.on('data', (c) => {
          data += c;
        });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: data }));
      }).on('error', reject);
    });
    const body = res.body;
    console.log(`---- GET ${server.url} (${res.status})`);
    for (const line of body.split('\n')) if (line && !line.startsWith('#')) console.log(line);
    console.log('----');
    const node1 = /tiermem_numa_node_total_bytes\{[^}]*node="1"[^}]*\} (\d+)/.exec(body);
    const node0 = /tiermem_numa_node_total_bytes\{[^}]*node="0"[^}]*\} (\d+)/.exec(body);
    const backend = /tiermem_backend_info\{[^}]*tier="pmem"[^}]*\}/.exec(body);
    check(
      'metrics',
      res.status === 200 && !!node1 && !!node0 && !!backend,
      `status=${res.status} ${body.length}B node0.total=${node0?.[1]} node1.total=${node1?.[1]} ${backend?.[0] ?? 'no backend_info'}`,
    );
  } finally {
    await server.close();
  }
}

// ------------------------------------------------------------------ the store engine

/** A RESP command. @param {...(string | Buffer)} args */
function respCmd(...args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/**
 * jemalloc's size classes from 128 KiB to 1 MiB (four per doubling). Values of exactly these
 * sizes have no rounding tail, so the pages they touch are the bytes tiermem accounts, but for
 * the one page jemalloc's cache-oblivious offset adds to each (under 3% at these sizes).
 */
const LARGE_CLASSES = (() => {
  const out = [];
  for (let base = 128 * 1024; base < MiB; base *= 2) for (let i = 0; i < 4; i++) out.push(base + (base / 4) * i);
  out.push(MiB);
  return out;
})();

/**
 * The store engine (the C data plane) on the KMEM-DAX machine, run in-process through its batch
 * call: a keyspace with small keys of every type plus string values that churn under the ratio
 * controller at 1:4. Then the kernel's census of every block the store holds (move_pages via
 * the engine's block walker): keys and metadata wholly on node 0, every value on the node of
 * the tier it is accounted to, the split on target with pinned bytes counted, the pages per node
 * within 5% of tiermem's per-tier accounting, and the values read back intact.
 */
async function checkStore(pmem) {
  const ctl = await tryImport('/app/dist/controller/index.js');
  const { openStore } = /** @type {any} */ (await import('/app/dist/allocator.js'));
  if (!ctl || typeof openStore !== 'function') {
    check('store', false, `openStore/attachController not available (${notes.at(-1) ?? 'no export'})`);
    return;
  }
  const alloc = await open({ pmem });
  const controller = ctl.attachController(alloc, { targetShare: 0.2 });
  const engine = openStore(alloc, { databases: 16 });
  const slot = engine.clientOpen('127.0.0.1:1', '127.0.0.1:6379', -1);
  const out = Buffer.alloc(4 * MiB);
  /** Run commands, return the reply bytes. @param {Buffer[]} cmds */
  const run = (cmds) => {
    const input = Buffer.concat(cmds);
    let n = engine.feed(slot, input, input.length, out, 0);
    const parts = [Buffer.from(out.subarray(0, n))];
    while (engine.status[0] > 0) {
      n = engine.drain(slot, out, 0);
      parts.push(Buffer.from(out.subarray(0, n)));
    }
    return Buffer.concat(parts);
  };
  try {
    const r = rng(99);
    // Small keys of every type, loaded once: entries, dict nodes, listpacks and intsets.
    for (let i = 0; i < 2000; i += 50) {
      const cmds = [];
      for (let j = i; j < i + 50; j++) {
        cmds.push(respCmd('HSET', `h:${j}`, 'a', String(j), 'b', 'x'.repeat(j % 40)));
        cmds.push(respCmd('RPUSH', `l:${j}`, 'one', 'two', String(j)));
        cmds.push(respCmd('SADD', `s:${j}`, String(j), String(j + 1)));
        cmds.push(respCmd('SET', `n:${j}`, String(j * 7)));
      }
      run(cmds);
    }
    // String values of large size classes that churn: the controller steers the split.
    const POOL = 400;
    /** @type {Array<{ size: number, fillByte: number } | undefined>} */
    const want = new Array(POOL);
    let allocated = 0;
    let onTarget = 0;
    let version = 0;
    /** @type {string[]} */
    const trail = [];
    for (let batch = 0; allocated < 720 * MiB && !(allocated >= 360 * MiB && onTarget >= 2); batch++) {
      if (batch % 16 === 0)
        trail.push(
          `${(alloc.threshold / 1024).toFixed(0)}K/${alloc.stats().dramShare.toFixed(2)}/${controller.status}`,
        );
      const cmds = [];
      for (let k = 0; k < 4; k++) {
        const i = Math.floor(r() * POOL);
        const size = /** @type {number} */ (LARGE_CLASSES[Math.floor(r() * LARGE_CLASSES.length)]);
        const fillByte = ++version & 255;
        cmds.push(respCmd('SET', `v:${i}`, Buffer.alloc(size, fillByte)));
        want[i] = { size, fillByte };
        allocated += size;
      }
      run(cmds);
      await tick();
      // Values this large move the split by a point each: stop at a moment the controller holds it.
      const held = controller.status === 'on-target' && Math.abs(alloc.stats().dramShare - 0.2) <= 0.03;
      onTarget = held ? onTarget + 1 : 0;
    }
    await new Promise((res) => setTimeout(res, 200));
    log(`store trail (threshold/share/status every 64 SETs): ${trail.join(' ')}`);
    const st = alloc.stats();
    const census = engine.pageCensus();
    const CATS = ['data', 'metadata', 'keys', 'buffers', 'other'];
    const FIELDS = 3 + 8;
    /** @param {number} tier @param {string} cat */
    const cell = (tier, cat) => {
      const o = (tier * CATS.length + CATS.indexOf(cat)) * FIELDS;
      return {
        blocks: census.cells[o],
        split: census.cells[o + 1],
        absent: census.cells[o + 2],
        on: (/** @type {number} */ n) => census.cells[o + 3 + n],
      };
    };
    const pinned = ['keys', 'metadata'].map((c) => ({ c, d: cell(0, c), p: cell(1, c) }));
    check(
      'store-keys-metadata-dram',
      pinned.every(({ d, p }) => d.blocks > 0 && d.on(DRAM_NODE) === d.blocks && p.blocks === 0),
      pinned
        .map(
          ({ c, d, p }) =>
            `${c}: dram ${d.on(DRAM_NODE)}/${d.blocks} blocks on node0 (split ${d.split}, absent ${d.absent}), pmem ${p.blocks}`,
        )
        .join('; '),
    );
    const vd = cell(0, 'data');
    const vp = cell(1, 'data');
    check(
      'store-values-by-tier',
      vd.blocks > 0 && vp.blocks > 0 && vd.on(DRAM_NODE) === vd.blocks && vp.on(KMEM_NODE) === vp.blocks,
      `dram values ${vd.on(DRAM_NODE)}/${vd.blocks} on node0 (split ${vd.split}, absent ${vd.absent}); pmem values ${vp.on(KMEM_NODE)}/${vp.blocks} on node1 (split ${vp.split}, absent ${vp.absent})`,
    );
    const dramLive = st.tiers.dram.liveBytes;
    const pmemLive = st.tiers.pmem.liveBytes;
    const share = dramLive / (dramLive + pmemLive);
    const pageShare = census.nodePages[DRAM_NODE] / (census.nodePages[DRAM_NODE] + census.nodePages[KMEM_NODE]);
    check(
      'store-share',
      Math.abs(share - 0.2) <= 0.05 && Math.abs(pageShare - 0.2) <= 0.05,
      `target 0.200 (1:4) share=${share.toFixed(3)}, by the kernel's pages ${pageShare.toFixed(3)} (allocator's dramShare ${st.dramShare.toFixed(3)}; keys+metadata pinned: ${((st.tiers.dram.byCategory.keys.liveBytes + st.tiers.dram.byCategory.metadata.liveBytes) / MiB).toFixed(2)}MiB, buffers ${((st.tiers.dram.byCategory.buffers.liveBytes + st.tiers.pmem.byCategory.buffers.liveBytes) / MiB).toFixed(2)}MiB) threshold=${st.threshold} status=${controller.status} churnMiB=${(allocated / MiB).toFixed(0)}`,
    );
    const page = census.pageSize;
    const node0 = census.nodePages[DRAM_NODE] * page;
    const node1 = census.nodePages[KMEM_NODE] * page;
    const dev = (/** @type {number} */ a, /** @type {number} */ b) =>
      b === 0 ? (a === 0 ? 0 : 1) : Math.abs(a - b) / b;
    check(
      'store-pages-vs-accounting',
      dev(node0, dramLive) <= 0.05 && dev(node1, pmemLive) <= 0.05,
      `node0 ${(node0 / MiB).toFixed(1)}MiB vs dram ${(dramLive / MiB).toFixed(1)}MiB (${(dev(node0, dramLive) * 100).toFixed(2)}%), node1 ${(node1 / MiB).toFixed(1)}MiB vs pmem ${(pmemLive / MiB).toFixed(1)}MiB (${(dev(node1, pmemLive) * 100).toFixed(2)}%); ${census.blocks} blocks, ${census.pages} pages, ${census.absentPages} not resident`,
    );
    let bad = 0;
    let checked = 0;
    for (let i = 0; i < POOL; i++) {
      const w = want[i];
      if (!w) continue;
      const reply = run([respCmd('GET', `v:${i}`)]);
      const head = `$${w.size}\r\n`;
      const body = reply.subarray(head.length, head.length + w.size);
      checked++;
      if (reply.toString('latin1', 0, head.length) !== head || !body.equals(Buffer.alloc(w.size, w.fillByte))) bad++;
    }
    const small = run([
      respCmd('HGET', 'h:1999', 'a'),
      respCmd('LINDEX', 'l:7', '2'),
      respCmd('SISMEMBER', 's:5', '6'),
    ]);
    check(
      'store-readback',
      bad === 0 && small.toString() === '$4\r\n1999\r\n$1\r\n7\r\n:1\r\n',
      `${checked} values read back, ${bad} wrong; small types: ${JSON.stringify(small.toString())}`,
    );
  } finally {
    controller.stop?.();
    engine.close();
    alloc.close();
  }
}

/**
 * The migrator on the KMEM-DAX machine: values moved after allocation land on their new tier's
 * node. Under a fixed threshold (no controller) 48 string values of 256 KiB are placed in DRAM
 * and 48 on PMem. A demotion quota moves the coldest DRAM values to PMem (half of them were read
 * again after a pause, so the other half is colder), then a promotion quota the hottest PMem
 * values (8 read five times) to DRAM. After each, the page census (move_pages on every block the
 * store holds) must show every value block accounted to PMem wholly on node 1 and every DRAM one
 * on node 0, the per-tier value counts changed by exactly the values the migrator reports moved,
 * and the pages per node moved by the moved values' pages (64 or 65 per 256 KiB value, with
 * jemalloc's cache-oblivious offset). Then every key is read once: the tier each read is served
 * from (the engine's per-tier read hits) tallies with the census per tier, and the bytes are intact.
 */
async function checkStoreMigration(pmem) {
  const { openStore } = /** @type {any} */ (await import('/app/dist/allocator.js'));
  const alloc = await open({ pmem, threshold: 2 ** 40 });
  const engine = openStore(alloc, { databases: 16 });
  engine.configSet('tier-migrate-rate', 1024 * MiB); // the budget is not under test here
  const slot = engine.clientOpen('127.0.0.1:1', '127.0.0.1:6379', -1);
  const out = Buffer.alloc(4 * MiB);
  /** @param {Buffer[]} cmds */
  const run = (cmds) => {
    const input = Buffer.concat(cmds);
    let n = engine.feed(slot, input, input.length, out, 0);
    const parts = [Buffer.from(out.subarray(0, n))];
    while (engine.status[0] > 0) {
      n = engine.drain(slot, out, 0);
      parts.push(Buffer.from(out.subarray(0, n)));
    }
    return Buffer.concat(parts);
  };
  const SIZE = 256 * 1024;
  const N = 48;
  const PAGES = SIZE / PAGE;
  const keyFill = (/** @type {string} */ prefix, /** @type {number} */ i) => (prefix === 'd' ? i : 128 + i);
  const CATS = ['data', 'metadata', 'keys', 'buffers', 'other'];
  const FIELDS = 3 + 8;
  const census = () => {
    const c = engine.pageCensus();
    const data = (/** @type {number} */ tier) => {
      const o = (tier * CATS.length + CATS.indexOf('data')) * FIELDS;
      return {
        blocks: c.cells[o],
        split: c.cells[o + 1],
        absent: c.cells[o + 2],
        on: (/** @type {number} */ n) => c.cells[o + 3 + n],
      };
    };
    return { dram: data(0), pmem: data(1), node0: c.nodePages[DRAM_NODE], node1: c.nodePages[KMEM_NODE] };
  };
  const tiering = () => engine.info().tiering;
  /** Run the migrator's cron steps until its quota toward `to` is spent (or 10 s). @param {'quotaPmem' | 'quotaDram'} quota */
  const settle = async (quota) => {
    for (let i = 0; i < 500 && tiering()[quota] > 0; i++) {
      engine.cron(5000);
      await new Promise((res) => setTimeout(res, 20));
    }
  };
  const onNodes = (/** @type {ReturnType<typeof census>} */ c) =>
    c.dram.on(DRAM_NODE) === c.dram.blocks && c.pmem.on(KMEM_NODE) === c.pmem.blocks;
  const describe = (/** @type {ReturnType<typeof census>} */ c) =>
    `dram values ${c.dram.on(DRAM_NODE)}/${c.dram.blocks} on node0 (split ${c.dram.split}, absent ${c.dram.absent}), pmem values ${c.pmem.on(KMEM_NODE)}/${c.pmem.blocks} on node1 (split ${c.pmem.split}, absent ${c.pmem.absent}); pages node0 ${c.node0} node1 ${c.node1}`;
  const within = (/** @type {number} */ d, /** @type {number} */ values) =>
    d >= values * PAGES - 4 && d <= values * (PAGES + 1) + 4;
  try {
    const set = (/** @type {string} */ prefix) => {
      const cmds = [];
      for (let i = 0; i < N; i++) cmds.push(respCmd('SET', `${prefix}:${i}`, Buffer.alloc(SIZE, keyFill(prefix, i))));
      run(cmds);
    };
    set('d'); // threshold 2^40: DRAM
    alloc.threshold = 0;
    set('p'); // threshold 0: PMem
    alloc.threshold = 2 ** 40;
    const c0 = census();
    log(`store-migrate placed: ${describe(c0)}`);
    // d:24..47 read again after a pause: d:0..23 are the cold ones.
    await new Promise((res) => setTimeout(res, 1500));
    run(Array.from({ length: N / 2 }, (_, i) => respCmd('GET', `d:${N / 2 + i}`)));

    const t0 = tiering();
    engine.migrate(1, 12 * SIZE);
    await settle('quotaPmem');
    const t1 = tiering();
    const demoted = t1.toPmemValues - t0.toPmemValues;
    const c1 = census();
    check(
      'store-migrate-demote',
      c0.dram.blocks === N &&
        c0.pmem.blocks === N &&
        demoted >= 8 &&
        c1.dram.blocks === N - demoted &&
        c1.pmem.blocks === N + demoted &&
        onNodes(c1) &&
        within(c1.node1 - c0.node1, demoted) &&
        within(c0.node0 - c1.node0, demoted),
      `${demoted} values (${((t1.toPmemBytes - t0.toPmemBytes) / MiB).toFixed(2)}MiB) moved to PMem; ${describe(c1)}; node1 +${c1.node1 - c0.node1} pages, node0 -${c0.node0 - c1.node0} (${PAGES}-${PAGES + 1} per value)`,
    );

    // p:0..7 hot: five reads each; then a promotion quota takes the hottest PMem values.
    for (let k = 0; k < 5; k++) run(Array.from({ length: 8 }, (_, i) => respCmd('GET', `p:${i}`)));
    engine.migrate(0, 8 * SIZE);
    await settle('quotaDram');
    const t2 = tiering();
    const promoted = t2.toDramValues - t1.toDramValues;
    const c2 = census();
    check(
      'store-migrate-promote',
      promoted >= 4 &&
        c2.dram.blocks === c1.dram.blocks + promoted &&
        c2.pmem.blocks === c1.pmem.blocks - promoted &&
        onNodes(c2) &&
        within(c2.node0 - c1.node0, promoted) &&
        within(c1.node1 - c2.node1, promoted),
      `${promoted} values (${((t2.toDramBytes - t1.toDramBytes) / MiB).toFixed(2)}MiB) moved to DRAM; ${describe(c2)}; node0 +${c2.node0 - c1.node0} pages, node1 -${c1.node1 - c2.node1}`,
    );

    // Every key read once: where the engine serves it from, and its bytes.
    /** @type {Record<string, string[]>} */
    const where = { dram: [], pmem: [] };
    let bad = 0;
    for (const prefix of ['d', 'p']) {
      for (let i = 0; i < N; i++) {
        const before = tiering();
        const reply = run([respCmd('GET', `${prefix}:${i}`)]);
        const after = tiering();
        const tier =
          after.dramReadHits > before.dramReadHits ? 'dram' : after.pmemReadHits > before.pmemReadHits ? 'pmem' : '?';
        (where[tier] ??= []).push(`${prefix}${i}`);
        const head = `$${SIZE}\r\n`;
        if (
          reply.toString('latin1', 0, head.length) !== head ||
          !reply.subarray(head.length, head.length + SIZE).equals(Buffer.alloc(SIZE, keyFill(prefix, i)))
        )
          bad++;
      }
    }
    const demotedKeys = where.pmem.filter((k) => k.startsWith('d'));
    const promotedKeys = where.dram.filter((k) => k.startsWith('p'));
    check(
      'store-migrate-readback',
      bad === 0 &&
        where.dram.length === c2.dram.blocks &&
        where.pmem.length === c2.pmem.blocks &&
        demotedKeys.length === demoted &&
        promotedKeys.length === promoted,
      `${2 * N} values read back, ${bad} wrong; served from DRAM ${where.dram.length} (census ${c2.dram.blocks}), from PMem ${where.pmem.length} (census ${c2.pmem.blocks}); demoted ${demotedKeys.join(',')} (${demotedKeys.filter((k) => Number(k.slice(1)) < N / 2).length} of the cold half); promoted ${promotedKeys.join(',')} (${promotedKeys.filter((k) => Number(k.slice(1)) < 8).length} of the 8 hot)`,
    );
  } finally {
    engine.close();
    alloc.close();
  }
}

// ------------------------------------------------------------------ main

/** A fresh allocator with a little of everything on both tiers. @param {string} pmem @param {(a: any) => Promise<void>} fn */
async function withAllocator(pmem, fn) {
  const alloc = await open({ pmem });
  try {
    for (let i = 0; i < 64; i++) fill(alloc, alloc.zmalloc(i % 2 ? 256 : 256 * 1024, 'data'), i);
    await fn(alloc);
  } finally {
    alloc.close();
  }
}

/** @param {string} name @param {() => Promise<void>} fn */
async function step(name, fn) {
  if (!wanted(name)) return;
  const t = Date.now();
  try {
    await fn();
  } catch (e) {
    check(name, false, `threw ${/** @type {Error} */ (e).stack?.split('\n').slice(0, 3).join(' | ')}`);
  }
  log(`${name} took ${((Date.now() - t) / 1000).toFixed(2)}s`);
}

log(
  `mode=${MODE} node=${process.versions.node} MEMKIND_DAX_KMEM_NODES=${process.env.MEMKIND_DAX_KMEM_NODES ?? '(unset)'}`,
);
const KMEM_KIND = /DAX_KMEM/i;
switch (MODE) {
  case 'nvdimm':
    await step('detect', () => checkDetect('auto', KMEM_KIND));
    await step('placement', () => checkPlacement('auto'));
    await step('variants', () => checkVariants());
    await step('limits', () => checkLimits('auto'));
    await step('controller', () => checkController('auto'));
    await step('store', () => checkStore('auto'));
    await step('store-migrate', () => checkStoreMigration('auto'));
    // normally printed by the controller check, with the controller's figures in it
    if (!metricsPrinted) await step('metrics', () => withAllocator('auto', (a) => printMetrics(a, null)));
    break;
  case 'cpuless-env':
    await step('detect', () => checkDetect('auto', KMEM_KIND));
    await step('placement', () => checkPlacement('auto', 'placement[auto+MEMKIND_DAX_KMEM_NODES=1]', 48 * MiB));
    await step('limits', () => checkLimits('auto'));
    break;
  case 'cpuless-node':
    await step('detect', () => checkDetect('node:1', /./));
    await step('placement', () => checkPlacement('node:1', 'placement[node:1]', 48 * MiB));
    break;
  default:
    check('mode', false, `unknown mode ${MODE}`);
}
for (const n of notes) log(`note: ${n}`);
log(`done: ${failures} failed`);
// exit now rather than wait for stray handles (sockets, timers) to wind down
process.exit(failures ? 1 : 0);

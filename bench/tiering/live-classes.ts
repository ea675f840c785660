// The issue-14 workload classes run live: a real `tiermem serve` (store engine, ratio controller
// with the migrator attached, or a baseline rule steering it from here: live-rules.ts) driven
// through ioredis, the DRAM share read from INFO after every pipelined batch. Shared by the test (test/tiering.live-classes.test.ts, small scale) and the
// benchmark (bench/tiering/classes.ts). Each class mirrors a simulator trace of
// src/trace/scenarios.ts; where the live store differs (keys and entries are pinned to DRAM, about
// 60 B a key, so values are sized for the target to stay reachable) the class says so.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { createRng, type Rng } from '../../src/trace/random.js';
import { attachRule, type RuleName } from './live-rules.js';

/** dist/cli/main.js of the checkout, from the source (bench/tiering) or compiled (bench/out/bench/tiering) copy. */
export const MAIN = ((): string => {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const main = join(dir, 'dist', 'cli', 'main.js');
    if (existsSync(main)) return main;
  }
  throw new Error('dist/cli/main.js not found: npm run build:ts');
})();

export interface Server {
  port: number;
  child: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/** `tiermem serve` on a free port (emulated PMem on tmpfs where there is one), no persistence. */
export async function startServe(extra: string[] = []): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'tiermem-classes-'));
  const pmem = process.env.TIERMEM_BENCH_PMEM ?? (existsSync('/dev/shm') ? 'file:/dev/shm' : 'auto');
  const args = [MAIN, 'serve', '--port', '0', '--no-metrics', '--socket', join(dir, 'admin.sock')];
  args.push('--dir', dir, '--pmem', pmem, '--save', '', ...extra);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  let port = 0;
  while (!port) {
    const m = /redis:\/\/[^:]+:(\d+)/.exec(out);
    if (m && /ready/.test(out)) port = Number(m[1]);
    else if (gone) throw new Error(`tiermem serve exited: ${out}`);
    else if (Date.now() > deadline) throw new Error(`tiermem serve did not start: ${out}`);
    else await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    child,
    log: () => out,
    async stop() {
      if (!gone) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Sample {
  /** ms since the class started. */
  ms: number;
  /** Commands sent so far. */
  ops: number;
  share: number;
  target: number;
}

/** A stretch with one target, measured from its first sample (a target step or a disturbance). */
export interface Segment {
  name: string;
  from: number;
  to: number;
}

export interface ClassResult {
  name: string;
  /** What steered the threshold (live-rules.ts), and the baseline's checks and moves. */
  rule: RuleName;
  ruleChecks: number;
  ruleMoves: number;
  samples: Sample[];
  segments: Segment[];
  migratedToPmem: number;
  migratedToDram: number;
  status: string;
  ms: number;
  ops: number;
}

/** What a class does through the driver. */
export interface Driver {
  rng: Rng;
  scale: number;
  /** Send commands as one pipeline, then sample the share; paced at `speedup` x the churn rate. */
  batch(cmds: (string | number)[][], speedup?: number): Promise<void>;
  /** Sample the share every `everyMs` for `ms`, sending nothing else. */
  idle(ms: number, everyMs?: number): Promise<void>;
  /** Start a new measured segment here (after a target step or a disturbance). */
  segment(name: string): Promise<void>;
  /** CONFIG SET dram-pmem-ratio. */
  target(ratio: string): Promise<void>;
  value(size: number): string;
}

export interface WorkloadClass {
  name: string;
  description: string;
  /** Where the simulator has the class: its trace in src/trace/scenarios.ts. */
  trace: string;
  /** Extra `tiermem serve` flags (controller parameters the trace runs with). */
  flags: string[];
  run(d: Driver): Promise<void>;
}

const KEYSPACE_BATCH = 1000;
const OPS_PER_MS = 20;

/** SETs of random keys (80%) and DELs (20%), as scenarios.ts's churn(). */
async function churn(d: Driver, batches: number, keys: number, size: () => number, prefix = 'k'): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const cmds: (string | number)[][] = [];
    for (let i = 0; i < KEYSPACE_BATCH; i++) {
      const k = `${prefix}${d.rng.int(keys)}`;
      cmds.push(d.rng.next() < 0.8 ? ['set', k, d.value(size())] : ['del', k]);
    }
    await d.batch(cmds);
  }
}

async function fill(d: Driver, keys: number, size: () => number, prefix = 'k'): Promise<void> {
  for (let k = 0; k < keys; k += KEYSPACE_BATCH) {
    const cmds: (string | number)[][] = [];
    for (let i = k; i < Math.min(keys, k + KEYSPACE_BATCH); i++) cmds.push(['set', `${prefix}${i}`, d.value(size())]);
    await d.batch(cmds, 10); // a bulk load, as the simulator's fills: 10x the churn rate
  }
}

const n = (d: Driver, x: number): number => Math.max(1, Math.round(x * d.scale));

export const CLASSES: readonly WorkloadClass[] = [
  {
    name: 'one-size',
    description: 'every value 1 KiB, early ticks off, churn, 1:4',
    trace:
      'one-size (256 B there: live, 256 B values next to ~60 B of pinned key and entry leave 1:4 at the pinned floor)',
    flags: ['--volume-bytes', '0'],
    async run(d) {
      const keys = n(d, 10_000);
      await fill(d, keys, () => 1024);
      await d.segment('churn');
      await churn(d, n(d, 80), keys, () => 1024);
    },
  },
  {
    name: 'periodic-mix',
    description: 'median size cycling 200 B / 3 KiB (lognormal sigma 0.5), churn, 1:4',
    trace: 'periodic-mix (40 B / 3 KiB there: live, 40 B values under pinned keys leave 1:4 unreachable)',
    flags: [],
    async run(d) {
      const keys = n(d, 10_000);
      await fill(d, keys, () => d.rng.lognormal(400, 1));
      await d.segment('cycling');
      for (let phase = 0; phase < 4; phase++) {
        const median = phase % 2 === 0 ? 400 : 4000;
        await churn(d, n(d, 30), keys, () => d.rng.lognormal(median, 0.5));
      }
    },
  },
  {
    name: 'fifo-heavy-tail',
    description: 'Pareto sizes (alpha 1.2, 64 B to 1 MiB) in a FIFO cache (SET newest, DEL oldest), 1:4',
    trace: 'fifo-heavy-tail',
    flags: [],
    async run(d) {
      const keys = n(d, 20_000);
      const size = (): number => Math.min(1 << 20, Math.round(64 / Math.pow(1 - d.rng.next(), 1 / 1.2)));
      await fill(d, keys, size);
      let head = 0;
      let tail = keys;
      await d.segment('fifo');
      for (let b = 0; b < n(d, 80); b++) {
        const cmds: (string | number)[][] = [];
        for (let i = 0; i < KEYSPACE_BATCH / 2; i++) {
          cmds.push(['set', `k${tail++}`, d.value(size())]);
          cmds.push(['del', `k${head++}`]);
        }
        await d.batch(cmds);
      }
    },
  },
  {
    name: 'low-churn',
    description: 'a large stock loaded at 1:4, then target 1:1 under writes of 0.1% of the keys per 100 ms',
    trace: 'low-churn',
    flags: [],
    async run(d) {
      const keys = n(d, 60_000);
      const size = (): number => d.rng.lognormal(300, 1);
      await fill(d, keys, size);
      await d.idle(500);
      await d.target('1:1');
      await d.segment('1:1');
      const perTick = Math.max(1, Math.round(keys / 1000));
      for (let t = 0; t < 80; t++) {
        const cmds: (string | number)[][] = [];
        for (let i = 0; i < perTick; i++) {
          const k = `k${d.rng.int(keys)}`;
          cmds.push(d.rng.next() < 0.8 ? ['set', k, d.value(size())] : ['del', k]);
        }
        await d.batch(cmds);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  },
  {
    name: 'mass-deletes',
    description:
      'two key groups (small values ~100 B, large ~2 KiB) churned at 1:4, then every small-value key deleted at once, then churn of the rest',
    trace: 'none (the simulator has no mass-delete trace; its nearest is churn)',
    flags: [],
    async run(d) {
      const keys = n(d, 15_000);
      const small = (): number => d.rng.lognormal(100, 0.5);
      const large = (): number => d.rng.lognormal(2048, 0.5);
      await fill(d, keys, small, 's');
      await fill(d, keys, large, 'l');
      for (let b = 0; b < n(d, 10); b++) {
        await churn(d, 1, keys, small, 's');
        await churn(d, 1, keys, large, 'l');
      }
      // The mass delete: DEL of 500 keys per command, every small-value key.
      for (let k = 0; k < keys; k += 500 * 8) {
        const cmds: (string | number)[][] = [];
        for (let c = k; c < Math.min(keys, k + 500 * 8); c += 500) {
          const del: (string | number)[] = ['del'];
          for (let i = c; i < Math.min(keys, c + 500); i++) del.push(`s${i}`);
          cmds.push(del);
        }
        await d.batch(cmds);
      }
      await d.segment('after the delete');
      await churn(d, n(d, 50), keys, large, 'l');
    },
  },
  {
    name: 'target-steps',
    description: 'lognormal sizes (median 300 B) churned, target 1:4 then 1:1 then 4:1',
    trace: 'target-change',
    flags: [],
    async run(d) {
      const keys = n(d, 10_000);
      const size = (): number => d.rng.lognormal(300, 1);
      await fill(d, keys, size);
      await d.segment('1:4');
      await churn(d, n(d, 60), keys, size);
      await d.target('1:1');
      await d.segment('1:1');
      await churn(d, n(d, 60), keys, size);
      await d.target('4:1');
      await d.segment('4:1');
      await churn(d, n(d, 60), keys, size);
    },
  },
  {
    name: 'appended-lists',
    description:
      'RPUSH of 64 B elements onto random lists (listpack nodes grow by realloc to 8 KiB, then a new node), 1:4',
    trace: 'appended-lists (lists start with 32 elements here, so the stock is large next to the pipelines)',
    flags: [],
    async run(d) {
      const lists = n(d, 2_000);
      const elem = d.value(64);
      const perBatch = Math.floor(KEYSPACE_BATCH / 32); // integer: every list0..list{n-1} is filled
      for (let l = 0; l < lists; l += perBatch) {
        const cmds: (string | number)[][] = [];
        for (let i = l; i < Math.min(lists, l + perBatch); i++)
          cmds.push(['rpush', `list${i}`, ...Array<string>(32).fill(elem)]);
        await d.batch(cmds, 10);
      }
      await d.segment('appends');
      for (let b = 0; b < n(d, 80); b++) {
        const cmds: (string | number)[][] = [];
        for (let i = 0; i < KEYSPACE_BATCH; i++) cmds.push(['rpush', `list${d.rng.int(lists)}`, elem]);
        await d.batch(cmds);
      }
    },
  },
];

const field = (info: string, name: string): string => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';

/** Run one class on a fresh server; `seed` fixes the workload (the controller's timing is the machine's).
 *  `rule`: what steers the threshold, tiermem's controller (default) or a baseline (live-rules.ts). */
export async function runClass(
  c: WorkloadClass,
  opts: { scale?: number; seed?: number; rule?: RuleName } = {},
): Promise<ClassResult> {
  const server = await startServe(c.flags);
  const connect = async (): Promise<Redis> => {
    const conn = new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await conn.connect();
    return conn;
  };
  const r = await connect();
  const periodMs = Number(/period (\d+) ms/.exec(server.log())?.[1] ?? 100);
  const rule = await attachRule(opts.rule ?? 'tiermem', r, { periodMs, connect }).catch(async (e: unknown) => {
    r.disconnect();
    await server.stop();
    throw e;
  });
  const samples: Sample[] = [];
  const segments: Segment[] = [];
  const t0 = performance.now();
  let ops = 0;
  let paceFrom = t0;
  const values = new Map<number, string>();
  const sample = async (): Promise<void> => {
    const info = await r.info('memory');
    samples.push({
      ms: performance.now() - t0,
      ops,
      share: Number(field(info, 'dram_share')),
      target: Number(field(info, 'dram_share_target')),
    });
  };
  const d: Driver = {
    rng: createRng(opts.seed ?? 1),
    scale: opts.scale ?? 1,
    async batch(cmds, speedup = 1) {
      // Paced at the simulator's rate (2000 events per 100 ms tick): a batch of 1000 every 50 ms.
      paceFrom -= (cmds.length / OPS_PER_MS) * (1 - 1 / speedup);
      const due = paceFrom + (ops + cmds.length) / OPS_PER_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      else if (wait < -200) paceFrom -= wait + 200; // fell behind (a loaded machine): no burst to catch up
      await rule.exec(cmds);
      ops += cmds.length;
      await sample();
    },
    async idle(ms, everyMs = 50) {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        await new Promise((res) => setTimeout(res, everyMs));
        await sample();
      }
      paceFrom += ms;
    },
    async segment(name) {
      const last = segments.at(-1);
      if (last) last.to = samples.length;
      segments.push({ name, from: samples.length, to: -1 });
      await Promise.resolve();
    },
    async target(ratio) {
      await rule.target(ratio);
    },
    value(size) {
      let v = values.get(size);
      if (v === undefined) {
        v = 'v'.repeat(size);
        if (values.size < 4096) values.set(size, v);
      }
      return v;
    },
  };
  try {
    await c.run(d);
    const last = segments.at(-1);
    if (last) last.to = samples.length;
    await rule.stop();
    const tiering = await r.info('tiering');
    return {
      name: c.name,
      rule: rule.name,
      ruleChecks: rule.checks,
      ruleMoves: rule.moves,
      samples,
      segments,
      migratedToPmem: Number(field(tiering, 'migrated_to_pmem_bytes')),
      migratedToDram: Number(field(tiering, 'migrated_to_dram_bytes')),
      status: field(tiering, 'controller_status'),
      ms: performance.now() - t0,
      ops,
    };
  } finally {
    await rule.stop().catch(() => undefined); // stopped above unless the class threw
    r.disconnect();
    await server.stop();
  }
}

export interface SegmentFigures {
  name: string;
  target: number;
  /** ms from the segment's first sample until the share enters +/-2 points and stays; Infinity if never. */
  settleMs: number;
  /** Commands sent from the segment's first sample until then (wall time differs between rules:
   *  a rule that checks per allocation adds round trips); Infinity if never. */
  settleOps: number;
  /** Mean and largest |share - target| over the second half of the segment's samples (as the simulator's steady error). */
  steadyError: number;
  steadyMax: number;
  /** Largest |share - target| after settling. */
  settledMax: number;
  samples: number;
}

/** Per-segment figures with the simulator's definitions (src/trace/metrics.ts): band +/-2 points. */
export function segmentFigures(r: ClassResult, band = 0.02): SegmentFigures[] {
  return r.segments.map((s) => {
    const xs = r.samples.slice(s.from, s.to);
    const err = xs.map((x) => Math.abs(x.share - x.target));
    let lastOut = -1;
    err.forEach((e, i) => {
      if (e > band) lastOut = i;
    });
    const settledAt = lastOut + 1 < xs.length ? lastOut + 1 : -1;
    const half = err.slice(Math.floor(err.length / 2));
    return {
      name: s.name,
      target: xs.at(-1)?.target ?? NaN,
      settleMs: settledAt < 0 ? Infinity : xs[settledAt]!.ms - xs[0]!.ms,
      settleOps: settledAt < 0 ? Infinity : xs[settledAt]!.ops - xs[0]!.ops,
      steadyError: half.reduce((a, e) => a + e, 0) / Math.max(1, half.length),
      steadyMax: Math.max(0, ...half),
      settledMax: settledAt < 0 ? Infinity : Math.max(0, ...err.slice(settledAt)),
      samples: xs.length,
    };
  });
}

// Which rule steers the threshold in a live class run: tiermem's own controller (in the served
// store, with its migrator), or one of the two baselines (bench/controller/rules.ts, the same code
// the simulator runs) run by this client against the served store.
//
// For a baseline the store's controller is paused (CONFIG SET pmem-threshold, which also clears
// the controller's dithering split) and the migrator is off (tier-migrate-rate 0): the baselines
// are threshold-only, as in the simulator. The rule reads the live DRAM and PMem bytes from INFO
// memory (used_memory_dram / used_memory_pmem, the bytes the controller reads) and sets the
// threshold by CONFIG SET pmem-threshold.
// - TieredMemDB's rule checks once per timer tick, at the live controller's period, on a
//   connection of its own (so a tick lands between the workload's pipelines, as the store's timer
//   does).
// - memtier's rule checks after every 20 allocations. A client cannot hook the allocator, so the
//   workload's pipelines are cut after every 20th allocating command (every command but DEL counts
//   as one allocation: a SET's value, an RPUSH's listpack growth; the key and entry the store
//   allocates with them are not counted, as the simulator counts one allocation per value), INFO
//   memory is read at that point in the same pipeline, and the rule's threshold write goes first in
//   the next pipeline: no command runs between a check and its move, as in memtier.

import type { Redis } from 'ioredis';
import { memtierRule, tieredMemDbRule, type ThresholdRule, type TierGauge } from '../controller/rules.js';

export type RuleName = 'tiermem' | 'memtier' | 'tieredmemdb';
export const RULE_NAMES: readonly RuleName[] = ['tiermem', 'memtier', 'tieredmemdb'];

/** The baselines' threshold bounds and start, as the controller benchmark runs them (bench/controller/main.ts). */
export const BASELINE_MIN = 16;
export const BASELINE_MAX = 64 * 1024 * 1024;
export const BASELINE_START = 4096;

type Command = (string | number)[];

/** What a class run sends through: the rule in charge of the threshold. */
export interface LiveRule {
  readonly name: RuleName;
  /** Send one pipeline of the workload (cut at the rule's checks where it checks per allocation). */
  exec(cmds: Command[]): Promise<void>;
  /** CONFIG SET dram-pmem-ratio (the store reports the target); a baseline takes it too. */
  target(ratio: string): Promise<void>;
  /** Rule checks run and threshold moves made (baselines; 0 for tiermem, whose controller is in the store). */
  readonly checks: number;
  readonly moves: number;
  stop(): Promise<void>;
}

const field = (info: string, name: string): string => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';

/** One INFO memory reading as a rule's gauge: a threshold write is recorded, to be sent. */
export function infoGauge(info: string): TierGauge & { readonly moved: boolean } {
  let threshold = Number(field(info, 'pmem_threshold'));
  let moved = false;
  return {
    dram: Number(field(info, 'used_memory_dram')),
    pmem: Number(field(info, 'used_memory_pmem')),
    get threshold() {
      return threshold;
    },
    set threshold(t: number) {
      threshold = t;
      moved = true;
    },
    get moved() {
      return moved;
    },
  };
}

function check(results: [Error | null, unknown][] | null): unknown[] {
  return (results ?? []).map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}

const allocates = (c: Command): boolean => String(c[0]).toLowerCase() !== 'del';

/**
 * Attach `name` to the store behind `redis` (the workload's connection). `connect` opens the tick
 * rule's own connection; `periodMs` is the live controller's timer period.
 */
export async function attachRule(
  name: RuleName,
  redis: Redis,
  opts: { periodMs: number; connect: () => Promise<Redis> },
): Promise<LiveRule> {
  if (name === 'tiermem') {
    return {
      name,
      checks: 0,
      moves: 0,
      async exec(cmds) {
        check(await redis.pipeline(cmds.map((x) => x.map(String))).exec());
      },
      async target(ratio) {
        await redis.config('SET', 'dram-pmem-ratio', ratio);
      },
      async stop() {},
    };
  }
  const info = await redis.info('memory');
  const share = Number(field(info, 'dram_share_target'));
  const rule: ThresholdRule =
    name === 'memtier'
      ? memtierRule(share, BASELINE_MIN, BASELINE_MAX)
      : tieredMemDbRule(share, BASELINE_MIN, BASELINE_MAX);
  await redis.config('SET', 'tier-migrate-rate', '0');
  await redis.config('SET', 'pmem-threshold', String(BASELINE_START));
  let checks = 0;
  let moves = 0;
  const decide = (reply: unknown): number | null => {
    const g = infoGauge(String(reply));
    checks++;
    rule.check(g);
    if (!g.moved) return null;
    moves++;
    return g.threshold;
  };
  const setThreshold = (t: number): Command => ['config', 'set', 'pmem-threshold', t];
  // A target change resumes the store's controller (CONFIG SET dram-pmem-ratio): pause it again
  // in the same transaction, leaving the baseline's threshold as it is.
  const retarget = async (ratio: string): Promise<void> => {
    check(
      await redis
        .multi()
        .config('SET', 'dram-pmem-ratio', ratio)
        .config('SET', 'memory-alloc-policy', 'threshold')
        .exec(),
    );
    rule.setTarget(Number(field(await redis.info('memory'), 'dram_share_target')));
  };

  if (rule.cadence.kind === 'allocs') {
    const every = rule.cadence.allocs;
    let count = 0;
    let pending: number | null = null;
    const send = async (chunk: Command[], withCheck: boolean): Promise<void> => {
      const cmds = pending === null ? chunk : [setThreshold(pending), ...chunk];
      pending = null;
      if (withCheck) cmds.push(['info', 'memory']);
      const replies = check(await redis.pipeline(cmds.map((x) => x.map(String))).exec());
      if (withCheck) pending = decide(replies.at(-1));
    };
    return {
      name,
      get checks() {
        return checks;
      },
      get moves() {
        return moves;
      },
      async exec(cmds) {
        let chunk: Command[] = [];
        for (const c of cmds) {
          chunk.push(c);
          if (allocates(c) && ++count % every === 0) {
            await send(chunk, true);
            chunk = [];
          }
        }
        if (chunk.length > 0 || pending !== null) await send(chunk, false);
      },
      target: retarget,
      async stop() {},
    };
  }

  // Per timer tick, on a connection of its own, at the controller's period (ticks that fall
  // behind on a loaded machine are skipped, not bunched).
  const ticker = await opts.connect();
  let stopped = false;
  let failed: Error | null = null;
  const loop = (async (): Promise<void> => {
    let next = performance.now() + opts.periodMs;
    while (!stopped) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      next = Math.max(next + opts.periodMs, performance.now());
      if (stopped) break;
      const t = decide(await ticker.info('memory'));
      if (t !== null) await ticker.config('SET', 'pmem-threshold', String(t));
    }
  })().catch((e: unknown) => {
    failed = e instanceof Error ? e : new Error(String(e));
  });
  return {
    name,
    get checks() {
      return checks;
    },
    get moves() {
      return moves;
    },
    async exec(cmds) {
      check(await redis.pipeline(cmds.map((x) => x.map(String))).exec());
    },
    target: retarget,
    async stop() {
      stopped = true;
      await loop;
      ticker.disconnect();
      if (failed) throw failed;
    },
  };
}

// What the store needs of the ratio controller, typed structurally so that src/controller's
// LiveController fits without the store importing it (and a service may run without one).

export interface TieringControllerParams {
  /** Wanted DRAM share of all live bytes, 0-1. */
  targetShare: number;
  minThreshold: number;
  maxThreshold: number;
}

export interface TieringController {
  readonly params: Readonly<TieringControllerParams>;
  /** e.g. 'on-target', 'converging', 'unreachable', 'paused'. */
  readonly status: string;
  /** Validates and applies all-or-nothing; throws on a bad value. */
  set(p: Partial<TieringControllerParams>): void;
  pause(): void;
  resume(): void;
}

/** The migrator's default byte-rate budget (tier-migrate-rate), bytes/s: enough to turn over a
 *  few GiB of cold values a minute, about 1% of a core at 1 KiB values (docs/store.md). */
export const DEFAULT_MIGRATE_RATE = 32 * 1024 * 1024;

/** maxmemory-policy names in the engine's order (native/store/access.h, MM_*). */
export const MAXMEMORY_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];

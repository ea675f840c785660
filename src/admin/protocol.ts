// The admin API's wire contract: JSON over HTTP, on a Unix socket or loopback TCP.
// Every response is an AdminResponse; errors carry a stable code and a one-line message.

import type { TiermemErrorCode } from '../errors.js';
import type { AllocatorInfo, BackendInfo, ExhaustionPolicy, NumaNode, Tier, TierStats } from '../types.js';
import type { ControllerParams, ControllerStatus, ControllerTick } from '../service/ports.js';

export const API_PREFIX = '/v1';

/** The admin API's own codes, and the allocator's (ERR_TIERMEM_INVALID_ARG: malformed or out-of-range input). */
export type AdminErrorCode =
  | TiermemErrorCode
  | 'ERR_ADMIN_NOT_FOUND' // unknown endpoint
  | 'ERR_ADMIN_METHOD' // wrong HTTP method
  | 'ERR_ADMIN_UNAUTHORIZED' // missing or wrong bearer token
  | 'ERR_ADMIN_CONFLICT' // e.g. a trace is already being recorded
  | 'ERR_ADMIN_UNAVAILABLE' // the service has no controller / trace support
  | 'ERR_ADMIN_INTERNAL';

export type AdminResponse<T> =
  { ok: true; result: T } | { ok: false; error: { code: AdminErrorCode; message: string } };

/** A tier's figures as the admin API reports them (the histogram is left out). */
export type TierStatus = Omit<TierStats, 'liveHist'>;

export interface ControllerStatusReport {
  status: ControllerStatus;
  params: ControllerParams;
  ticks: number;
  adjustments: { up: number; down: number };
  last: ControllerTick | null;
}

export interface TraceStatus {
  recording: boolean;
  events: number;
  startedAt: string | null;
  maxSeconds: number | null;
}

/** GET /v1/status */
export interface StatusReport {
  version: string;
  memkindVersion: string;
  backend: Record<Tier, BackendInfo>;
  policy: ExhaustionPolicy;
  threshold: number;
  /** DRAM share of live bytes, 0-1; null when nothing is live. */
  dramShare: number | null;
  /** null when the service runs without a controller. */
  targetShare: number | null;
  tiers: Record<Tier, TierStatus>;
  controller: ControllerStatusReport | null;
  trace: TraceStatus;
  numa: NumaNode[];
  uptimeSeconds: number;
  endpoints: { metrics: string | null; store: string | null };
  /** The store engine's reads and migration (null when the service runs no store). */
  store: StoreStatusReport | null;
}

/** Counters since start (or CONFIG RESETSTAT); deltas between two reports give rates. */
export interface StoreStatusReport {
  /** Key reads served, by the tier the value was read from. */
  reads: Record<Tier, number>;
  /** Values the migrator moved, by destination tier. */
  migrated: Record<Tier, { bytes: number; values: number }>;
  /** The migrator's budget (tier-migrate-rate, bytes/s; 0 = off) and its rate over the last second. */
  migrateRate: { limit: number; current: number };
  evictedKeys: number;
}

/** GET /v1/stats: the allocator's stats with typed arrays as plain arrays and NaN as null. */
export interface StatsReport {
  threshold: number;
  dramShare: number | null;
  tiers: Record<Tier, TierStatus & { liveHist: number[] }>;
  flowBytes: number[];
  flowCount: number[];
}

export type InfoReport = AllocatorInfo;

/** POST /v1/trace/stop */
export interface TraceResult {
  events: number;
  bytes: number;
  seconds: number;
  /** base64 of the trace file */ trace: string;
}

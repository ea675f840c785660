// The shapes the service face needs from the controller, the trace recorder and the store
// engine. They are structural so that those modules satisfy them without importing this file,
// and so the metrics, admin API and CLI can be tested against any object that fits.

import type { Tier, TraceSink } from '../types.js';
import type { StoreComposition } from '../store/composition.js';
import type { MemoryProfile } from '../store/memprofile.js';

/** The last BGSAVE STAT_MEMORY's profile and whether one is running (null: no persistence). */
export interface ProfileReport {
  running: boolean;
  profile: MemoryProfile | null;
}

// The controller's own types: one definition, shared.
export type { ControllerParams, ControllerStatus, ControllerTick } from '../controller/index.js';
import type { ControllerParams, ControllerStatus, ControllerTick } from '../controller/index.js';
export const CONTROLLER_STATUSES: readonly ControllerStatus[] = ['on-target', 'converging', 'unreachable', 'paused'];

export interface ControllerPort {
  readonly status: ControllerStatus;
  readonly params: Readonly<ControllerParams>;
  readonly ticks: number;
  readonly adjustments: { readonly up: number; readonly down: number };
  readonly last: ControllerTick | null;
  /** Validates everything first; throws ERR_TIERMEM_INVALID_ARG and changes nothing on bad values. */
  set(params: Partial<ControllerParams>): void;
  pause(): void;
  resume(): void;
  stop(): void;
}

/** A trace recorder: a sink for allocation events that encodes them into the trace format. */
export interface TraceRecorderPort extends TraceSink {
  finish(): Uint8Array;
  readonly events: number;
}

export interface StorePort {
  close(): Promise<void>;
  readonly address: { host?: string; address?: string; port: number } | string | null;
  composition?(): StoreComposition;
  /** The store's migrator, as the controller's second actuator (src/controller/live.ts). */
  migrate?(bytes: number, to: Tier): number;
  /** BGSAVE STAT_MEMORY's last profile (null: the store does not persist). */
  memoryProfile?(): ProfileReport | null;
  /** Start a BGSAVE STAT_MEMORY (as the command): 'busy' when a save runs, or why it failed. */
  startProfile?(): 'started' | 'busy' | 'unavailable' | { error: string };
}

// The running service: allocator + controller + store engine + metrics endpoint + admin API,
// started in that order (the admin API last, so a CLI that can connect sees everything up) and
// closed in reverse.

import { changeLogger, type ChangeLog } from './change-log.js';
import type { Allocator, AllocatorInfo, AllocatorOptions, Tier } from '../types.js';
import { shareToRatio } from '../units.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import { startMetricsServer } from '../metrics/server.js';
import type { MetricsServer } from '../metrics/server.js';
import { createRoutes } from '../admin/handlers.js';
import { claimSocketPath, startAdminServer } from '../admin/server.js';
import type { AdminServer } from '../admin/server.js';
import { TraceSession } from '../admin/trace-session.js';
import type { ServiceConfig, StorePersistenceConfig } from './config.js';
import type { AofOptions } from '../store/aof.js';
import type { ConfigFileRef, StartupSetting } from '../store/conf-file.js';
import type { ControllerParams, ControllerPort, StorePort, TraceRecorderPort } from './ports.js';

/** The parts the service is made of; injectable so tests can swap any of them. */
export interface ServiceDeps {
  createAllocator(options: AllocatorOptions): Allocator;
  /** `migrate`: the store's migrator, bound once the store has started (the second actuator). */
  attachController?: (
    allocator: Allocator,
    params?: Partial<ControllerParams>,
    migrate?: (bytes: number, to: Tier) => number,
  ) => ControllerPort;
  createTraceRecorder?: () => TraceRecorderPort;
  startStore?: (opts: {
    allocator: Allocator;
    host: string;
    port: number;
    controller: ControllerPort | null;
    /** Where CONFIG SET logs run-time changes. */
    changes?: ChangeLog;
    requirepass?: string;
    protectedMode?: boolean;
    persistence?: StorePersistenceConfig;
    log?: (line: string) => void;
    onShutdown?: () => void;
    /** The append-only file (appendonly yes). */
    aof?: AofOptions;
    /** CONFIG parameters to apply before loading and listening (config file, flags). */
    settings?: readonly StartupSetting[];
    /** The redis.conf-style file CONFIG REWRITE writes. */
    configFile?: ConfigFileRef | null;
  }) => Promise<StorePort>;
}

export interface Service {
  readonly allocator: Allocator;
  readonly controller: ControllerPort | null;
  readonly metrics: MetricsServer | null;
  readonly admin: AdminServer;
  readonly store: StorePort | null;
  close(): Promise<void>;
}

/** One line per tier that says plainly whether the PMem tier is real or emulated. */
export function describeBackend(info: AllocatorInfo): string[] {
  const nodes = (n: number[]) => (n.length ? `NUMA node${n.length > 1 ? 's' : ''} ${n.join(',')}` : 'nodes unknown');
  const p = info.pmem;
  // The backend's own description says which device and why; make sure "EMULATED" is unmissable.
  let pmemLine = p.description || `PMem tier: ${p.kind} (${p.source}) on ${nodes(p.nodes)}`;
  if (p.emulated && !pmemLine.includes('EMULATED')) pmemLine += ' [EMULATED: no persistent memory in use]';
  if (p.emulated) pmemLine += '; placement and accounting are real, PMem latency is not';
  return [
    `tiermem ${info.version} (memkind ${info.memkindVersion}), exhaustion policy ${info.policy}`,
    `DRAM tier: ${info.dram.kind} on ${nodes(info.dram.nodes)}`,
    pmemLine,
  ];
}

export async function startService(
  config: ServiceConfig,
  deps: ServiceDeps,
  log: (line: string) => void = () => {},
  /** Called when a client's SHUTDOWN has saved: default, the store only closes itself. */
  onStoreShutdown?: () => void,
): Promise<Service> {
  const cleanups: Array<() => unknown> = [];
  const unwind = async (): Promise<void> => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        /* keep closing the rest */
      }
    }
    cleanups.length = 0;
  };

  try {
    if ('socketPath' in config.admin) await claimSocketPath(config.admin.socketPath);
    const a = config.allocator;
    const allocator = deps.createAllocator({
      pmem: a.pmem,
      dram: a.dram,
      threshold: a.threshold,
      limits: a.limits,
      policy: a.policy,
    });
    cleanups.push(() => allocator.close());
    for (const line of describeBackend(allocator.info())) log(line);

    let controller: ControllerPort | null = null;
    let store: StorePort | null = null;
    if (config.controller.enabled) {
      if (!deps.attachController) throw new Error('this build has no controller; start with the controller disabled');
      controller = deps.attachController(
        allocator,
        config.controller.params,
        (bytes, to) => store?.migrate?.(bytes, to) ?? 0,
      );
      cleanups.push(() => controller?.stop());
      const p = controller.params;
      log(
        `controller: target DRAM:PMem ${shareToRatio(p.targetShare)} (DRAM share ${(p.targetShare * 100).toFixed(1)}%), period ${p.periodMs} ms, threshold bounds ${p.minThreshold}-${p.maxThreshold} B`,
      );
    } else {
      log(`controller: off; threshold fixed at ${allocator.threshold} B`);
    }

    if (config.store.enabled && deps.startStore) {
      store = await deps.startStore({
        allocator,
        host: config.store.host,
        port: config.store.port,
        controller,
        changes: changeLogger(log),
        requirepass: config.store.requirepass,
        protectedMode: config.store.protectedMode,
        persistence: config.store.persistence,
        log,
        ...(onStoreShutdown ? { onShutdown: onStoreShutdown } : {}),
        aof: config.store.aof,
        settings: config.store.settings,
        configFile: config.store.configFile,
      });
      const s = store;
      cleanups.push(() => s.close());
      // The password itself is never logged; only whether there is one.
      const auth = config.store.requirepass ? 'password required' : 'no password';
      log(`store engine (Redis protocol): ${formatAddress(store.address, config.store.host)} (${auth})`);
    } else if (config.store.enabled) {
      log('store engine: not available in this build');
    }

    let metrics: MetricsServer | null = null;
    if (config.metrics.enabled) {
      const s = store;
      const composition = s?.composition ? () => s.composition?.() ?? null : undefined;
      const memoryProfile = s?.memoryProfile ? () => s.memoryProfile?.() ?? null : undefined;
      const registry = createMetricsRegistry(
        {
          allocator,
          controller: () => controller,
          ...(composition ? { composition } : {}),
          ...(memoryProfile ? { memoryProfile } : {}),
        },
        { processMetrics: config.metrics.processMetrics },
      );
      metrics = await startMetricsServer({ registry, host: config.metrics.host, port: config.metrics.port });
      const m = metrics;
      cleanups.push(() => m.close());
      log(`metrics: ${metrics.url}`);
    }

    const traces = new TraceSession(allocator, deps.createTraceRecorder ?? null, log);
    cleanups.push(() => {
      traces.stop();
    });
    const storeAddr = store ? formatAddress(store.address, config.store.host) : null;
    const routes = createRoutes({
      allocator,
      controller,
      traces,
      changes: changeLogger(log),
      startedAt: Date.now(),
      endpoints: () => ({ metrics: metrics?.url ?? null, store: storeAddr }),
      profile: {
        read: () => store?.memoryProfile?.() ?? null,
        start: () => store?.startProfile?.() ?? 'unavailable',
      },
      store: () => {
        const c = store?.composition?.();
        return c
          ? { reads: c.reads, migrated: c.migrated, migrateRate: c.migrateRate, evictedKeys: c.evictedKeys }
          : null;
      },
    });
    const admin = await startAdminServer(routes, config.admin);
    cleanups.push(() => admin.close());
    log(`admin API: ${admin.address}`);

    let closing: Promise<void> | null = null;
    return {
      allocator,
      controller,
      metrics,
      admin,
      store,
      close: () => (closing ??= unwind()),
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}

function formatAddress(addr: StorePort['address'], host: string): string {
  if (addr === null) return 'unknown address';
  if (typeof addr === 'string') return addr;
  return `redis://${addr.host ?? addr.address ?? host}:${addr.port}`;
}

// The Prometheus view of one allocator: a prom-client Registry whose metrics all read one stats
// snapshot inside collect() at scrape time. Nothing here runs on the allocation path.

import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { CATEGORIES, TIERS } from '../types.js';
import type { Allocator, AllocatorInfo, AllocatorStats, ExhaustionPolicy, Tier } from '../types.js';
import { CONTROLLER_STATUSES } from '../service/ports.js';
import type { ControllerParams, ControllerPort, ControllerStatus, ProfileReport } from '../service/ports.js';
import { readNodeMemory } from '../numa.js';
import type { NodeMemory } from '../numa.js';
import { ScrapeSnapshot } from './snapshot.js';
import type { StoreComposition } from '../store/composition.js';
import { STORE_PARTS, TYPE_PARTS } from '../store/memprofile.js';
import { DATA_TYPES } from '../store/data/types.js';

export const METRIC_PREFIX = 'tiermem_';

export interface MetricsSources {
  allocator: Allocator;
  /** The live controller, if any; a getter because the service may attach it after the registry. */
  controller?: () => ControllerPort | null;
  /** The store engine's memory composition (kept incrementally by the store; read once per scrape). */
  composition?: () => StoreComposition | null;
  /** The last BGSAVE STAT_MEMORY's profile (null: the store does not persist). */
  memoryProfile?: () => ProfileReport | null;
}

export interface MetricsOptions {
  /** Also export prom-client's default process and Node.js metrics (prefixed tiermem_). */
  processMetrics?: boolean;
  /** sysfs node directory; tests point it elsewhere. */
  sysfsNodes?: string;
}

/** Everything one scrape reports, read once. */
interface Reading {
  stats: AllocatorStats;
  policy: ExhaustionPolicy;
  controller: {
    status: ControllerStatus;
    params: ControllerParams;
    ticks: number;
    up: number;
    down: number;
  } | null;
  nodes: Array<{ tier: Tier; mem: NodeMemory }>;
  composition: StoreComposition | null;
  profile: ProfileReport | null;
}

type Labels<L extends string> = Partial<Record<L, string | number>>;
type Emit<L extends string> = (labels: Labels<L>, value: number) => void;

/**
 * prom-client gives a label-less metric a value of 0 after reset(); a metric with nothing to report
 * (no controller, allocator closed) must have no sample at all rather than a false 0.
 */
function dropDefault(metric: Gauge | Counter): void {
  (metric as unknown as { hashMap: Record<string, unknown> }).hashMap = {};
}

export function createMetricsRegistry(src: MetricsSources, opts: MetricsOptions = {}): Registry {
  const { allocator } = src;
  // Backend facts do not change while the allocator lives: read them once.
  const info: AllocatorInfo = allocator.info();
  const tierNodes: Array<{ tier: Tier; node: number }> = [];
  for (const tier of TIERS) {
    for (const node of info[tier].nodes) tierNodes.push({ tier, node });
  }

  const snapshot = new ScrapeSnapshot<Reading>(() => {
    if (allocator.closed) return null;
    const c = src.controller?.() ?? null;
    const nodeCache = new Map<number, NodeMemory | null>();
    const nodes: Reading['nodes'] = [];
    for (const { tier, node } of tierNodes) {
      if (!nodeCache.has(node)) nodeCache.set(node, readNodeMemory(node, opts.sysfsNodes) ?? fromInfo(node));
      const mem = nodeCache.get(node);
      if (mem) nodes.push({ tier, mem });
    }
    return {
      stats: allocator.stats(),
      policy: allocator.policy,
      controller: c && {
        status: c.status,
        params: { ...c.params },
        ticks: c.ticks,
        up: c.adjustments.up,
        down: c.adjustments.down,
      },
      nodes,
      composition: src.composition?.() ?? null,
      profile: src.memoryProfile?.() ?? null,
    };
  });

  // sysfs is the source; the allocator's own NUMA reading is the fallback (e.g. no sysfs in a container).
  function fromInfo(node: number): NodeMemory | null {
    const n = allocator.info().numa.find((x) => x.node === node);
    return n ? { node, totalBytes: n.totalBytes, freeBytes: n.freeBytes } : null;
  }

  const registry = new Registry();

  // Every metric is filled at scrape time from the one snapshot; a metric with nothing to
  // report loses its default sample rather than showing a false 0. Counters carry the native
  // cumulative figures out (reset, then inc by the total), gauges set them.
  function metric<L extends string>(
    kind: 'gauge' | 'counter',
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (r: Reading, emit: Emit<L>) => void,
  ): void {
    const config = { name: METRIC_PREFIX + name, help, labelNames, registers: [registry] };
    if (kind === 'gauge') {
      new Gauge<L>({
        ...config,
        collect() {
          collectInto(this, (labels, v) => this.set(labels, v));
        },
      });
    } else {
      new Counter<L>({
        ...config,
        collect() {
          collectInto(this, (labels, v) => this.inc(labels, v));
        },
      });
    }
    function collectInto(m: Gauge<L> | Counter<L>, put: Emit<L>): void {
      m.reset();
      let n = 0;
      const r = snapshot.get();
      if (r)
        fill(r, (labels, v) => {
          n++;
          put(labels, v);
        });
      if (n === 0) dropDefault(m);
    }
  }
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (r: Reading, emit: Emit<L>) => void,
  ): void => metric('gauge', name, help, labelNames, fill);
  const counter = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (r: Reading, emit: Emit<L>) => void,
  ): void => metric('counter', name, help, labelNames, fill);

  const perTier = (fill: (r: Reading, tier: Tier) => number) => (r: Reading, emit: Emit<'tier'>) => {
    for (const tier of TIERS) emit({ tier }, fill(r, tier));
  };
  const perCell =
    (field: 'liveBytes' | 'liveCount' | 'allocs' | 'frees') => (r: Reading, emit: Emit<'tier' | 'category'>) => {
      for (const tier of TIERS) {
        for (const category of CATEGORIES) emit({ tier, category }, r.stats.tiers[tier].byCategory[category][field]);
      }
    };

  gauge(
    'build_info',
    'tiermem build: version of tiermem and of memkind; value 1.',
    ['version', 'memkind_version'],
    (_r, emit) => {
      emit({ version: info.version, memkind_version: info.memkindVersion }, 1);
    },
  );
  gauge(
    'backend_info',
    'Backend of each tier: memkind kind, how it was chosen, whether it is emulated; value 1.',
    ['tier', 'kind', 'source', 'emulated'],
    (_r, emit) => {
      for (const tier of TIERS) {
        const b = info[tier];
        emit({ tier, kind: b.kind, source: b.source, emulated: String(b.emulated) }, 1);
      }
    },
  );
  gauge(
    'exhaustion_policy_info',
    'Policy when a tier is full or at its limit (spill or strict); value 1.',
    ['policy'],
    (r, emit) => {
      emit({ policy: r.policy }, 1);
    },
  );

  gauge('live_bytes', 'Live usable bytes per tier and category.', ['tier', 'category'], perCell('liveBytes'));
  gauge('live_allocations', 'Live allocations per tier and category.', ['tier', 'category'], perCell('liveCount'));
  counter('allocations_total', 'Allocations served per tier and category.', ['tier', 'category'], perCell('allocs'));
  counter('frees_total', 'Frees per tier and category.', ['tier', 'category'], perCell('frees'));
  counter(
    'allocation_failures_total',
    'Allocations no allowed tier could serve, by requested tier.',
    ['tier'],
    perTier((r, t) => r.stats.tiers[t].failures),
  );
  counter(
    'allocation_fallbacks_total',
    'Allocations that wanted this tier but were served by the other (policy spill).',
    ['tier'],
    perTier((r, t) => r.stats.tiers[t].fallbacks),
  );
  counter(
    'forced_allocated_bytes_total',
    'Usable bytes placed on this tier explicitly (zmallocDram/zmallocPmem; client and I/O buffers not counted).',
    ['tier'],
    perTier((r, t) => r.stats.tiers[t].forcedBytes),
  );
  gauge(
    'tier_limit_bytes',
    'Byte limit on live usable bytes per tier; 0 means no limit.',
    ['tier'],
    perTier((r, t) => r.stats.tiers[t].limit),
  );

  gauge('threshold_bytes', 'Routing threshold: allocations smaller than this go to DRAM.', [], (r, emit) => {
    emit({}, r.stats.threshold);
  });
  gauge('dram_share_ratio', 'DRAM share of all live bytes, 0-1 (NaN when nothing is live).', [], (r, emit) => {
    emit({}, r.stats.dramShare);
  });
  gauge('target_dram_share_ratio', 'DRAM share the controller aims for, 0-1.', [], (r, emit) => {
    if (r.controller) emit({}, r.controller.params.targetShare);
  });
  gauge('controller_min_threshold_bytes', 'Lower bound of the threshold the controller may set.', [], (r, emit) => {
    if (r.controller) emit({}, r.controller.params.minThreshold);
  });
  gauge('controller_max_threshold_bytes', 'Upper bound of the threshold the controller may set.', [], (r, emit) => {
    if (r.controller) emit({}, r.controller.params.maxThreshold);
  });
  gauge('controller_period_seconds', 'Controller tick period.', [], (r, emit) => {
    if (r.controller) emit({}, r.controller.params.periodMs / 1000);
  });
  counter('controller_ticks_total', 'Controller ticks run.', [], (r, emit) => {
    if (r.controller) emit({}, r.controller.ticks);
  });
  counter(
    'controller_adjustments_total',
    'Threshold moves made by the controller, by direction.',
    ['direction'],
    (r, emit) => {
      if (!r.controller) return;
      emit({ direction: 'up' }, r.controller.up);
      emit({ direction: 'down' }, r.controller.down);
    },
  );
  gauge(
    'controller_status',
    'Controller status: 1 for the current one of on-target, converging, unreachable, paused.',
    ['status'],
    (r, emit) => {
      if (!r.controller) return;
      for (const s of CONTROLLER_STATUSES) emit({ status: s }, r.controller.status === s ? 1 : 0);
    },
  );

  gauge('numa_node_total_bytes', 'Total memory of each NUMA node a tier uses (sysfs).', ['tier', 'node'], (r, emit) => {
    for (const { tier, mem } of r.nodes) emit({ tier, node: mem.node }, mem.totalBytes);
  });
  gauge('numa_node_free_bytes', 'Free memory of each NUMA node a tier uses (sysfs).', ['tier', 'node'], (r, emit) => {
    for (const { tier, mem } of r.nodes) emit({ tier, node: mem.node }, mem.freeBytes);
  });

  if (src.composition) {
    const types = (r: Reading) => Object.entries(r.composition?.types ?? {});
    gauge('store_keys', 'Live store keys per data type.', ['type'], (r, emit) => {
      for (const [type, c] of types(r)) emit({ type }, c.keys);
    });
    gauge('store_value_bytes', 'Usable bytes of store values per data type and tier.', ['type', 'tier'], (r, emit) => {
      for (const [type, c] of types(r)) for (const tier of TIERS) emit({ type, tier }, c.tiers[tier].bytes);
    });
    gauge(
      'store_value_allocations',
      'Live value allocations per store data type and tier.',
      ['type', 'tier'],
      (r, emit) => {
        for (const [type, c] of types(r)) for (const tier of TIERS) emit({ type, tier }, c.tiers[tier].allocations);
      },
    );
    gauge(
      'store_key_bytes',
      "Usable bytes of the keys' entry blocks (pinned to DRAM), per data type.",
      ['type'],
      (r, emit) => {
        for (const [type, c] of types(r)) emit({ type }, c.keyBytes);
      },
    );
    gauge(
      'store_metadata_bytes',
      'Usable bytes of collection structure (nodes, member tables; pinned to DRAM), per data type.',
      ['type'],
      (r, emit) => {
        for (const [type, c] of types(r)) emit({ type }, c.metadataBytes);
      },
    );
    gauge('store_client_buffer_bytes', 'Bytes waiting in client query and output buffers.', ['buffer'], (r, emit) => {
      if (!r.composition) return;
      emit({ buffer: 'query' }, r.composition.clientBuffers.query);
      emit({ buffer: 'output' }, r.composition.clientBuffers.output);
    });
    gauge('store_clients', 'Connected store clients.', [], (r, emit) => {
      if (r.composition) emit({}, r.composition.clientBuffers.clients);
    });
    counter(
      'store_value_reads_total',
      'Key reads served, by the tier the value was read from (since start or CONFIG RESETSTAT).',
      ['tier'],
      (r, emit) => {
        if (r.composition) for (const tier of TIERS) emit({ tier }, r.composition.reads[tier]);
      },
    );
    counter(
      'store_migrated_bytes_total',
      'Value bytes the migrator moved, by destination tier.',
      ['tier'],
      (r, emit) => {
        if (r.composition) for (const tier of TIERS) emit({ tier }, r.composition.migrated[tier].bytes);
      },
    );
    counter('store_migrated_values_total', 'Values the migrator moved, by destination tier.', ['tier'], (r, emit) => {
      if (r.composition) for (const tier of TIERS) emit({ tier }, r.composition.migrated[tier].values);
    });
    gauge('store_migrate_rate_bytes', 'Migration rate over the last second, bytes/s.', [], (r, emit) => {
      if (r.composition) emit({}, r.composition.migrateRate.current);
    });
    gauge(
      'store_migrate_rate_limit_bytes',
      'Migration byte-rate budget (tier-migrate-rate), bytes/s.',
      [],
      (r, emit) => {
        if (r.composition) emit({}, r.composition.migrateRate.limit);
      },
    );
    counter('store_evicted_keys_total', 'Keys evicted for maxmemory.', [], (r, emit) => {
      if (r.composition) emit({}, r.composition.evictedKeys);
    });
    counter(
      'internal_errors_total',
      'Internal failures of the store (engine or control plane), each ending one command with an INTERNAL error.',
      [],
      (r, emit) => {
        if (r.composition) emit({}, r.composition.internalErrors);
      },
    );
  }

  if (src.memoryProfile) {
    // BGSAVE STAT_MEMORY (src/store/memprofile.ts): no samples until the first profile.
    gauge(
      'memory_profile_bytes',
      'Usable bytes at the cut of the last BGSAVE STAT_MEMORY: per data type and tier its values, keys and ' +
        'metadata; type "store": keyspace, expires, client_buffers, aof_buffer, lazyfree, other.',
      ['type', 'tier', 'part'],
      (r, emit) => {
        const p = r.profile?.profile;
        if (!p) return;
        for (const type of DATA_TYPES)
          for (const tier of TIERS)
            for (const part of TYPE_PARTS) emit({ type, tier, part }, p.types[type][tier].bytes[part]);
        for (const part of STORE_PARTS)
          for (const tier of TIERS) emit({ type: 'store', tier, part }, p.store[part][tier]);
      },
    );
    gauge(
      'memory_profile_keys',
      'Keys at the cut of the last BGSAVE STAT_MEMORY, per data type and the tier of their value.',
      ['type', 'tier'],
      (r, emit) => {
        const p = r.profile?.profile;
        if (p) for (const type of DATA_TYPES) for (const tier of TIERS) emit({ type, tier }, p.types[type][tier].keys);
      },
    );
    gauge(
      'memory_profile_timestamp_seconds',
      'When the last BGSAVE STAT_MEMORY took its cut (unix seconds).',
      [],
      (r, emit) => {
        const p = r.profile?.profile;
        if (p) emit({}, p.cutMs / 1000);
      },
    );
    gauge('memory_profile_running', 'Whether a BGSAVE STAT_MEMORY is under way (1) or not (0).', [], (r, emit) => {
      if (r.profile) emit({}, r.profile.running ? 1 : 0);
    });
  }

  if (opts.processMetrics) {
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
    // prom-client's handle/request/resource totals are gauges named *_total, which breaks the
    // naming rules (promtool complains); the per-type gauges without the suffix carry the same.
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ]) {
      registry.removeSingleMetric(METRIC_PREFIX + name);
    }
  }
  return registry;
}

// INFO: server, clients, memory, persistence, stats, tiering, commandstats and keyspace sections.
// Everything comes from counters (allocator stats, the engine's counters): no keyspace walk.

import { CATEGORIES } from '../../types.js';
import { formatBytes, shareToRatio } from '../../units.js';
import type { JsCtx } from '../control.js';
import { DATA_TYPES } from '../data/types.js';
import type { StoreHost } from '../host.js';
import type { NativeStoreInfo } from '../../native.js';

/** The Redis version whose protocol and semantics the store follows (as the engine's HELLO). */
export const REDIS_COMPAT_VERSION = '7.0.15';

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'tiering', 'keyspace'];
const ALL_SECTIONS = [...DEFAULT_SECTIONS.slice(0, 6), 'commandstats', 'keyspace'];

function human(n: number): string {
  return formatBytes(n)
    .replace(' ', '')
    .replace('iB', '')
    .replace(/^(\d+)B$/, '$1B');
}

function share(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : '';
}

interface Source {
  host: StoreHost;
  info: NativeStoreInfo;
}

function server({ host }: Source): string[] {
  const up = Math.floor((Date.now() - host.startedAt) / 1000);
  return [
    `redis_version:${REDIS_COMPAT_VERSION}`,
    `tiermem_version:${host.allocatorInfo.version}`,
    'redis_mode:standalone',
    `os:${process.platform} ${process.arch}`,
    'arch_bits:64',
    `process_id:${process.pid}`,
    `tcp_port:${host.port}`,
    `uptime_in_seconds:${up}`,
    `uptime_in_days:${Math.floor(up / 86400)}`,
    'hz:10',
    `executable:${process.execPath}`,
    `node_version:${process.version}`,
  ];
}

function clients({ host, info }: Source): string[] {
  let maxOut = 0;
  for (const c of host.clients.values()) maxOut = Math.max(maxOut, c.backlog());
  return [
    `connected_clients:${info.clients}`,
    `client_recent_max_output_buffer:${maxOut}`,
    'blocked_clients:0',
    'maxclients:10000',
  ];
}

function memory({ host, info }: Source): string[] {
  const s = host.alloc.stats();
  const used = host.usedBytes();
  const comp = host.composition(info);
  const mu = process.memoryUsage();
  const ctl = host.controller;
  const target = ctl ? ctl.params.targetShare : NaN;
  const ai = host.allocatorInfo;
  return [
    `used_memory:${used}`,
    `used_memory_human:${human(used)}`,
    `used_memory_dram:${s.tiers.dram.liveBytes}`,
    `used_memory_dram_human:${human(s.tiers.dram.liveBytes)}`,
    `used_memory_pmem:${s.tiers.pmem.liveBytes}`,
    `used_memory_pmem_human:${human(s.tiers.pmem.liveBytes)}`,
    `used_memory_peak:${host.peakBytes}`,
    `used_memory_startup:${host.baselineBytes}`,
    `used_memory_dataset:${comp.valueBytes.dram + comp.valueBytes.pmem}`,
    `used_memory_dataset_dram:${comp.valueBytes.dram}`,
    `used_memory_dataset_pmem:${comp.valueBytes.pmem}`,
    `used_memory_keys:${comp.keyBytes}`,
    `used_memory_metadata:${comp.metadataBytes}`,
    `used_memory_clients:${comp.clientBuffers.query + comp.clientBuffers.output}`,
    `used_memory_rss:${mu.rss}`,
    // The Node runtime itself is outside tiermem's accounting: said separately.
    `used_memory_runtime_heap:${mu.heapUsed}`,
    `pmem_threshold:${host.alloc.threshold}`,
    `dram_share:${share(s.dramShare)}`,
    `dram_share_target:${share(target)}`,
    `dram_pmem_ratio:${Number.isFinite(s.dramShare) ? shareToRatio(s.dramShare) : ''}`,
    `dram_pmem_ratio_target:${ctl ? shareToRatio(target) : ''}`,
    `mem_allocator:tiermem-${ai.version} (memkind ${ai.memkindVersion})`,
    `lazyfree_pending_objects:${info.lazyfreePending}`,
    'maxmemory:0',
    'maxmemory_policy:noeviction',
  ];
}

function stats({ host, info }: Source): string[] {
  const st = host.stats(info);
  return [
    `total_connections_received:${st.connections}`,
    `total_commands_processed:${st.commands}`,
    `total_net_input_bytes:${st.netInput}`,
    `total_net_output_bytes:${st.netOutput}`,
    `rejected_connections:${st.rejectedConnections}`,
    `client_buffer_limit_disconnections:${st.bufferLimitDisconnects}`,
    `expired_keys:${info.expiredKeys}`,
    `evicted_keys:${info.evictedKeys}`,
    `keyspace_hits:${info.keyspaceHits}`,
    `keyspace_misses:${info.keyspaceMisses}`,
    `total_error_replies:${info.errorReplies}`,
    `lazyfreed_objects:${info.lazyfreedObjects}`,
  ];
}

function tiering({ host, info }: Source): string[] {
  const s = host.alloc.stats();
  const ctl = host.controller;
  const ai = host.allocatorInfo;
  const comp = host.composition(info);
  const lines = [
    `memory_alloc_policy:${ctl && ctl.status !== 'paused' ? 'ratio' : 'threshold'}`,
    `controller_status:${ctl ? ctl.status : 'none'}`,
    `pmem_threshold:${host.alloc.threshold}`,
    `dynamic_threshold_min:${ctl ? ctl.params.minThreshold : ''}`,
    `dynamic_threshold_max:${ctl ? ctl.params.maxThreshold : ''}`,
    `tier_policy:${host.alloc.policy}`,
    `dram_limit:${s.tiers.dram.limit}`,
    `pmem_limit:${s.tiers.pmem.limit}`,
    `dram_fallbacks:${s.tiers.dram.fallbacks}`,
    `pmem_fallbacks:${s.tiers.pmem.fallbacks}`,
    `alloc_failures:${s.tiers.dram.failures + s.tiers.pmem.failures}`,
    `store_oom_errors:${info.oom}`,
    `dram_kind:${ai.dram.kind}`,
    `pmem_kind:${ai.pmem.kind}`,
    `pmem_emulated:${ai.pmem.emulated ? 1 : 0}`,
  ];
  for (const name of DATA_TYPES) {
    const t = comp.types[name];
    lines.push(
      `type_${name}:keys=${t.keys},dram_bytes=${t.tiers.dram.bytes},pmem_bytes=${t.tiers.pmem.bytes},` +
        `dram_values=${t.tiers.dram.allocations},pmem_values=${t.tiers.pmem.allocations},` +
        `key_bytes=${t.keyBytes},metadata_bytes=${t.metadataBytes}`,
    );
  }
  for (const cat of CATEGORIES) {
    lines.push(
      `category_${cat}:dram=${s.tiers.dram.byCategory[cat].liveBytes},pmem=${s.tiers.pmem.byCategory[cat].liveBytes}`,
    );
  }
  return lines;
}

function commandstats({ info }: Source): string[] {
  return info.commandStats.map(
    (c) =>
      `cmdstat_${c.name}:calls=${c.calls},usec=${c.usec},usec_per_call=${(c.calls ? c.usec / c.calls : 0).toFixed(2)},` +
      `rejected_calls=${c.rejected},failed_calls=${c.failed}`,
  );
}

function keyspace({ info }: Source): string[] {
  const lines: string[] = [];
  for (let d = 0; d < info.databases; d++) {
    const keys = info.dbs[2 * d]!;
    if (keys > 0) lines.push(`db${d}:keys=${keys},expires=${info.dbs[2 * d + 1]!},avg_ttl=0`);
  }
  return lines;
}

const SECTIONS: Record<string, [string, (s: Source) => string[]]> = {
  server: ['Server', server],
  clients: ['Clients', clients],
  memory: ['Memory', memory],
  persistence: ['Persistence', () => ['loading:0', 'rdb_changes_since_last_save:0', 'aof_enabled:0']],
  stats: ['Stats', stats],
  tiering: ['Tiering', tiering],
  commandstats: ['Commandstats', commandstats],
  keyspace: ['Keyspace', keyspace],
};

/** The INFO text for the named sections (default set if none). */
export function infoText(host: StoreHost, wanted: readonly string[]): string {
  let names = wanted.length === 0 ? DEFAULT_SECTIONS : wanted.map((w) => w.toLowerCase());
  if (names.some((n) => n === 'default')) names = DEFAULT_SECTIONS;
  if (names.some((n) => n === 'all' || n === 'everything')) names = ALL_SECTIONS;
  const src: Source = { host, info: host.info() };
  const parts: string[] = [];
  for (const n of ALL_SECTIONS) {
    if (!names.includes(n)) continue;
    const [title, fn] = SECTIONS[n]!;
    parts.push([`# ${title}`, ...fn(src)].join('\r\n') + '\r\n');
  }
  return parts.join('\r\n');
}

export function info(c: JsCtx): void {
  const wanted: string[] = [];
  for (let i = 1; i < c.args.argc; i++) wanted.push(c.args.str(i));
  c.out.bulkText(infoText(c.host, wanted));
}

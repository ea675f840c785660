// INFO: server, clients, memory, persistence, stats, tiering and keyspace sections. Everything
// comes from counters (allocator stats, the composition, engine stats): no keyspace walk.

import { CATEGORIES } from '../../types.js';
import { formatBytes, shareToRatio } from '../../units.js';
import { DATA_TYPES } from '../data/types.js';
import type { StoreEngine } from '../engine.js';
import type { Ctx } from './context.js';
import { REDIS_COMPAT_VERSION } from './connection.js';
import { command, NO_KEYS, type CommandSpec } from './spec.js';

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'tiering', 'keyspace'];

function human(n: number): string {
  return formatBytes(n).replace(' ', '').replace('iB', '').replace(/^(\d+)B$/, '$1B');
}

function share(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : '';
}

function server(e: StoreEngine): string[] {
  const up = Math.floor((Date.now() - e.startedAt) / 1000);
  return [
    `redis_version:${REDIS_COMPAT_VERSION}`,
    `tiermem_version:${e.allocatorInfo.version}`,
    'redis_mode:standalone',
    `os:${process.platform} ${process.arch}`,
    'arch_bits:64',
    `process_id:${process.pid}`,
    `tcp_port:${e.port}`,
    `uptime_in_seconds:${up}`,
    `uptime_in_days:${Math.floor(up / 86400)}`,
    'hz:10',
    `executable:${process.execPath}`,
    `node_version:${process.version}`,
  ];
}

function clients(e: StoreEngine): string[] {
  let maxIn = 0;
  let maxOut = 0;
  for (const c of e.clients.values()) {
    maxIn = Math.max(maxIn, c.parser.pendingBytes);
    maxOut = Math.max(maxOut, c.socket.writableLength);
  }
  return [
    `connected_clients:${e.clients.size}`,
    `client_recent_max_input_buffer:${maxIn}`,
    `client_recent_max_output_buffer:${maxOut}`,
    'blocked_clients:0',
    'maxclients:10000',
  ];
}

function memory(e: StoreEngine): string[] {
  const s = e.alloc.stats();
  const used = s.tiers.dram.liveBytes + s.tiers.pmem.liveBytes;
  if (used > e.peakBytes) e.peakBytes = used;
  const comp = e.composition();
  const mu = process.memoryUsage();
  const ctl = e.controller;
  const target = ctl ? ctl.params.targetShare : NaN;
  const info = e.allocatorInfo;
  return [
    `used_memory:${used}`,
    `used_memory_human:${human(used)}`,
    `used_memory_dram:${s.tiers.dram.liveBytes}`,
    `used_memory_dram_human:${human(s.tiers.dram.liveBytes)}`,
    `used_memory_pmem:${s.tiers.pmem.liveBytes}`,
    `used_memory_pmem_human:${human(s.tiers.pmem.liveBytes)}`,
    `used_memory_peak:${e.peakBytes}`,
    `used_memory_startup:${e.baselineBytes}`,
    `used_memory_dataset:${comp.valueBytes.dram + comp.valueBytes.pmem}`,
    `used_memory_dataset_dram:${comp.valueBytes.dram}`,
    `used_memory_dataset_pmem:${comp.valueBytes.pmem}`,
    `used_memory_keys_index:${comp.indexBytes}`,
    `used_memory_clients:${comp.clientBuffers.query + comp.clientBuffers.output}`,
    `used_memory_rss:${mu.rss}`,
    `used_memory_js_heap:${mu.heapUsed}`,
    `pmem_threshold:${e.alloc.threshold}`,
    `dram_share:${share(s.dramShare)}`,
    `dram_share_target:${share(target)}`,
    `dram_pmem_ratio:${Number.isFinite(s.dramShare) ? shareToRatio(s.dramShare) : ''}`,
    `dram_pmem_ratio_target:${ctl ? shareToRatio(target) : ''}`,
    `mem_allocator:tiermem-${info.version} (memkind ${info.memkindVersion})`,
    'maxmemory:0',
    'maxmemory_policy:noeviction',
  ];
}

function stats(e: StoreEngine): string[] {
  const st = e.stats;
  return [
    `total_connections_received:${st.connections}`,
    `total_commands_processed:${st.commands}`,
    `total_net_input_bytes:${st.netInput}`,
    `total_net_output_bytes:${st.netOutput}`,
    `rejected_connections:${st.rejectedConnections}`,
    `client_buffer_limit_disconnections:${st.bufferLimitDisconnects}`,
    `expired_keys:${e.ks.expiredKeys}`,
    `expire_cycles:${e.expiry.cycles}`,
    'evicted_keys:0',
    `keyspace_hits:${e.ks.hits}`,
    `keyspace_misses:${e.ks.misses}`,
    `total_error_replies:${e.errorReplies}`,
  ];
}

function tiering(e: StoreEngine): string[] {
  const s = e.alloc.stats();
  const ctl = e.controller;
  const info = e.allocatorInfo;
  const comp = e.comp;
  const lines = [
    `memory_alloc_policy:${ctl && ctl.status !== 'paused' ? 'ratio' : 'threshold'}`,
    `controller_status:${ctl ? ctl.status : 'none'}`,
    `pmem_threshold:${e.alloc.threshold}`,
    `dynamic_threshold_min:${ctl ? ctl.params.minThreshold : ''}`,
    `dynamic_threshold_max:${ctl ? ctl.params.maxThreshold : ''}`,
    `tier_policy:${e.alloc.policy}`,
    `dram_limit:${s.tiers.dram.limit}`,
    `pmem_limit:${s.tiers.pmem.limit}`,
    `dram_fallbacks:${s.tiers.dram.fallbacks}`,
    `pmem_fallbacks:${s.tiers.pmem.fallbacks}`,
    `alloc_failures:${s.tiers.dram.failures + s.tiers.pmem.failures}`,
    `dram_kind:${info.dram.kind}`,
    `pmem_kind:${info.pmem.kind}`,
    `pmem_emulated:${info.pmem.emulated ? 1 : 0}`,
  ];
  DATA_TYPES.forEach((name, t) => {
    lines.push(
      `type_${name}:keys=${comp.keys[t]},dram_bytes=${comp.bytes[t * 2]},pmem_bytes=${comp.bytes[t * 2 + 1]},` +
        `dram_values=${comp.allocations[t * 2]},pmem_values=${comp.allocations[t * 2 + 1]},index_bytes=${comp.indexBytes[t]}`,
    );
  });
  for (const cat of CATEGORIES) {
    lines.push(`category_${cat}:dram=${s.tiers.dram.byCategory[cat].liveBytes},pmem=${s.tiers.pmem.byCategory[cat].liveBytes}`);
  }
  return lines;
}

function keyspace(e: StoreEngine): string[] {
  return e.ks.size === 0 ? [] : [`db0:keys=${e.ks.size},expires=${e.ks.expiringCount},avg_ttl=0`];
}

const SECTIONS: Record<string, [string, (e: StoreEngine) => string[]]> = {
  server: ['Server', server],
  clients: ['Clients', clients],
  memory: ['Memory', memory],
  persistence: ['Persistence', () => ['loading:0', 'rdb_changes_since_last_save:0', 'aof_enabled:0']],
  stats: ['Stats', stats],
  tiering: ['Tiering', tiering],
  keyspace: ['Keyspace', keyspace],
};

/** The INFO text for the named sections (default set if none). */
export function infoText(e: StoreEngine, wanted: readonly string[]): string {
  let names = wanted.length === 0 ? DEFAULT_SECTIONS : wanted.map((w) => w.toLowerCase());
  if (names.some((n) => n === 'all' || n === 'everything' || n === 'default')) names = DEFAULT_SECTIONS;
  const parts: string[] = [];
  for (const n of DEFAULT_SECTIONS) {
    if (!names.includes(n)) continue;
    const [title, fn] = SECTIONS[n]!;
    parts.push([`# ${title}`, ...fn(e)].join('\r\n') + '\r\n');
  }
  return parts.join('\r\n');
}

function info(c: Ctx): void {
  const a = c.args;
  const wanted: string[] = [];
  for (let i = 1; i < a.argc; i++) wanted.push(a.str(i));
  c.out.bulkText(infoText(c.engine, wanted));
}

export const infoCommands: CommandSpec[] = [command('info', -1, 'loading stale', NO_KEYS, info)];

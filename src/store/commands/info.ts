// INFO: Redis 7.0's sections and fields (server, clients, memory, persistence, stats,
// replication, cpu, modules, commandstats, errorstats, latencystats, cluster, keyspace) plus the
// store's tiering section. Fields for what the store has are real; for what it has not (replication, scripting,
// forks) they are what Redis reports without it.
// Everything comes from counters (allocator stats, the engine's counters): no keyspace walk.

import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { CATEGORIES } from '../../types.js';
import { shareToRatio } from '../../units.js';
import { aofInfo, aofSizes } from '../aof.js';
import type { JsCtx } from '../control.js';
import { DATA_TYPES } from '../data/types.js';
import type { StoreHost } from '../host.js';
import { MAXMEMORY_POLICIES } from '../tiering.js';
import { profileInfoLines } from '../memprofile.js';
import type { NativeStoreInfo } from '../../native.js';

/** The Redis version whose protocol and semantics the store follows (as the engine's HELLO). */
export const REDIS_COMPAT_VERSION = '7.0.15';

// Redis 7.0's sections, in its order (the store's tiering section after CPU). "all" is all but
// modules; "default" also leaves out commandstats.
const EVERYTHING_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'tiering',
  'memoryprofile',
  'commandstats',
  'errorstats',
  'latencystats',
  'cluster',
  'keyspace',
];
const ALL_SECTIONS = EVERYTHING_SECTIONS.filter((n) => n !== 'modules');
const DEFAULT_SECTIONS = ALL_SECTIONS.filter(
  (n) => n !== 'commandstats' && n !== 'latencystats' && n !== 'memoryprofile',
);

/** Redis's bytesToHuman: two decimals from K to P, bytes below 1 KiB and from 1 EiB up. */
function human(n: number | bigint): string {
  const bytes = BigInt(n);
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (bytes < 1024n) return `${bytes}B`;
  for (let i = 0; i < units.length; i++) {
    if (bytes < 1024n ** BigInt(i + 2)) return `${printf2(Number(bytes) / 1024 ** (i + 1))}${units[i]}`;
  }
  return `${bytes}B`;
}

/** printf's %.2f: an exact tie goes to the even digit (1152 B is 1.12K), where toFixed rounds up. */
function printf2(x: number): string {
  const hundredths = x * 100;
  if (hundredths - Math.floor(hundredths) === 0.5) {
    const down = Math.floor(hundredths);
    return ((down % 2 === 0 ? down : down + 1) / 100).toFixed(2);
  }
  return x.toFixed(2);
}

function share(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : '';
}

const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '0.00');

interface Source {
  host: StoreHost;
  info: NativeStoreInfo;
  now: number;
}

/** What INFO keeps per store between calls: its run id, and samples for the instantaneous rates. */
interface InfoState {
  runId: string;
  samples: { t: number; commands: number; netIn: number; netOut: number }[];
}
const STATE = new WeakMap<StoreHost, InfoState>();

function state(host: StoreHost): InfoState {
  let s = STATE.get(host);
  if (!s) {
    s = { runId: randomBytes(20).toString('hex'), samples: [] };
    STATE.set(host, s);
  }
  return s;
}

/** Rates over the samples of the last 1.6 s (Redis: 16 samples, 100 ms apart), taken at each INFO. */
function instantaneous(src: Source): { ops: number; inKbps: number; outKbps: number } {
  const st = state(src.host);
  const cur = { t: src.now, commands: src.info.commands, netIn: src.info.netInput, netOut: src.info.netOutput };
  st.samples = st.samples.filter((x) => cur.t - x.t <= 1600);
  const first = st.samples[0];
  st.samples.push(cur);
  if (!first || cur.t <= first.t) return { ops: 0, inKbps: 0, outKbps: 0 };
  const secs = (cur.t - first.t) / 1000;
  return {
    ops: Math.round((cur.commands - first.commands) / secs),
    inKbps: (cur.netIn - first.netIn) / 1024 / secs,
    outKbps: (cur.netOut - first.netOut) / 1024 / secs,
  };
}

function server({ host, now }: Source): string[] {
  const up = Math.floor((now - host.startedAt) / 1000);
  return [
    `redis_version:${REDIS_COMPAT_VERSION}`,
    'redis_git_sha1:00000000',
    'redis_git_dirty:0',
    'redis_build_id:0',
    'redis_mode:standalone',
    `os:${os.type()} ${os.release()} ${os.machine()}`,
    'arch_bits:64',
    'monotonic_clock:POSIX clock_gettime',
    'multiplexing_api:epoll',
    'atomicvar_api:c11-builtin',
    'gcc_version:0.0.0',
    `process_id:${process.pid}`,
    'process_supervised:no',
    `run_id:${state(host).runId}`,
    `tcp_port:${host.port}`,
    `server_time_usec:${now * 1000}`,
    `uptime_in_seconds:${up}`,
    `uptime_in_days:${Math.floor(up / 86400)}`,
    `hz:${host.hz.current}`,
    `configured_hz:${host.hz.configured}`,
    `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
    `executable:${process.execPath}`,
    'config_file:',
    'io_threads_active:0',
    `tiermem_version:${host.allocatorInfo.version}`,
    `node_version:${process.version}`,
  ];
}

function clients({ host, info }: Source): string[] {
  let maxOut = 0;
  for (const c of host.clients.values()) maxOut = Math.max(maxOut, c.backlog());
  return [
    `connected_clients:${info.clients}`,
    'cluster_connections:0',
    'maxclients:10000',
    'client_recent_max_input_buffer:0',
    `client_recent_max_output_buffer:${maxOut}`,
    // Client tracking adds its count here.
    `blocked_clients:${info.blockedClients}`,
    'tracking_clients:0',
    'clients_in_timeout_table:0',
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
  const dataset = comp.valueBytes.dram + comp.valueBytes.pmem;
  const overhead = used - dataset;
  const clientBytes = comp.clientBuffers.query + comp.clientBuffers.output;
  const total = os.totalmem();
  return [
    `used_memory:${used}`,
    `used_memory_human:${human(used)}`,
    `used_memory_rss:${mu.rss}`,
    `used_memory_rss_human:${human(mu.rss)}`,
    `used_memory_peak:${host.peakBytes}`,
    `used_memory_peak_human:${human(host.peakBytes)}`,
    `used_memory_peak_perc:${host.peakBytes > 0 ? ((used / host.peakBytes) * 100).toFixed(2) : '0.00'}%`,
    `used_memory_overhead:${overhead}`,
    `used_memory_startup:${host.baselineBytes}`,
    `used_memory_dataset:${dataset}`,
    `used_memory_dataset_perc:${used > host.baselineBytes ? ((dataset / (used - host.baselineBytes)) * 100).toFixed(2) : '0.00'}%`,
    `allocator_allocated:${used}`,
    `allocator_active:${used}`,
    `allocator_resident:${mu.rss}`,
    `total_system_memory:${total}`,
    `total_system_memory_human:${human(total)}`,
    // No scripting engine: Lua and functions hold nothing.
    'used_memory_lua:0',
    'used_memory_vm_eval:0',
    'used_memory_lua_human:0B',
    'used_memory_scripts_eval:0',
    'number_of_cached_scripts:0',
    'number_of_functions:0',
    'number_of_libraries:0',
    'used_memory_vm_functions:0',
    'used_memory_vm_total:0',
    'used_memory_vm_total_human:0B',
    'used_memory_functions:0',
    'used_memory_scripts:0',
    'used_memory_scripts_human:0B',
    // Redis prints its unsigned maxmemory as a long long (2^64-1 -> -1).
    `maxmemory:${BigInt.asIntN(64, info.tiering.maxmemory)}`,
    `maxmemory_human:${human(info.tiering.maxmemory)}`,
    `maxmemory_policy:${MAXMEMORY_POLICIES[info.tiering.maxmemoryPolicy] ?? 'noeviction'}`,
    'allocator_frag_ratio:1.00',
    'allocator_frag_bytes:0',
    `allocator_rss_ratio:${ratio(mu.rss, used)}`,
    `allocator_rss_bytes:${mu.rss - used}`,
    'rss_overhead_ratio:1.00',
    'rss_overhead_bytes:0',
    // The process's RSS includes the Node runtime: this ratio is RSS over tiermem's live bytes.
    `mem_fragmentation_ratio:${ratio(mu.rss, used)}`,
    `mem_fragmentation_bytes:${mu.rss - used}`,
    'mem_not_counted_for_evict:0',
    'mem_replication_backlog:0',
    'mem_total_replication_buffers:0',
    'mem_clients_slaves:0',
    `mem_clients_normal:${clientBytes}`,
    'mem_cluster_links:0',
    'mem_aof_buffer:0',
    `mem_allocator:tiermem-${ai.version} (memkind ${ai.memkindVersion})`,
    'active_defrag_running:0',
    `lazyfree_pending_objects:${info.lazyfreePending}`,
    `lazyfreed_objects:${info.lazyfreedObjects}`,
    // The store's own: tiers, and what the bytes are.
    `used_memory_dram:${s.tiers.dram.liveBytes}`,
    `used_memory_dram_human:${human(s.tiers.dram.liveBytes)}`,
    `used_memory_pmem:${s.tiers.pmem.liveBytes}`,
    `used_memory_pmem_human:${human(s.tiers.pmem.liveBytes)}`,
    `used_memory_dataset_dram:${comp.valueBytes.dram}`,
    `used_memory_dataset_pmem:${comp.valueBytes.pmem}`,
    `used_memory_keys:${comp.keyBytes}`,
    `used_memory_metadata:${comp.metadataBytes}`,
    `used_memory_clients:${clientBytes}`,
    // What maxmemory is compared with: every byte the store holds, both tiers.
    `maxmemory_used:${info.tiering.used}`,
    // The Node runtime itself is outside tiermem's accounting: said separately.
    `used_memory_runtime_heap:${mu.heapUsed}`,
    `pmem_threshold:${host.alloc.threshold}`,
    `dram_share:${share(s.dramShare)}`,
    `dram_share_target:${share(target)}`,
    `dram_pmem_ratio:${Number.isFinite(s.dramShare) ? shareToRatio(s.dramShare) : ''}`,
    `dram_pmem_ratio_target:${ctl ? shareToRatio(target) : ''}`,
  ];
}

/** Persistence: the RDB state (persistence.ts); without it, Redis's values with nothing saved. */
function persistence({ host, info }: Source): string[] {
  const rdb = host.persistence
    ? host.persistence.info(info.dirty)
    : [
        'loading:0',
        'async_loading:0',
        'current_cow_peak:0',
        'current_cow_size:0',
        'current_cow_size_age:0',
        'current_fork_perc:0.00',
        'current_save_keys_processed:0',
        'current_save_keys_total:0',
        `rdb_changes_since_last_save:${info.dirty}`,
        'rdb_bgsave_in_progress:0',
        `rdb_last_save_time:${Math.floor(host.startedAt / 1000)}`,
        'rdb_last_bgsave_status:ok',
        'rdb_last_bgsave_time_sec:-1',
        'rdb_current_bgsave_time_sec:-1',
        'rdb_saves:0',
        'rdb_last_cow_size:0',
        'rdb_last_load_keys_expired:0',
        'rdb_last_load_keys_loaded:0',
      ];
  return [
    ...rdb,
    ...aofInfo(host.aof, host.aofRewrite),
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
    ...aofSizes(host.aof, host.aofRewrite),
  ];
}

function stats(src: Source): string[] {
  const { host, info } = src;
  const st = host.stats(info);
  const rate = instantaneous(src);
  return [
    `total_connections_received:${st.connections}`,
    `total_commands_processed:${st.commands}`,
    `instantaneous_ops_per_sec:${rate.ops}`,
    `total_net_input_bytes:${st.netInput}`,
    `total_net_output_bytes:${st.netOutput}`,
    'total_net_repl_input_bytes:0',
    'total_net_repl_output_bytes:0',
    `instantaneous_input_kbps:${rate.inKbps.toFixed(2)}`,
    `instantaneous_output_kbps:${rate.outKbps.toFixed(2)}`,
    'instantaneous_input_repl_kbps:0.00',
    'instantaneous_output_repl_kbps:0.00',
    `rejected_connections:${st.rejectedConnections}`,
    'sync_full:0',
    'sync_partial_ok:0',
    'sync_partial_err:0',
    `expired_keys:${info.expiredKeys}`,
    'expired_stale_perc:0.00',
    'expired_time_cap_reached_count:0',
    'expire_cycle_cpu_milliseconds:0',
    `evicted_keys:${info.evictedKeys}`,
    'evicted_clients:0',
    'total_eviction_exceeded_time:0',
    'current_eviction_exceeded_time:0',
    `keyspace_hits:${info.keyspaceHits}`,
    `keyspace_misses:${info.keyspaceMisses}`,
    `pubsub_channels:${info.pubsubChannels}`,
    `pubsub_patterns:${info.pubsubPatterns}`,
    `pubsubshard_channels:${info.pubsubShardChannels}`,
    'latest_fork_usec:0',
    'total_forks:0',
    'migrate_cached_sockets:0',
    'slave_expires_tracked_keys:0',
    'active_defrag_hits:0',
    'active_defrag_misses:0',
    'active_defrag_key_hits:0',
    'active_defrag_key_misses:0',
    'total_active_defrag_time:0',
    'current_active_defrag_time:0',
    'tracking_total_keys:0',
    'tracking_total_items:0',
    'tracking_total_prefixes:0',
    'unexpected_error_replies:0',
    `total_error_replies:${info.errorReplies}`,
    'dump_payload_sanitizations:0',
    'io_threaded_reads_processed:0',
    'io_threaded_writes_processed:0',
    'reply_buffer_shrinks:0',
    'reply_buffer_expands:0',
    `client_buffer_limit_disconnections:${st.bufferLimitDisconnects}`,
  ];
}

/** A master without replicas, as Redis reports itself with none attached. */
function replication({ host }: Source): string[] {
  return [
    'role:master',
    'connected_slaves:0',
    'master_failover_state:no-failover',
    `master_replid:${state(host).runId}`,
    'master_replid2:0000000000000000000000000000000000000000',
    'master_repl_offset:0',
    'second_repl_offset:-1',
    'repl_backlog_active:0',
    'repl_backlog_size:1048576',
    'repl_backlog_first_byte_offset:0',
    'repl_backlog_histlen:0',
  ];
}

/** CPU seconds of the process (children: none are forked); the main thread is the event loop. */
function cpu(): string[] {
  const u = process.cpuUsage();
  const r = process.resourceUsage();
  const sec = (us: number): string => (us / 1e6).toFixed(6);
  return [
    `used_cpu_sys:${sec(u.system)}`,
    `used_cpu_user:${sec(u.user)}`,
    'used_cpu_sys_children:0.000000',
    'used_cpu_user_children:0.000000',
    `used_cpu_sys_main_thread:${sec(Math.min(r.systemCPUTime, u.system))}`,
    `used_cpu_user_main_thread:${sec(Math.min(r.userCPUTime, u.user))}`,
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
    ...migrationLines(info),
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

/** The last BGSAVE STAT_MEMORY's profile (tiermem's extension, ../memprofile.ts). */
function memoryProfile({ host }: Source): string[] {
  const m = host.persistence?.memoryProfile() ?? { profile: null, running: false };
  return profileInfoLines(m.profile, m.running);
}

/** Reads by tier, the migrator's budget, traffic and pending demands (native/store/migrate.h). */
function migrationLines({ tiering: t }: NativeStoreInfo): string[] {
  const reads = t.dramReadHits + t.pmemReadHits;
  return [
    `dram_read_hits:${t.dramReadHits}`,
    `pmem_read_hits:${t.pmemReadHits}`,
    `dram_read_hit_share:${reads > 0 ? (t.dramReadHits / reads).toFixed(4) : ''}`,
    `migrate_rate_limit:${t.migrateRate}`,
    `migrate_rate:${Math.round(t.migratedRate)}`,
    `migrated_to_pmem_bytes:${t.toPmemBytes}`,
    `migrated_to_pmem_values:${t.toPmemValues}`,
    `migrated_to_dram_bytes:${t.toDramBytes}`,
    `migrated_to_dram_values:${t.toDramValues}`,
    `promoted_on_read:${t.promotedOnRead}`,
    `promote_admit:${t.promoteAdmit.toFixed(4)}`,
    `promote_refused:${t.promoteRefused}`,
    `migrate_quota_to_pmem:${t.quotaPmem}`,
    `migrate_quota_to_dram:${t.quotaDram}`,
    `migrate_debt:${t.debt}`,
    `migrate_failed:${t.failed}`,
  ];
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
  persistence: ['Persistence', persistence],
  stats: ['Stats', stats],
  replication: ['Replication', replication],
  cpu: ['CPU', cpu],
  modules: ['Modules', () => []],
  tiering: ['Tiering', tiering],
  memoryprofile: ['Memoryprofile', memoryProfile],
  errorstats: ['Errorstats', ({ info }) => info.errorStats.map((e) => `errorstat_${e.code}:count=${e.count}`)],
  commandstats: ['Commandstats', commandstats],
  latencystats: ['Latencystats', ({ host }) => host.engine.latencyInfo()],
  cluster: ['Cluster', () => ['cluster_enabled:0']],
  keyspace: ['Keyspace', keyspace],
};

/** The INFO text for the named sections (default set if none). */
export function infoText(host: StoreHost, wanted: readonly string[]): string {
  let names = wanted.length === 0 ? DEFAULT_SECTIONS : wanted.map((w) => w.toLowerCase());
  if (names.includes('everything')) names = EVERYTHING_SECTIONS;
  else if (names.includes('all')) names = ALL_SECTIONS;
  else if (names.includes('default')) names = [...new Set([...DEFAULT_SECTIONS, ...names])];
  const src: Source = { host, info: host.info(), now: Date.now() };
  const parts: string[] = [];
  for (const n of EVERYTHING_SECTIONS) {
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

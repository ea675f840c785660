// INFO against redis-server 7.0.15's: the same sections in the same order, and field by field the
// same names, except the differences listed here (each one a field Redis has for a feature the
// store lacks, or one the store adds). Per-command, per-error and per-db lines are left out of the
// name comparison (they depend on what ran); their format is checked instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from './diff/redis-server.js';
import { RespClient } from './diff/resp-client.js';
import { startTestStore, type TestStore } from './store-harness.js';

type Sections = Map<string, Map<string, string>>;

function parse(text: string): Sections {
  const out: Sections = new Map();
  let cur: Map<string, string> | undefined;
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) out.set(line.slice(2), (cur = new Map<string, string>()));
    else if (line && cur) {
      const i = line.indexOf(':');
      cur.set(line.slice(0, i), line.slice(i + 1));
    }
  }
  return out;
}

const DYNAMIC = /^(cmdstat_|errorstat_|latency_percentiles_usec_|db\d+$)/;

/** Fields only the store has: its tiers, versions and buffer-limit counter. */
const STORE_ONLY: Record<string, string[]> = {
  Server: ['tiermem_version', 'node_version'],
  Memory: [
    'used_memory_dram',
    'used_memory_dram_human',
    'used_memory_pmem',
    'used_memory_pmem_human',
    'used_memory_dataset_dram',
    'used_memory_dataset_pmem',
    'used_memory_keys',
    'used_memory_metadata',
    'used_memory_clients',
    'maxmemory_used',
    'used_memory_runtime_heap',
    'pmem_threshold',
    'dram_share',
    'dram_share_target',
    'dram_pmem_ratio',
    'dram_pmem_ratio_target',
  ],
  Stats: ['client_buffer_limit_disconnections'],
};
/** Fields only Redis has: I/O thread counters the store has no threads for. */
const REDIS_ONLY: Record<string, string[]> = {
  Stats: ['total_reads_processed', 'total_writes_processed'],
};

async function info(c: RespClient, ...sections: string[]): Promise<string> {
  const r = await c.call('INFO', ...sections);
  if (r.kind !== 'bulk' || !r.data) throw new Error(`INFO: ${JSON.stringify(r)}`);
  return r.data.toString('latin1');
}

describe('INFO: Redis 7.0.15 fields', () => {
  let redis: RedisServer;
  let store: TestStore;
  let rc: RespClient;
  let sc: RespClient;

  beforeAll(async () => {
    redis = await startRedisServer();
    store = await startTestStore();
    rc = await RespClient.connect(redis.port);
    sc = await RespClient.connect(store.port);
    for (const c of [rc, sc]) {
      await c.call('SET', 'k', 'v');
      await c.call('EXPIRE', 'k', '100');
      await c.call('INCR', 'k'); // an error reply
      await c.call('GET', 'nokey');
    }
  });

  afterAll(async () => {
    rc?.close();
    sc?.close();
    await store?.close();
    await redis?.close();
  });

  it('INFO everything: the same sections in order (plus Tiering, Memoryprofile) and the same field names', async () => {
    const r = parse(await info(rc, 'everything'));
    const s = parse(await info(sc, 'everything'));
    // Tiering and Memoryprofile are the store's own.
    expect([...s.keys()].filter((n) => n !== 'Tiering' && n !== 'Memoryprofile')).toEqual([...r.keys()]);
    for (const [name, fields] of r) {
      const theirs = [...fields.keys()].filter((f) => !DYNAMIC.test(f));
      const ours = [...s.get(name)!.keys()].filter((f) => !DYNAMIC.test(f));
      expect(
        ours.filter((f) => !theirs.includes(f)),
        `${name}: fields only the store has`,
      ).toEqual(STORE_ONLY[name] ?? []);
      expect(
        theirs.filter((f) => !ours.includes(f)),
        `${name}: fields only redis-server has`,
      ).toEqual(REDIS_ONLY[name] ?? []);
      // Redis's fields keep Redis's order (but Latencystats lists commands in its hash order).
      if (name === 'Latencystats') continue;
      const common = theirs.filter((f) => ours.includes(f));
      expect(
        ours.filter((f) => common.includes(f)),
        `${name}: order`,
      ).toEqual(common);
    }
  });

  it('values: role, counters, keyspace and CPU as Redis writes them', async () => {
    const s = parse(await info(sc, 'everything'));
    const get = (sec: string, f: string): string => s.get(sec)!.get(f)!;
    expect(get('Replication', 'role')).toBe('master');
    expect(get('Replication', 'connected_slaves')).toBe('0');
    expect(get('Server', 'redis_version')).toBe('7.0.15');
    expect(get('Server', 'run_id')).toMatch(/^[0-9a-f]{40}$/);
    expect(Number(get('Stats', 'total_error_replies'))).toBeGreaterThanOrEqual(1);
    expect(Number(get('Stats', 'keyspace_misses'))).toBeGreaterThanOrEqual(1);
    expect(get('Keyspace', 'db0')).toMatch(/^keys=1,expires=1,avg_ttl=\d+$/);
    for (const f of ['used_cpu_sys', 'used_cpu_user', 'used_cpu_sys_main_thread', 'used_cpu_user_main_thread'])
      expect(get('CPU', f)).toMatch(/^\d+\.\d{6}$/);
    expect(Number(get('CPU', 'used_cpu_user'))).toBeGreaterThan(0);
    expect(get('Cluster', 'cluster_enabled')).toBe('0');
    expect(get('Commandstats', 'cmdstat_set')).toMatch(
      /^calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0$/,
    );
    // ops per second from the samples of successive INFO calls
    for (let i = 0; i < 50; i++) await sc.call('PING');
    const ops = Number(
      parse(await info(sc, 'stats'))
        .get('Stats')!
        .get('instantaneous_ops_per_sec'),
    );
    expect(ops).toBeGreaterThan(0);
  });

  it('section selection: default, all, several at once, unknown', async () => {
    const names = async (...a: string[]): Promise<string[]> => [...parse(await info(sc, ...a)).keys()];
    const dflt = await names();
    expect(dflt).toEqual([
      'Server',
      'Clients',
      'Memory',
      'Persistence',
      'Stats',
      'Replication',
      'CPU',
      'Tiering',
      'Errorstats',
      'Cluster',
      'Keyspace',
    ]);
    expect(await names('default')).toEqual(dflt);
    expect(await names('all')).toEqual([
      ...dflt.slice(0, 8),
      'Memoryprofile',
      'Commandstats',
      'Errorstats',
      'Latencystats',
      ...dflt.slice(9),
    ]);
    expect(await names('cpu', 'REPLICATION')).toEqual(['Replication', 'CPU']);
    expect(await names('bogus')).toEqual([]);
  });
});

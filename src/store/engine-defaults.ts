// The data plane's integer parameters and the values a store starts with: Redis 7.0.15's defaults
// (hash-max-listpack-entries 512, ...). StoreHost pushes them to the engine when a store opens, so
// the engine serves what CONFIG GET shows; st_config_defaults (C) stays the C tests' baseline.

export const ENGINE_DEFAULTS: ReadonlyMap<string, number> = new Map([
  ['hash-max-listpack-entries', 512],
  ['hash-max-listpack-value', 64],
  ['list-max-listpack-size', -2],
  ['list-compress-depth', 0],
  ['set-max-intset-entries', 512],
  // Redis 7.2's listpack sets, kept as a tiermem extension: 0 is Redis 7.0's encoding (a small
  // set of strings is a hashtable).
  ['set-max-listpack-entries', 0],
  ['set-max-listpack-value', 64],
  ['zset-max-listpack-entries', 128],
  ['zset-max-listpack-value', 64],
  ['active-expire-effort', 1],
  ['slowlog-log-slower-than', 10000],
  ['slowlog-max-len', 128],
  ['acllog-max-len', 128],
  ['latency-monitor-threshold', 0],
  ['latency-tracking', 1],
  ['maxmemory-samples', 5],
  ['lfu-log-factor', 10],
  ['lfu-decay-time', 1],
]);

export { createMetricsRegistry, METRIC_PREFIX } from './registry.js';
export type { MetricsOptions, MetricsSources } from './registry.js';
export { startMetricsServer, DEFAULT_METRICS_PORT } from './server.js';
export type { MetricsServer, MetricsServerOptions } from './server.js';
export { readNodeMemory } from '../numa.js';
export type { NodeMemory } from '../numa.js';

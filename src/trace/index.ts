// Traces: the binary format, the live recorder, the model allocator, the simulator, the issue's
// generated scenarios, report metrics and the offline threshold recommendation.

export { decodeTrace, Op, TRACE_MAGIC, TRACE_VERSION, HEADER_SIZE, RECORD_SIZE, type Trace } from './format.js';
export { TraceWriter } from './writer.js';
export { createTraceRecorder, type TraceRecorder } from './recorder.js';
export { ModelAllocator, type SimAllocator } from './model.js';
export { usableSize, bucketOf, HIST_BUCKETS } from './sizeclass.js';
export { controllerPolicy, bangBangPolicy, type ThresholdPolicy } from './policy.js';
export { simulate, type SimOptions, type SimResult, type SimSample } from './simulate.js';
export { runMetrics, segmentMetrics, type RunMetrics, type SegmentMetrics } from './metrics.js';
export { SCENARIOS, type Scenario } from './scenarios.js';
export { recommend, type Recommendation, type RecommendOptions } from './recommend.js';

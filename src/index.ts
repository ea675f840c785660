// tiermem's public entry point.
export { createAllocator, nativeLayout } from './allocator.js';
export type { NativeLayout } from './native.js';
export { TiermemError, isTiermemError } from './errors.js';
export type { TiermemErrorCode } from './errors.js';
export { parseSize, formatBytes, parseRatio, ratioToShare, shareToRatio } from './units.js';
export { numaNodes } from './numa.js';
export * from './types.js';

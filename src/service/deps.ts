// The real parts of the service, loaded only when `serve` runs, so the other CLI commands never
// load the native addon and start quickly.

import type { ServiceDeps } from './service.js';

export async function loadServiceDeps(): Promise<ServiceDeps> {
  const [{ createAllocator }, { attachController }, { createTraceRecorder }, { startStoreServer }] = await Promise.all([
    import('../allocator.js'),
    import('../controller/index.js'),
    import('../trace/recorder.js'),
    import('../store/index.js'),
  ]);
  return {
    createAllocator,
    attachController: (allocator, params, migrate) => attachController(allocator, params, migrate ? { migrate } : {}),
    createTraceRecorder: () => createTraceRecorder(),
    startStore: (opts) => startStoreServer(opts),
  };
}

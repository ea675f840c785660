// The real parts of the service, loaded only when `serve` runs, so the other CLI commands never
// load the native addon and start quickly.

import type { ServiceDeps } from './service.js';

export async function loadServiceDeps(): Promise<ServiceDeps> {
  const [{ createAllocator }, { attachController }, { createTraceRecorder }, store] = await Promise.all([
    import('../allocator.js'),
    import('../controller/index.js'),
    import('../trace/recorder.js'),
    import('../store/index.js').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ERR_MODULE_NOT_FOUND') return null;
      throw e;
    }),
  ]);
  return {
    createAllocator,
    attachController: (allocator, params) => attachController(allocator, params),
    createTraceRecorder: () => createTraceRecorder(),
    ...(store ? { startStore: (opts) => store.startStoreServer(opts) } : {}),
  };
}

// Graceful shutdown on SIGINT/SIGTERM: close the service (admin API first, allocator last) and
// exit; a second signal exits at once for an operator who does not want to wait.

import type { Service } from './service.js';

export function closeOnSignals(service: Service, log: (line: string) => void): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: shutting down`);
    service.close().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (e: unknown) => {
        log(`shutdown failed: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites start servers and native heaps; run files one at a time on these 2-core machines.
    fileParallelism: false,
    pool: 'forks',
  },
});

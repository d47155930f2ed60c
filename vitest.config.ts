import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real binaries on loopback ports; keep them from competing for 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});

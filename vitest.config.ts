import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests start their own worker pools; two test files at a time fit 2 cores.
    maxWorkers: 2,
    minWorkers: 1,
  },
});

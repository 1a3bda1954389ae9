// Test tiers: unit tests beside the code (src/**/*.test.ts) and smoke tests of the real CLI (test/), both in
// npm test; and the slow tier (src/**/*.slow.test.ts, npm run test:slow) for what takes minutes.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.slow.test.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two test files run at once on two cores: one ATen thread each.
          env: { DCGAN_THREADS: '1' },
        },
      },
      {
        test: {
          name: 'slow',
          include: ['src/**/*.slow.test.ts'],
          pool: 'forks',
          testTimeout: 900_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'smoke',
          include: ['test/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});

// Two test tiers: unit tests beside the code (src/**/*.test.ts) and smoke tests of the real CLI (test/).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two test files run at once on two cores: one ATen thread each.
          env: { DCGAN_THREADS: '1' },
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

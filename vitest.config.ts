import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: the machine has 2 cores and is often loaded; a hang still fails, just later.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

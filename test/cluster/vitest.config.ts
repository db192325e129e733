import { defineConfig } from 'vitest/config';

/** `npm run test:cluster`: the real-cluster test alone (not part of `npm test`'s projects). */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config';

const unit = [
  'test/domain/**/*.test.ts',
  'test/machines/**/*.test.ts',
  'test/scripts/**/*.test.ts',
  'test/worker/**/*.test.ts',
  'test/temporal/**/*.test.ts',
  'test/api/**/*.test.ts',
];

export default defineConfig({
  test: {
    // Temporal's native module crashes under worker threads: forked processes, two files at a time
    // (each starts its own servers on free ports; the suite took 17 minutes one file at a time).
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // One embedded record database server for the run (案卷); each test takes a database on it.
    globalSetup: ['./test/support/records-global.ts'],
    projects: [
      // Deadlines must not depend on the host's time zone (SPEC §2): the pure suite runs twice.
      { extends: true, test: { name: 'unit-utc', include: unit, env: { TZ: 'UTC', EXPECT_TZ: 'UTC' } } },
      { extends: true, test: { name: 'unit-new-york', include: unit, env: { TZ: 'America/New_York', EXPECT_TZ: 'America/New_York' } } },
      {
        extends: true,
        test: {
          name: 'temporal',
          include: [
            'test/workflows/**/*.test.ts',
            'test/faults/**/*.test.ts',
            'test/system/**/*.test.ts',
            'test/security/**/*.test.ts',
            'test/browser/**/*.test.ts',
          ],
        },
      },
    ],
  },
});

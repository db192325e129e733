import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { HARD_DAYS } from './test/support/hard-days.js';

const unit = [
  'test/domain/**/*.test.ts',
  'test/machines/**/*.test.ts',
  'test/scripts/**/*.test.ts',
  'test/worker/**/*.test.ts',
  'test/temporal/**/*.test.ts',
  'test/api/**/*.test.ts',
  'test/docs/**/*.test.ts',
  'test/records/**/*.test.ts',
];

/** The pure test files that read the clock, themselves or through a test/support module: run again at each hard day. */
const CLOCK = /\bDate\.now\(|\bnew Date\(\)/;
const filesIn = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => `${dir}/${f}`);
const clockSupport = filesIn('test/support')
  .filter((f) => f.endsWith('.ts') && CLOCK.test(readFileSync(f, 'utf8')))
  .map((f) => f.replace(/^test\//, '').replace(/\.ts$/, '.js'));
const clockReaders = unit
  .flatMap((glob) => filesIn(glob.replace('/**/*.test.ts', '')))
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => {
    const text = readFileSync(f, 'utf8');
    return CLOCK.test(text) || clockSupport.some((m) => text.includes(m));
  });

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
      // Not only on the day the suite runs: the clock pinned to each hard day (test/support/hard-days.ts).
      ...HARD_DAYS.map((at) => ({
        extends: true as const,
        test: {
          name: `hard-day-${at.slice(0, 10)}`,
          include: clockReaders,
          setupFiles: ['test/support/pin-clock.ts'],
          env: { TZ: 'America/New_York', EXPECT_TZ: 'America/New_York', BM_TEST_NOW: at },
        },
      })),
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

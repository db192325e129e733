import { vi } from 'vitest';

// A hard-day run (vitest.config.ts): Date starts at BM_TEST_NOW and runs on with real time; timers stay real.
const now = process.env.BM_TEST_NOW;
if (now) vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(now), shouldAdvanceTime: true });

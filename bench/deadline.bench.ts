/**
 * Deadline engine throughput (issue 3): computations per second for 10-working-day,
 * 30-day and 3,650-day periods. The cumulative working-day index keeps the cost flat in N.
 * Prints figures; asserts nothing.
 */
import { loadCalendar } from '../activities/calendar-file.js';
import { computeDeadline } from '../domain/deadline/compute.js';
import { dateOf, dayOf } from '../domain/time.js';

const cal = loadCalendar();
const starts = Array.from({ length: 1024 }, (_, i) => dateOf(dayOf('2020-01-01') + ((i * 7919) % 2500)));
const cases = [
  { label: '10 working days', rule: 'working-days' as const, n: 10 },
  { label: '30 days', rule: 'calendar-days' as const, n: 30 },
  { label: '3,650 days', rule: 'calendar-days' as const, n: 3650 },
  { label: '3,650 working days', rule: 'working-days' as const, n: 3650 },
];

const results: Record<string, number> = {};
for (const c of cases) {
  let sink = 0;
  for (let i = 0; i < 50_000; i++) sink += computeDeadline(cal, { rule: c.rule, n: c.n, from: starts[i & 1023]! }).budget; // warm-up
  const iterations = 1_000_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += computeDeadline(cal, { rule: c.rule, n: c.n, from: starts[i & 1023]! }).budget;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  results[c.label] = Math.round(iterations / seconds);
  console.log(`${c.label.padEnd(20)} ${results[c.label]!.toLocaleString('en-US').padStart(12)} computations/s  (sink ${sink % 7})`);
}
const min = Math.min(...Object.values(results));
console.log(`slowest: ${min.toLocaleString('en-US')}/s — target ≥ 1,000,000/s: ${min >= 1_000_000 ? 'met' : 'MISSED'}`);

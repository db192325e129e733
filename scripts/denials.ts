/**
 * The denial log read back (api/denials.ts): the refused requests whose last instant lies in the
 * period, oldest first — a signed-in caller's one a line, anonymous ones counted per address block,
 * route, status and reason in a minute.
 *   npm run denials -- --since <ISO instant or date> [--until <…>] [--limit 10000] [--json]
 */
import { parseArgs } from 'node:util';
import { parseConfig } from '../activities/config.js';
import { openRecordStore } from '../records/open.js';
import { readDenials } from '../api/denials.js';

const { values } = parseArgs({
  options: {
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string', default: '10000' },
    json: { type: 'boolean', default: false },
  },
});
const since = new Date(values.since ?? '');
const until = values.until === undefined ? undefined : new Date(values.until);
const limit = Number(values.limit);
if (Number.isNaN(since.getTime()) || (until && Number.isNaN(until.getTime())) || !Number.isInteger(limit) || limit < 1) {
  console.error(
    'usage: denials --since <ISO instant or date, e.g. 2026-12-01 or 2026-12-01T08:00:00Z> [--until <…>] [--limit <n ≥ 1>] [--json]',
  );
  process.exit(2);
}
const store = await openRecordStore(parseConfig(), 2);
const rows = await readDenials(store.pool, { since, ...(until ? { until } : {}), limit }).finally(() => store.close());
if (values.json) console.log(JSON.stringify(rows, null, 2));
else {
  for (const d of rows) {
    const when = d.count > 1 ? `${d.firstAt} – ${d.lastAt} ×${d.count}` : d.lastAt;
    const who = d.caller ? `${d.caller}/${d.person ?? '?'}${d.ip ? ` from ${d.ip}` : ''}` : `anonymous from ${d.ip ?? '?'}`;
    console.log(`${when} ${d.status} ${who} ${d.method ?? ''} ${d.url ?? d.route ?? ''}: ${d.what}`);
  }
  console.log(`${rows.length} denial row(s), ${rows.reduce((n, d) => n + d.count, 0)} refusal(s)`);
}

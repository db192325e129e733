/**
 * After a calendar update (a new State Council notice), recomputes the provisional deadlines
 * of every open procedure through the explicit, audited recomputeDeadlines update (SPEC §2).
 *   npm run recompute-provisional -- --dry-run [--json]   (lists what would move; changes nothing)
 *   npm run recompute-provisional -- --reason "2027年放假安排通知已公布" [--json]
 * The preview counts with the calendar this environment names (BM_CALENDAR_FILE), which must be
 * the worker's: the run recomputes in the worker, with the calendar in force there.
 */
import { parseArgs } from 'node:util';
import { ROLE_LABELS } from '../domain/labels.zh.js';
import { Client, Connection } from '@temporalio/client';
import { loadCalendar } from '../activities/calendar-file.js';
import { loadConfig } from '../activities/config.js';
import { connectionOptions, temporalConfig } from '../temporal/connection.js';
import { codecFromEnv, sealedDataConverter } from '../temporal/codec.js';
import { recomputeDeadlinesUpdate, viewQuery } from '../workflows/messages.js';
import { sendOperatorUpdate } from '../api/procedure-client.js';
import { moveLine, movesOf, previewCalendarMoves, provisionalQuery, type CalendarMove } from '../api/calendar-preview.js';

const { values } = parseArgs({
  options: {
    reason: { type: 'string' },
    operator: { type: 'string', default: ROLE_LABELS.admin },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
if (!values.reason && !values['dry-run']) {
  console.error(
    'usage: recompute-provisional --reason "<why, e.g. the notice that was published>" [--operator <name shown in the audit trail, default 系统管理员>] [--json]\n' +
      '       recompute-provisional --dry-run [--json]   (lists every open deadline the calendar in force would move; changes nothing)',
  );
  process.exit(2);
}
const config = temporalConfig();
const connection = await Connection.connect(connectionOptions(config));
const client = new Client({ connection, namespace: config.namespace, dataConverter: sealedDataConverter(codecFromEnv()) });
const print = (moved: CalendarMove[], summary: string) => {
  if (values.json) console.log(JSON.stringify({ moves: moved }, null, 2));
  else {
    for (const m of moved) console.log(moveLine(m));
    console.log(summary);
  }
};
if (values['dry-run']) {
  const moved = await previewCalendarMoves(client, loadCalendar(loadConfig('recompute-provisional').calendarFile));
  print(moved, `预览（未作任何更改）：${new Set(moved.map((m) => m.procedureId)).size} 个程序的 ${moved.length} 个期限将变更`);
} else {
  let procedures = 0;
  const moved: CalendarMove[] = [];
  for await (const wf of client.workflow.list({ query: provisionalQuery() })) {
    const handle = client.workflow.getHandle(wf.workflowId);
    const before = await handle.query(viewQuery);
    const r = await sendOperatorUpdate(handle, recomputeDeadlinesUpdate, {
      actor: { id: values.operator!, name: values.operator, roles: ['admin'] },
      reason: values.reason!,
    });
    // What it changed, by the deadline records before and after (each change is in the audit trail).
    const after = await handle.query(viewQuery);
    const changes = movesOf(before, (d) => after.deadlines.find((x) => x.key === d.key));
    if (changes.length !== r.changed)
      console.error(`${wf.workflowId}: the procedure reports ${r.changed} change(s), its view ${changes.length}`);
    procedures++;
    moved.push(...changes);
  }
  moved.sort((a, b) => a.procedureId.localeCompare(b.procedureId) || a.deadlineKey.localeCompare(b.deadlineKey));
  print(moved, `${procedures} procedure(s) with provisional deadlines, ${moved.length} deadline(s) recomputed`);
}
await connection.close();

/**
 * After a calendar update (a new State Council notice), recomputes the provisional deadlines
 * of every open procedure through the explicit, audited recomputeDeadlines update (SPEC §2).
 *   npm run recompute-provisional -- --reason "2027年放假安排通知已公布"
 */
import { parseArgs } from 'node:util';
import { ROLE_LABELS } from '../domain/labels.zh.js';
import { Client, Connection } from '@temporalio/client';
import { connectionOptions, temporalConfig } from '../temporal/connection.js';
import { codecFromEnv, sealedDataConverter } from '../temporal/codec.js';
import { recomputeDeadlinesUpdate } from '../workflows/messages.js';
import { sendOperatorUpdate } from '../api/procedure-client.js';

const { values } = parseArgs({ options: { reason: { type: 'string' }, operator: { type: 'string', default: ROLE_LABELS.admin } } });
if (!values.reason) {
  console.error(
    'usage: recompute-provisional --reason "<why, e.g. the notice that was published>" [--operator <name shown in the audit trail, default 系统管理员>]',
  );
  process.exit(2);
}
const config = temporalConfig();
const connection = await Connection.connect(connectionOptions(config));
const client = new Client({ connection, namespace: config.namespace, dataConverter: sealedDataConverter(codecFromEnv()) });
let procedures = 0;
let changed = 0;
for await (const wf of client.workflow.list({ query: `BmProvisional = true AND BmClosed = false AND ExecutionStatus = 'Running'` })) {
  const r = await sendOperatorUpdate(client.workflow.getHandle(wf.workflowId), recomputeDeadlinesUpdate, {
    actor: { id: values.operator!, name: values.operator, roles: ['admin'] },
    reason: values.reason,
  });
  procedures++;
  changed += r.changed;
  console.log(`${wf.workflowId}: ${r.changed} deadline(s) changed`);
}
console.log(`${procedures} procedure(s) with provisional deadlines, ${changed} deadline(s) recomputed`);
await connection.close();

/**
 * After a registry change (a new secrecy officer, a restructured tier), deployed to the workers:
 * sends the explicit, audited refreshRecipients update to every open procedure whose recorded
 * registry version is not the registry's (--all: to every open procedure).
 *   npm run refresh-recipients -- --reason "广州市国家保密局联系人变更"
 */
import { parseArgs } from 'node:util';
import { ROLE_LABELS } from '../domain/labels.zh.js';
import { Client, Connection } from '@temporalio/client';
import { loadRegistry } from '../activities/deps.js';
import { parseConfig } from '../activities/config.js';
import { connectionOptions, temporalConfig } from '../temporal/connection.js';
import { codecFromEnv, sealedDataConverter } from '../temporal/codec.js';
import { refreshRecipientsUpdate, viewQuery } from '../workflows/messages.js';
import { sendOperatorUpdate } from '../api/procedure-client.js';

const { values } = parseArgs({
  options: {
    reason: { type: 'string' },
    operator: { type: 'string', default: ROLE_LABELS.admin },
    all: { type: 'boolean', default: false },
  },
});
if (!values.reason) {
  console.error(
    'usage: refresh-recipients --reason "<why, e.g. the registry change>" [--operator <name shown in the audit trail, default 系统管理员>] [--all]',
  );
  process.exit(2);
}
const version = loadRegistry(parseConfig().registryFile).version;
const config = temporalConfig();
const connection = await Connection.connect(connectionOptions(config));
const client = new Client({ connection, namespace: config.namespace, dataConverter: sealedDataConverter(codecFromEnv()) });
const actor = { id: values.operator!, name: values.operator, roles: ['admin' as const] };
let open = 0;
let changed = 0;
let refused = 0;
for await (const wf of client.workflow.list({ query: `BmClosed = false AND ExecutionStatus = 'Running'` })) {
  open++;
  const handle = client.workflow.getHandle(wf.workflowId);
  try {
    if (!values.all && (await handle.query(viewQuery)).versions.registry === version) continue;
    // One update id per registry version: a second run of the script is not applied twice.
    const r = await sendOperatorUpdate(handle, refreshRecipientsUpdate, { actor, reason: values.reason }, `refresh-recipients-${version}`);
    if (r.changed) changed++;
    if (r.registryVersion !== version)
      console.warn(`${wf.workflowId}: the worker has registry ${r.registryVersion}, not ${version}: restart the workers`);
    else console.log(`${wf.workflowId}: ${r.changed ? 'recipients refreshed' : 'unchanged'}`);
  } catch (e) {
    // E.g. a procedure still being prepared, or moving to its next run: the others go on; run the script again.
    refused++;
    const why = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    console.warn(`${wf.workflowId}: not refreshed: ${why}`);
  }
}
console.log(`${open} open procedure(s), ${changed} refreshed to registry ${version}${refused ? `, ${refused} not (run again)` : ''}`);
await connection.close();
process.exitCode = refused ? 1 : 0;

/**
 * The case file checked (SPEC §4a): every chain recomputed and its head MAC verified, then each
 * procedure's record compared with its Temporal execution (a run reset, rewound or terminated
 * outside the procedure's close; a procedure-like workflow with no record). One line per finding
 * with the procedure and seq; exit 1 when there is one.
 *   npm run verify-records [-- --json] [--id <procedure>] [--hash <chain hash printed on a record>]
 *     [--grace-seconds 60: a start younger than this may not have written its first entries] [--no-temporal]
 */
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { parseConfig } from '../activities/config.js';
import { connectionOptions, temporalConfig } from '../temporal/connection.js';
import { codecFromEnv, sealedDataConverter } from '../temporal/codec.js';
import { openRecordStore } from '../records/open.js';
import { verifyChains, type Finding } from '../records/verify.js';
import { compareWithTemporal } from '../records/compare.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    id: { type: 'string', multiple: true },
    hash: { type: 'string' },
    'no-temporal': { type: 'boolean', default: false },
    'grace-seconds': { type: 'string', default: '60' },
  },
});
const graceSeconds = Number(values['grace-seconds']);
if ((values.hash && values.id?.length !== 1) || !(graceSeconds >= 0)) {
  console.error(
    'usage: verify-records [--json] [--id <procedure> …] [--hash <chain hash> (with one --id)] [--grace-seconds <n ≥ 0>] [--no-temporal]',
  );
  process.exit(2);
}
const settings = parseConfig();
const store = await openRecordStore(settings, 2);
const findings: Finding[] = await verifyChains(store.pool, store.keys, values.id ? { ids: values.id } : {});
if (values.hash) {
  const id = values.id![0]!;
  const { rows } = await store.pool.query('select seq from record_entries where procedure_id = $1 and hash = $2', [id, values.hash]);
  if (!rows.length)
    findings.push({
      procedureId: id,
      kind: 'entry-missing',
      detail: `no entry of the record has the chain hash ${values.hash} (the printed copy is not of this record)`,
    });
}
if (!values['no-temporal']) {
  const config = temporalConfig();
  const connection = await Connection.connect(connectionOptions(config));
  const client = new Client({ connection, namespace: config.namespace, dataConverter: sealedDataConverter(codecFromEnv()) });
  try {
    findings.push(
      ...(await compareWithTemporal(client, store.pool, {
        taskQueue: config.taskQueue,
        graceMs: graceSeconds * 1000,
        ...(values.id ? { ids: values.id } : {}),
      })),
    );
  } finally {
    await connection.close();
  }
}
const checked = (await store.pool.query<{ n: number }>(`select count(*)::int as n from procedures where mac_key_id <> ''`)).rows[0]!.n;
await store.close();
if (values.json) console.log(JSON.stringify({ checked, findings }, null, 2));
else {
  for (const f of findings) console.log(`${f.procedureId}${f.seq ? ` seq ${f.seq}` : ''}: ${f.kind}: ${f.detail}`);
  console.log(`${checked} procedure record(s) checked; ${findings.length ? `${findings.length} finding(s)` : 'no findings'}`);
}
process.exitCode = findings.length ? 1 : 0;

/**
 * `npm run test:cluster` (issue 14): the project on a real Temporal cluster — PostgreSQL 15, the
 * Temporal services as separate processes, two workers, two API processes — started by the same
 * code as `npm run cluster`. A procedure of every kind runs in real time while one history service
 * and one worker are killed with SIGKILL and restarted.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { issueToken, signingKey } from '../../api/auth.js';
import { parseConfig } from '../../activities/config.js';
import { sendEvent, startProcedure } from '../../api/procedure-client.js';
import { DEADLINE_PASSED } from '../../machines/procedure.js';
import { startClusterSystem, type ClusterSystem } from '../../scripts/cluster-system.js';
import { ROOT } from '../../scripts/temporal-binaries.js';
import { codecFromEnv, sealedDataConverter } from '../../temporal/codec.js';
import { temporalConfig } from '../../temporal/connection.js';
import type { ProcedureView } from '../../domain/procedure-view.js';
import { freePort } from '../support/ports.js';
import { clusterScenarios, LEAK_DUE_S } from './scenarios.js';
import { openRecordStore } from '../../records/open.js';
import { verifyChains } from '../../records/verify.js';

const DIR = join(ROOT, '.cache', 'cluster-test');
/** The kill: seconds after the start, and how long the history service and worker stay down. */
const KILL_AT_S = 30;
const DOWN_S = LEAK_DUE_S - KILL_AT_S + 20; // the leak's deadlines pass while they are down

/** Retries what a dead service or worker left unanswered; a refusal of the event itself surfaces. Idempotent: starts by workflow id, events by update id. */
async function patiently<T>(what: string, fn: () => Promise<T>, ms = 180_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof WorkflowUpdateFailedError || Date.now() > deadline)
        throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
      await delay(1000);
    }
  }
}

async function historyFacts(handle: WorkflowHandle) {
  const events = (await handle.fetchHistory()).events ?? [];
  const accepted: Record<string, number> = {};
  for (const e of events) {
    const a = e.workflowExecutionUpdateAcceptedEventAttributes;
    if (a?.acceptedRequest?.input?.name === 'event') accepted[a.protocolInstanceId!] = (accepted[a.protocolInstanceId!] ?? 0) + 1;
  }
  const started = events.flatMap((e) => (e.timerStartedEventAttributes ? [e.timerStartedEventAttributes.timerId!] : []));
  const ended = new Set(
    events.flatMap((e) => [e.timerFiredEventAttributes?.timerId, e.timerCanceledEventAttributes?.timerId].filter((x): x is string => !!x)),
  );
  const redone = events.filter(
    (e) =>
      e.workflowTaskTimedOutEventAttributes ||
      e.workflowTaskFailedEventAttributes ||
      (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
  ).length;
  return { accepted, timersPending: started.filter((t) => !ended.has(t)), redone };
}

let system: ClusterSystem | undefined;
afterAll(async () => {
  await system?.stop();
});

describe.sequential('a real Temporal cluster on PostgreSQL, started by the project (issue 14)', () => {
  it(
    'procedures of all five kinds end as without faults while a history service and a worker are SIGKILLed and restarted; both APIs answer the same views',
    { timeout: 1_800_000 },
    async () => {
      mkdirSync(DIR, { recursive: true });
      const appLog = join(DIR, 'apps.log');
      const t0Cluster = Date.now();
      let unexpected: string | undefined;
      system = await startClusterSystem({
        dir: DIR,
        basePort: Number(process.env.BM_CLUSTER_TEST_PORT ?? 27233),
        apiPorts: [await freePort(), await freePort()],
        fresh: true,
        log: (l) => console.log(`[cluster] ${l}`),
        output: (name, l) => appendFileSync(appLog, `[${name}] ${l}\n`),
        onUnexpectedExit: (name, how) => (unexpected = `${name} exited (${how})`),
      });
      const clusterMs = Date.now() - t0Cluster;
      const { cluster, env, apis } = system;
      const config = temporalConfig(env);
      const connection = await Connection.connect({ address: cluster.address });
      const client = new Client({ connection, namespace: cluster.namespace, dataConverter: sealedDataConverter(codecFromEnv(env)) });

      const t0 = Date.now();
      const scenarios = clusterScenarios(t0);
      const handles = await Promise.all(
        scenarios.map(
          async (s) =>
            (
              await patiently(`start ${s.kind}`, () =>
                startProcedure(client, {
                  kind: s.kind,
                  workflowId: `cluster-${s.kind}`,
                  taskQueue: config.taskQueue,
                  input: s.input,
                  actor: { id: s.by },
                }),
              )
            ).handle,
        ),
      );

      // The faults: history-1 and worker-1 killed together, restarted after the leak's deadlines passed.
      const faults = (async () => {
        await delay(t0 + KILL_AT_S * 1000 - Date.now());
        await Promise.all([cluster.kill('history-1'), system!.killWorker(0)]);
        console.log(`[cluster] SIGKILL history-1 and worker-1 at +${((Date.now() - t0) / 1000).toFixed(0)} s`);
        await delay(DOWN_S * 1000);
        await Promise.all([cluster.restart('history-1'), system!.restartWorker(0)]);
        console.log(`[cluster] history-1 and worker-1 restarted at +${((Date.now() - t0) / 1000).toFixed(0)} s`);
      })();

      // Each procedure's events in order, each under its own update id (a resend is applied at most once).
      await Promise.all(
        scenarios.map(async (s, i) => {
          for (const [n, step] of s.steps.entries()) {
            const wait = t0 + step.notBeforeS * 1000 - Date.now();
            if (wait > 0) await delay(wait);
            const actor = step.person
              ? { id: step.by, person: { sub: step.person.sub, name: step.person.name }, roles: step.person.roles }
              : { id: step.by };
            await patiently(`${s.kind} ${step.type}`, () =>
              sendEvent(handles[i]!, { type: step.type, payload: step.payload ?? {}, actor }, `cluster-${s.kind}-event-${n}`),
            );
          }
        }),
      );
      await faults;
      const finals = await Promise.all(
        handles.map((h) => patiently(`result of ${h.workflowId}`, () => h.result() as Promise<ProcedureView>)),
      );
      const runMs = Date.now() - t0;
      expect(unexpected, 'no worker or API died by itself').toBeUndefined();

      // The case file on the cluster's PostgreSQL (its own database): every trail whole, every chain intact.
      const records = await openRecordStore(parseConfig(env));
      expect(await verifyChains(records.pool, records.keys)).toEqual([]);
      let redone = 0;
      for (const [i, s] of scenarios.entries()) {
        const final = finals[i]!;
        expect((await records.read(final.id))?.view.audit, `${s.kind}: the record`).toEqual(final.audit);
        const events = final.audit.filter((a) => a.kind === 'event' && a.event?.type !== DEADLINE_PASSED).map((a) => a.event!.type);
        expect({ kind: s.kind, state: final.state, closed: final.closed, events }).toEqual({
          kind: s.kind,
          state: s.final,
          closed: true,
          events: s.steps.map((step) => step.type),
        });

        // Each event accepted exactly once, under its own update id; no timer left neither fired nor cancelled.
        const facts = await historyFacts(handles[i]!);
        redone += facts.redone;
        expect(facts.accepted, `${s.kind}: each event accepted once`).toEqual(
          Object.fromEntries(s.steps.map((_, n) => [`cluster-${s.kind}-event-${n}`, 1])),
        );
        expect(facts.timersPending, `${s.kind}: no timer left pending`).toEqual([]);

        // Every deadline that fell due before it was met (or the procedure closed) fired: alarm recorded, reminder sent for duties.
        const closedAt = final.audit.find((a) => a.kind === 'closed')?.at ?? new Date().toISOString();
        const due = final.deadlines.filter((r) => Date.parse(r.dueAt) < Date.parse(r.metAt ?? closedAt));
        for (const r of due) {
          expect(r.dueFired, `${s.kind}: ${r.label} fell due at ${r.dueAt} and fired`).toBe(true);
          if (r.obligation)
            expect(
              final.audit.some((a) => a.kind === 'reminder' && a.deadlineKey === r.key && a.at >= r.dueAt),
              `${s.kind}: reminder of ${r.label}`,
            ).toBe(true);
        }
        expect(due.length > 0, `${s.kind}: a deadline falls due in this run`).toBe(s.fallsDue);
        if (s.kind === 'leak') {
          // The 24-hour reports fell due while history-1 and worker-1 were down: fired then, not at the restart's whim.
          const fired = final.audit.filter((a) => a.kind === 'reminder' && due.some((r) => r.key === a.deadlineKey));
          expect(fired.length).toBeGreaterThan(0);
          for (const a of fired) expect(Date.parse(a.at) - (t0 + LEAK_DUE_S * 1000), `leak: ${a.summary}`).toBeLessThan(60_000);
        }

        // Both API processes answer the same view.
        const token = await issueToken(signingKey(parseConfig(env)), {
          party: s.by,
          sub: `test:${s.by}`,
          name: '集群测试人员',
          roles: ['secrecy-officer', 'classification-officer', 'head'],
        });
        const views = await Promise.all(
          apis.map(async (api) => {
            const res = await fetch(`${api.url}/api/procedures/cluster-${s.kind}`, { headers: { authorization: `Bearer ${token}` } });
            expect(res.status, `${api.name}: GET ${s.kind}`).toBe(200);
            return res.json();
          }),
        );
        expect(views[1], `${s.kind}: api-2 answers as api-1`).toEqual(views[0]);
        expect((views[0] as ProcedureView).state).toBe(s.final);
      }
      await connection.close();
      await records.close();
      console.log(
        `[cluster] cluster up in ${(clusterMs / 1000).toFixed(0)} s; five procedures closed in ${(runMs / 1000).toFixed(0)} s; ${redone} tasks redone after the kills`,
      );
    },
  );
});

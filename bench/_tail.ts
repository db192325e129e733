import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '/work/main/scripts/dev-server.js';
const dir = process.argv[2]!;
const server = await startDevServer({ dbFile: `${dir}/temporal.sqlite`, port: 19433, uiPort: 19434 });
const client = new Client({ connection: await Connection.connect({ address: server.address }) });
const ids: string[] = [];
for await (const w of client.workflow.list({ query: `BmKind = 'unclear-matter'` })) if (!w.workflowId.includes('fill')) ids.push(w.workflowId);
const rows: Array<{ total: number; firstWft: number; gaps: Record<string, number>; timeouts: number }> = [];
for (const id of ids.slice(0, 400)) {
  const ev = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
  const t = (e: (typeof ev)[number]) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
  const t0 = t(ev[0]!);
  const done = ev.find((e) => e.workflowExecutionUpdateCompletedEventAttributes);
  const gaps: Record<string, number> = {};
  for (let i = 1; i < ev.length && ev[i - 1] !== done; i++) {
    const k = `${String(ev[i - 1]!.eventType)}->${String(ev[i]!.eventType)}`;
    gaps[k] = (gaps[k] ?? 0) + t(ev[i]!) - t(ev[i - 1]!);
  }
  rows.push({ total: done ? t(done) - t0 : -1, firstWft: t(ev.find((e) => e.workflowTaskStartedEventAttributes)!) - t0, gaps, timeouts: ev.filter((e) => e.workflowTaskTimedOutEventAttributes || e.workflowTaskFailedEventAttributes).length });
}
rows.sort((a, b) => b.total - a.total);
console.log('n', rows.length, 'timeouts', rows.reduce((n, r) => n + r.timeouts, 0));
for (const r of rows.slice(0, 5)) console.log(r.total, r.firstWft, JSON.stringify(Object.entries(r.gaps).filter(([, v]) => v > 200)));
const p = (q: number) => rows[Math.floor((1 - q) * rows.length)]!.total;
console.log('server-side start->ready p50', p(0.5), 'p95', p(0.95));
const agg: Record<string, number> = {};
for (const r of rows) for (const [k, v] of Object.entries(r.gaps)) agg[k] = (agg[k] ?? 0) + v / rows.length;
console.log(Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v.toFixed(0)}ms`).join('\n'));
await server.stop();
process.exit(0);

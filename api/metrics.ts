/**
 * The API's Prometheus metrics (prom-client): starts and events by kind and outcome, and the
 * board's open / due-soon / overdue gauges by tier. Labels are kinds, tiers and outcomes only —
 * never a procedure, party or person id — so a scrape tells nothing about any one jurisdiction.
 * Served without a token only on a separate loopback port (BM_API_METRICS_PORT), never on the
 * public port.
 */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { TierSchema } from '../domain/parties.js';
import { PROCEDURES } from '../machines/index.js';
import type { BoardItem } from './board.js';
import { AuthError } from './auth.js';
import { ApiError } from './problem.js';

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly starts = new Counter({
    name: 'bm_procedure_starts_total',
    help: 'Procedure starts by kind and outcome (accepted, or the refusal)',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  private readonly events = new Counter({
    name: 'bm_procedure_events_total',
    help: 'Events sent to procedures by kind and outcome (accepted, or the refusal code)',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });

  /** `open` reads the board's in-memory model (api/board.ts) at each scrape. */
  constructor(open: () => Promise<readonly BoardItem[]>) {
    collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string, pick: (i: BoardItem) => boolean) =>
      new Gauge({
        name,
        help,
        labelNames: ['tier'],
        registers: [this.registry],
        async collect() {
          const items = await open();
          for (const tier of TierSchema.options) this.set({ tier }, items.filter((i) => i.tier === tier && pick(i)).length);
        },
      });
    gauge('bm_procedures_open', 'Open procedures by tier (board model)', () => true);
    gauge('bm_procedures_due_soon', 'Open procedures whose next deadline is due soon, by tier', (i) => i.deadlineStatus === 'due_soon');
    gauge('bm_procedures_overdue', 'Open procedures whose next deadline has passed, by tier', (i) => i.deadlineStatus === 'overdue');
  }

  started(kind: string, outcome: string): void {
    this.starts.inc({ kind, outcome });
  }

  /** The kind comes from the id's prefix; an id of no known kind counts as "unknown" (bounded labels). */
  event(procedureId: string, outcome: string): void {
    const kind = Object.keys(PROCEDURES).find((k) => procedureId.startsWith(`${k}-`)) ?? 'unknown';
    this.events.inc({ kind, outcome });
  }
}

/** The outcome label of a refused request: the problem's code (e.g. guard-refused, forbidden, not-found), else "error". */
export function outcomeOf(e: unknown): string {
  if (e instanceof AuthError) return e.status === 401 ? 'unauthorized' : 'forbidden';
  return e instanceof ApiError ? e.title.toLowerCase().replace(/\s+/g, '-') : 'error';
}

/** Serves GET /metrics of a registry on a loopback address only (no token: nothing but the host reaches it). */
export async function serveMetrics(registry: Registry, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (e: Error) => res.writeHead(500).end(e.message),
    );
  });
  await new Promise<void>((resolve, reject) =>
    server.once('error', (e) => reject(new Error(`cannot serve /metrics on ${host}:${port}: ${e.message}`))).listen(port, host, resolve),
  );
  return server;
}

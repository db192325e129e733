import type { Client } from '@temporalio/client';
import { caseHeadline, type CaseHeadline } from '../machines/case-headline.js';
import { procedureOf } from '../machines/index.js';
import { viewQuery } from '../workflows/messages.js';

export { caseHeadline, type CaseHeadline };

/**
 * Headlines of the cases a list shows, read from each procedure's view once: what a case was
 * started with does not change. The lists ask only for cases the caller may see already.
 */
export class CaseHeadlines {
  private readonly cache = new Map<string, Promise<CaseHeadline>>();
  constructor(private readonly client: Client) {}

  of(id: string, kind: string): Promise<CaseHeadline> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const def = procedureOf(kind);
    if (!def) return Promise.resolve({});
    const read = this.client.workflow
      .getHandle(id)
      .query(viewQuery)
      .then((v) => caseHeadline(def, v.context));
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(id, read);
    // A procedure not ready or unreachable now is read again next time.
    read.catch(() => this.cache.delete(id));
    return read.catch(() => ({}));
  }

  /** Each row with its case's headline beside it. */
  with<T extends { id: string; kind: string }>(rows: readonly T[]): Promise<Array<T & CaseHeadline>> {
    return Promise.all(rows.map(async (r) => ({ ...r, ...(await this.of(r.id, r.kind)) })));
  }
}

import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import type { Registry } from '../domain/registry/registry.js';
import { annualInspectionProcedure } from '../machines/annual-inspection.js';
import type { StartRequest } from '../workflows/types.js';

export const annualScheduleId = (enterpriseId: string) => `annual-inspection-${enterpriseId}`;

/**
 * One yearly schedule per licensed enterprise of the registry (Regs 48 para 3): on 1 January,
 * 00:00 Beijing time, it starts that enterprise's self-inspection for the year just ended.
 * Idempotent: a schedule that exists is left as it is.
 */
export async function registerAnnualSchedules(
  client: Client,
  registry: Registry,
  taskQueue: string,
): Promise<{ created: string[]; existing: string[] }> {
  const created: string[] = [];
  const existing: string[] = [];
  for (const organ of registry.data.organs.filter((o) => o.licence)) {
    const scheduleId = annualScheduleId(organ.id);
    const request: StartRequest = { input: { enterpriseId: organ.id }, actor: { id: 'system', name: '年度自检计划' } };
    try {
      await client.schedule.create({
        scheduleId,
        spec: { calendars: [{ month: 'JANUARY', dayOfMonth: 1, hour: 0, minute: 0 }], timezone: 'Asia/Shanghai' },
        action: {
          type: 'startWorkflow',
          workflowType: annualInspectionProcedure.workflowType,
          workflowId: scheduleId,
          taskQueue,
          args: [request],
        },
        policies: { overlap: 'ALLOW_ALL', catchupWindow: '30 days' },
        memo: { enterprise: organ.name },
      });
      created.push(scheduleId);
    } catch (e) {
      if (!(e instanceof ScheduleAlreadyRunning)) throw e;
      existing.push(scheduleId);
    }
  }
  return { created, existing };
}

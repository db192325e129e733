/**
 * What-if deadline calculator (SPEC §2).
 *   npm run -s deadline -- --rule working-days --n 10 --from 2025-09-26 [--extension 30] [--suspension 2025-09-10:2025-09-17]
 *   npm run -s deadline -- --batch   (JSON lines in, one JSON line out per line, in order)
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadCalendar } from '../activities/calendar-file.js';
import { loadConfig } from '../activities/config.js';
import { answerBatchLine } from '../domain/deadline/batch.js';
import { computeDeadline } from '../domain/deadline/compute.js';
import { explainDeadline } from '../domain/deadline/explain.js';
import { DeadlineError, RuleSchema } from '../domain/deadline/types.js';

const USAGE = `usage: deadline --rule working-days|calendar-days|months|years|hours --n N --from DATE|INSTANT
                [--extension DAYS]... [--suspension FROM:TO]... [--basis ARTICLE]
       deadline --batch < lines.jsonl`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      batch: { type: 'boolean' },
      rule: { type: 'string' },
      n: { type: 'string' },
      from: { type: 'string' },
      extension: { type: 'string', multiple: true },
      suspension: { type: 'string', multiple: true },
      basis: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const cal = loadCalendar(loadConfig('deadline').calendarFile);
  if (values.batch) {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    const out: string[] = [];
    for await (const line of rl) {
      out.push(answerBatchLine(cal, line));
      if (out.length >= 1024) process.stdout.write(out.splice(0).join('\n') + '\n');
    }
    if (out.length) process.stdout.write(out.join('\n') + '\n');
    return 0;
  }
  const rule = RuleSchema.safeParse(values.rule);
  if (!rule.success || !values.n || !values.from) {
    console.error(`${USAGE}\n--rule, --n and --from are required; --rule is one of ${RuleSchema.options.join(', ')}`);
    return 2;
  }
  try {
    const d = computeDeadline(cal, {
      rule: rule.data,
      n: Number(values.n),
      from: values.from,
      extensions: (values.extension ?? []).map((x) => ({ days: Number(x) })),
      suspensions: (values.suspension ?? []).map((s) => {
        const [from = '', to = ''] = s.split(/:(?=\d{4}-)/);
        return { from, to };
      }),
      ...(values.basis ? { basis: values.basis } : {}),
    });
    console.log(explainDeadline(cal, d).lines.join('\n'));
    console.log(`dueAt (UTC): ${d.dueAt}`);
    return 0;
  } catch (e) {
    if (e instanceof DeadlineError || e instanceof RangeError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = await main();

/**
 * Rebuilds domain/calendar/data/cn-calendar.json from the chinese-days package (the data
 * source) and the notice metadata below (our own record of the State Council notices).
 * The tests check the result against the notices' texts. Run: npx tsx scripts/import-calendar.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CalendarDataSchema, type CalendarYear } from '../domain/calendar/schema.js';
import { dateOf, dayOf } from '../domain/time.js';

const NOTICES: Record<number, Omit<CalendarYear, 'year' | 'holidays' | 'workdays'>> = {
  // Dated 2018-12-04; its 元旦 runs from 2018-12-30 (2018-12-29 worked).
  2019: {
    notice: '国办发明电〔2018〕15号',
    published: '2018-12-04',
    supplements: [
      {
        notice: '国办发明电〔2019〕3号',
        published: '2019-03-22',
        summary: '调整2019年劳动节假期：5月1日至4日放假调休，4月28日、5月5日上班',
      },
    ],
  },
  2020: {
    notice: '国办发明电〔2019〕16号',
    published: '2019-11-21',
    url: 'http://www.gov.cn/zhengce/content/2019-11/21/content_5454164.htm',
    supplements: [
      {
        notice: '国办发明电〔2020〕1号',
        published: '2020-01-27',
        url: 'http://www.gov.cn/zhengce/content/2020-01/27/content_5472352.htm',
        summary: '延长2020年春节假期至2月2日，2月3日起正常上班',
      },
    ],
  },
  2021: {
    notice: '国办发明电〔2020〕27号',
    published: '2020-11-25',
    url: 'http://www.gov.cn/zhengce/content/2020-11/25/content_5564127.htm',
    supplements: [],
  },
  2022: {
    notice: '国办发明电〔2021〕11号',
    published: '2021-10-25',
    url: 'http://www.gov.cn/zhengce/content/2021-10/25/content_5644835.htm',
    supplements: [],
  },
  2023: {
    notice: '国办发明电〔2022〕16号',
    published: '2022-12-08',
    url: 'http://www.gov.cn/zhengce/content/2022-12/08/content_5730844.htm',
    supplements: [],
  },
  2024: {
    notice: '国办发明电〔2023〕7号',
    published: '2023-10-25',
    url: 'https://www.gov.cn/zhengce/content/202310/content_6911527.htm',
    supplements: [],
  },
  2025: {
    notice: '国办发明电〔2024〕12号',
    published: '2024-11-12',
    url: 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm',
    supplements: [],
  },
  2026: {
    notice: '国办发明电〔2025〕7号',
    published: '2025-11-04',
    url: 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm',
    supplements: [],
  },
};

const require = createRequire(import.meta.url);
const pkgPath = require.resolve('chinese-days/package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string };
const raw = JSON.parse(readFileSync(pkgPath.replace('package.json', 'dist/chinese-days.json'), 'utf8')) as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};
const zhName = (v: string) => v.split(',')[1] ?? v;

const years: CalendarYear[] = Object.entries(NOTICES).map(([y, meta]) => {
  const year = Number(y);
  // A notice may reach into the previous December (2019's 元旦); such days stay with it when that year has no notice of its own.
  const inYear = (d: string) => d.startsWith(`${year}-`) || (!NOTICES[year - 1] && d.startsWith(`${year - 1}-12-`));
  const holidayDays = Object.keys(raw.holidays).filter(inYear).sort();
  const holidays: CalendarYear['holidays'] = [];
  for (const d of holidayDays) {
    const name = zhName(raw.holidays[d]!);
    const last = holidays.at(-1);
    if (last && last.name === name && dayOf(last.to) + 1 === dayOf(d)) last.to = d;
    else holidays.push({ from: d, to: d, name });
  }
  const workdays = Object.keys(raw.workdays)
    .filter(inYear)
    .sort()
    .map((d) => ({ date: d, name: `${zhName(raw.workdays[d]!)}调休上班` }));
  return { year, ...meta, holidays, workdays };
});

const newest = years
  .map((y) => [y.published, ...y.supplements.map((s) => s.published)])
  .flat()
  .sort()
  .at(-1)!;
const data = CalendarDataSchema.parse({
  version: `cn-${years.at(-1)!.year}@${newest}`,
  timeZone: 'Asia/Shanghai',
  source: `chinese-days@${pkg.version}, checked against the State Council notices listed per year`,
  years,
});
const out = new URL('../domain/calendar/data/cn-calendar.json', import.meta.url);
writeFileSync(out, JSON.stringify(data, null, 1) + '\n');
console.log(
  `wrote ${out.pathname}: ${data.version}, years ${years[0]!.year}–${years.at(-1)!.year}, first day ${dateOf(dayOf(years[0]!.holidays[0]!.from))}`,
);

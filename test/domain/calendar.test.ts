import { describe, expect, it } from 'vitest';
import { loadCalendar } from '../../activities/calendar-file.js';
import { WorkCalendar } from '../../domain/calendar/work-calendar.js';
import { CalendarSnapshotSchema } from '../../domain/calendar/schema.js';
import { dateOf, dayOf, weekdayOf } from '../../domain/time.js';
import embedded from '../../domain/calendar/data/cn-calendar.json' with { type: 'json' };

/**
 * The notices' own words, transcribed independently of the data source: holidays
 * (放假) and make-up working days (调休上班) per year.
 */
const NOTICES: Record<number, { holidays: Array<[string, string]>; workdays: string[] }> = {
  // 国办发明电〔2018〕15号, with 劳动节 as changed by 国办发明电〔2019〕3号 (1–4 May; 28 April and 5 May worked).
  // Its 元旦 (2018-12-30 to 2019-01-01, 2018-12-29 worked) is checked below.
  2019: {
    holidays: [
      ['01-01', '01-01'],
      ['02-04', '02-10'],
      ['04-05', '04-07'],
      ['05-01', '05-04'],
      ['06-07', '06-09'],
      ['09-13', '09-15'],
      ['10-01', '10-07'],
    ],
    workdays: ['02-02', '02-03', '04-28', '05-05', '09-29', '10-12'],
  },
  // 国办发明电〔2019〕16号 and 〔2020〕1号: Spring Festival extended to 2 Feb, the 1 Feb make-up day dropped.
  2020: {
    holidays: [
      ['01-01', '01-01'],
      ['01-24', '02-02'],
      ['04-04', '04-06'],
      ['05-01', '05-05'],
      ['06-25', '06-27'],
      ['10-01', '10-08'],
    ],
    workdays: ['01-19', '04-26', '05-09', '06-28', '09-27', '10-10'],
  },
  // 国办发明电〔2023〕7号
  2024: {
    holidays: [
      ['01-01', '01-01'],
      ['02-10', '02-17'],
      ['04-04', '04-06'],
      ['05-01', '05-05'],
      ['06-10', '06-10'],
      ['09-15', '09-17'],
      ['10-01', '10-07'],
    ],
    workdays: ['02-04', '02-18', '04-07', '04-28', '05-11', '09-14', '09-29', '10-12'],
  },
  // 国办发明电〔2024〕12号
  2025: {
    holidays: [
      ['01-01', '01-01'],
      ['01-28', '02-04'],
      ['04-04', '04-06'],
      ['05-01', '05-05'],
      ['05-31', '06-02'],
      ['10-01', '10-08'],
    ],
    workdays: ['01-26', '02-08', '04-27', '09-28', '10-11'],
  },
  // 国办发明电〔2025〕7号: the nine-day Spring Festival.
  2026: {
    holidays: [
      ['01-01', '01-03'],
      ['02-15', '02-23'],
      ['04-04', '04-06'],
      ['05-01', '05-05'],
      ['06-19', '06-21'],
      ['09-25', '09-27'],
      ['10-01', '10-07'],
    ],
    workdays: ['01-04', '02-14', '02-28', '05-09', '09-20', '10-10'],
  },
};

const cal = loadCalendar();

describe('working-day calendar against the State Council notices', () => {
  for (const [yearText, notice] of Object.entries(NOTICES)) {
    const year = Number(yearText);
    it(`every day of ${year} is a working day exactly as the notice says`, () => {
      const off = new Set<number>();
      for (const [a, b] of notice.holidays) for (let d = dayOf(`${year}-${a}`); d <= dayOf(`${year}-${b}`); d++) off.add(d);
      const makeUp = new Set(notice.workdays.map((w) => dayOf(`${year}-${w}`)));
      const wrong: string[] = [];
      for (let d = dayOf(`${year}-01-01`); d <= dayOf(`${year}-12-31`); d++) {
        const weekend = weekdayOf(d) === 0 || weekdayOf(d) === 6;
        const expected = makeUp.has(d) || (!weekend && !off.has(d));
        if (cal.isWorkingDay(d) !== expected) wrong.push(dateOf(d));
      }
      expect(wrong).toEqual([]);
    });
  }

  it("2019's 元旦 begins in 2018 as its notice says (2018-12-29 worked, 12-30 and 12-31 off), while 2018 itself has no notice", () => {
    expect(['2018-12-28', '2018-12-29', '2018-12-30', '2018-12-31'].map((d) => cal.isWorkingDay(dayOf(d)))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(cal.describe(dayOf('2018-12-29'))).toEqual({ kind: 'makeup-workday', name: '元旦调休上班' });
    expect(cal.coveredYears).not.toContain(2018);
    expect(cal.touchesUncovered(dayOf('2018-12-20'), dayOf('2019-01-05'))).toBe(true);
    expect(cal.touchesUncovered(dayOf('2019-01-01'), dayOf('2019-12-31'))).toBe(false);
  });

  it('records each year with its notice number and publication date', () => {
    const y2025 = cal.data!.years.find((y) => y.year === 2025)!;
    expect(y2025.notice).toBe('国办发明电〔2024〕12号');
    expect(y2025.published).toBe('2024-11-12');
    const y2020 = cal.data!.years.find((y) => y.year === 2020)!;
    expect(y2020.supplements[0]?.notice).toBe('国办发明电〔2020〕1号');
    const y2019 = cal.data!.years.find((y) => y.year === 2019)!;
    expect([y2019.notice, y2019.supplements[0]?.notice]).toEqual(['国办发明电〔2018〕15号', '国办发明电〔2019〕3号']);
  });

  it('names the reason a day is off', () => {
    expect(cal.describe(dayOf('2025-10-03'))).toEqual({ kind: 'holiday', name: '国庆节' });
    expect(cal.describe(dayOf('2025-09-28')).kind).toBe('makeup-workday');
    expect(cal.describe(dayOf('2025-09-27'))).toEqual({ kind: 'weekend' });
  });

  it('a year without a notice counts weekends only', () => {
    expect(cal.coveredYears).not.toContain(2030);
    expect(cal.isWorkingDay(dayOf('2030-10-01'))).toBe(true); // a Tuesday, no notice yet
    expect(cal.isWorkingDay(dayOf('2030-10-05'))).toBe(false); // Saturday
    expect(cal.touchesUncovered(dayOf('2026-12-20'), dayOf('2027-01-05'))).toBe(true);
    expect(cal.touchesUncovered(dayOf('2026-11-20'), dayOf('2026-12-05'))).toBe(false);
  });
});

describe('the calendar a start records (issue 14)', () => {
  // As recorded in the start's input and read back from the history: JSON.
  const snapshot = JSON.parse(JSON.stringify(cal.snapshot()));
  const rebuilt = WorkCalendar.fromSnapshot(CalendarSnapshotSchema.parse(snapshot));

  it('keeps the working days, the covered years and the version, without the notices’ texts', () => {
    expect([rebuilt.version, rebuilt.coveredYears]).toEqual([cal.version, cal.coveredYears]);
    for (let d = dayOf('2018-01-01'); d <= dayOf('2030-12-31'); d++) {
      expect(rebuilt.describe(d).kind, dateOf(d)).toBe(cal.describe(d).kind);
      expect(rebuilt.touchesUncovered(d - 1, d), dateOf(d)).toBe(cal.touchesUncovered(d - 1, d));
    }
    expect(JSON.stringify(snapshot)).not.toContain('国办发明电');
    expect(snapshot.years.find((y: { year: number }) => y.year === 2019).workdays).toContain('2018-12-29');
  });

  it('refuses a malformed snapshot, naming the field', () => {
    const bad = structuredClone(snapshot);
    bad.years[1].holidays[0][1] = '2020-02-30';
    const r = CalendarSnapshotSchema.safeParse(bad);
    expect(r.error?.issues).toContainEqual(
      expect.objectContaining({ path: ['years', 1, 'holidays', 0, 1], message: 'not a calendar date' }),
    );
  });
});

describe('calendar data validation', () => {
  const base = structuredClone(embedded);

  it('accepts the embedded data', () => {
    expect(() => WorkCalendar.fromJSON(base)).not.toThrow();
  });

  it('rejects a make-up working day on a weekday, naming the field', () => {
    const bad = structuredClone(base);
    bad.years[1]!.workdays.push({ date: '2020-03-04', name: '错误' });
    expect(() => WorkCalendar.fromJSON(bad)).toThrow(/years\.1\.workdays\.\d+: 2020-03-04 is a weekday/);
  });

  it('rejects an impossible date', () => {
    const bad = structuredClone(base);
    bad.years[2]!.holidays[0]!.to = '2021-02-30';
    expect(() => WorkCalendar.fromJSON(bad)).toThrow(/years\.2\.holidays\.0\.to: not a calendar date/);
  });

  it('rejects a duplicated year', () => {
    const bad = structuredClone(base);
    bad.years.push(structuredClone(bad.years[3]!));
    expect(() => WorkCalendar.fromJSON(bad)).toThrow(/years\.8\.year: year 2022 appears twice/);
  });

  it('loads an updated calendar file at run time (no code change)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const updated = structuredClone(base);
    updated.version = 'cn-2027@test';
    updated.years.push({
      year: 2027,
      notice: '测试通知',
      published: '2026-11-01',
      url: 'https://example.invalid/2027',
      supplements: [],
      holidays: [{ from: '2027-01-01', to: '2027-01-03', name: '元旦' }],
      workdays: [],
    });
    const file = join(mkdtempSync(join(tmpdir(), 'cal-')), 'cal.json');
    writeFileSync(file, JSON.stringify(updated));
    const next = loadCalendar(file);
    expect(next.version).toBe('cn-2027@test');
    expect(next.isWorkingDay(dayOf('2027-01-01'))).toBe(false);
    expect(next.touchesUncovered(dayOf('2026-12-20'), dayOf('2027-01-05'))).toBe(false);
  });

  it('runs under the time zone its project sets', () => {
    // Guards the time-zone runs themselves: if TZ were not applied, they would prove nothing.
    const offsets: Record<string, number> = { UTC: 0, 'America/New_York': 300 };
    expect(new Date(2025, 0, 15).getTimezoneOffset()).toBe(offsets[process.env.EXPECT_TZ ?? 'UTC']);
  });
});

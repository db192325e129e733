import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (args: string[], input?: string) =>
  spawnSync('npm', ['run', '-s', 'deadline', '--', ...args], { input, encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });

describe('what-if CLI', () => {
  it('prints a readable explanation', () => {
    const r = run(['--rule', 'working-days', '--n', '10', '--from', '2025-09-26']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('期限届满：2025-10-16 24:00（北京时间）');
    expect(r.stdout).toContain('2025-10-03 法定节假日（国庆节）');
  });

  it('answers JSON lines in order, one per line, nothing else on stdout, and goes on after a bad line', () => {
    const lines = [
      { rule: 'working-days', n: 10, from: '2025-09-26' },
      { rule: 'calendar-days', n: 30, from: '2025-09-01' },
      'not json',
      { rule: 'working-days', n: 10, from: '2026-02-10' },
      { rule: 'calendar-days', n: 30, from: '2026-01-20' },
      { rule: 'weeks', n: 1, from: '2026-01-20' },
      { rule: 'calendar-days', n: 30, from: '2025-09-01', extensions: [30], suspensions: [['2025-09-10', '2025-09-17']] },
      { rule: 'hours', n: 24, from: '2025-09-30T21:30:00+08:00' },
    ];
    const r = run(['--batch'], lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    expect(r.status).toBe(0);
    const out = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(lines.length);
    expect(out[0]).toMatchObject({ lastDay: '2025-10-16', dueAt: '2025-10-16T16:00:00.000Z', provisional: false });
    expect(out[1].lastDay).toBe('2025-10-09');
    expect(out[2].error).toMatch(/JSON/);
    expect(out[3].lastDay).toBe('2026-03-02');
    expect(out[4].lastDay).toBe('2026-02-24');
    expect(out[5].error).toMatch(/rule/);
    expect(out[6].lastDay).toBe('2025-11-07');
    expect(out[7]).toMatchObject({ dueAt: '2025-10-01T13:30:00.000Z' });
    expect(out[7].lastDay).toBeUndefined();
  });
});

/**
 * Linux /proc, read once: every process's parent, name, state and CPU seconds (user + system, its own and
 * its waited-for children's; clock ticks of 1/100 s). The benches count CPU by process tree with it,
 * the tests check what a process left behind.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  ppid: number;
  /** The command name (/proc/PID/comm, at most 15 characters). */
  name: string;
  /** R, S, D, Z (a zombie waiting to be reaped), … */
  state: string;
  cpu: number;
}

export function processTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // After the command name in parentheses: state, ppid, …, utime (14th field), stime, cutime, cstime.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(') '));
      table.set(Number(name), { state: fields[0]!, ppid: Number(fields[1]), name: comm, cpu: ticks / 100 });
    } catch {
      // ended while read
    }
  }
  return table;
}

/** The descendants of a process, children before theirs. */
export function descendantsOf(table: Map<number, ProcessInfo>, pid: number): number[] {
  const out: number[] = [];
  for (const [child, p] of table) if (p.ppid === pid) out.push(child, ...descendantsOf(table, child));
  return out;
}

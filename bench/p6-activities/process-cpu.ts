// CPU time (user + system) of a process tree from /proc (Linux), for bench:p6's per-walk
// figures: steadier than wall time on a shared, loaded machine.
import fs from 'node:fs';
import { processTree } from '../support/process-memory.js';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** User + system CPU in ms of `pid` and every process below it (0 for those gone). */
export function treeCpuMs(pid: number): number {
  let ms = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14 and 15 (utime, stime), counted from after the name: indexes 11 and 12.
      ms += (Number(f[11]) + Number(f[12])) * TICK_MS;
    } catch {
      // The process ended while we looked.
    }
  }
  return ms;
}

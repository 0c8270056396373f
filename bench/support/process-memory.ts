// Memory figures of a process tree from /proc (Linux), for the benches. A sandboxed server
// child is a launcher with the real node below it (bwrap → node, issue 10), so a figure for
// "the child" must cover the tree under the pid the host reports, not that pid alone.
import fs from 'node:fs';

/** Current (VmRSS) and peak (VmHWM) resident memory in KiB. */
export interface MemoryKb {
  readonly rss: number;
  readonly hwm: number;
}

/** One process's figures; throws when it is gone. */
export function processMemoryKb(pid: number): MemoryKb {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1]), hwm: Number(/VmHWM:\s+(\d+)/.exec(s)?.[1]) };
}

/** `pid` and every process below it. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent; the name (field 2) may hold spaces, so cut after ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  for (const queue = [pid]; queue.length > 0; ) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

/** The sums over the tree under `pid` (peaks summed: an upper bound of the tree's peak). */
export function treeMemoryKb(pid: number): MemoryKb {
  let rss = 0;
  let hwm = 0;
  for (const p of processTree(pid)) {
    try {
      const m = processMemoryKb(p);
      rss += m.rss;
      hwm += m.hwm;
    } catch {
      // Gone.
    }
  }
  return { rss, hwm };
}

import fs from 'node:fs';

/**
 * Pids of the live processes whose environment holds `KEYBROKER_CHILD=<name>`: the server
 * child the supervisor started as `name`, sandboxed or not, and whether or not its parent
 * (bwrap) is still there. Use a name no other test uses. Linux only (reads /proc); a zombie
 * has no environment left and is not listed.
 */
export function childProcessesNamed(name: string): number[] {
  const wanted = `KEYBROKER_CHILD=${name}`;
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue; // Gone meanwhile, or not ours.
    }
    if (environ.split('\0').includes(wanted)) pids.push(Number(entry));
  }
  return pids;
}

/** SIGKILL every process {@link childProcessesNamed} finds (a test's own leftovers, after a failure). */
export function killChildProcessesNamed(name: string): void {
  for (const pid of childProcessesNamed(name)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

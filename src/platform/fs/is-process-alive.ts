/**
 * True when a process with `pid` exists (signal 0 probes without sending anything). A
 * process of another user answers EPERM: it exists. A zombie (exited, not yet reaped by its
 * parent) still counts as alive until it is reaped.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

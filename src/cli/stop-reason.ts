/**
 * Why the CLI was asked to stop (issue 10 item 6). A terminal's Ctrl-C, a service manager's
 * SIGTERM, a closed terminal's SIGHUP and a reader that went away (EPIPE on stdout/stderr:
 * what SIGPIPE means) all end a command through the same path: `serve` logs out of every
 * upstream session and exits 0.
 */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'output closed';

/** The signals that stop the CLI gracefully. SIGPIPE is deliberately absent (docs/DECISIONS.md). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The reason an aborted stop signal carries, or `'SIGINT'` for one aborted without a known reason. */
export function stopReasonOf(signal: AbortSignal): StopReason {
  const r: unknown = signal.reason;
  return r === 'SIGTERM' || r === 'SIGHUP' || r === 'output closed' ? r : 'SIGINT';
}

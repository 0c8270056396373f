/**
 * Why the CLI was asked to stop (issue 10 item 6). A terminal's Ctrl-C, a service manager's
 * SIGTERM and a closed terminal's SIGHUP end a command through the same path: `serve` logs
 * out of every upstream session and exits 0. A reader that went away (EPIPE on
 * stdout/stderr, what SIGPIPE means) ends every command but `serve` the same way.
 */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'output closed';

/** The signals that stop the CLI gracefully. SIGPIPE is deliberately absent (docs/DECISIONS.md). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The reason an aborted stop signal carries, or `'SIGINT'` for one aborted without a known reason. */
export function stopReasonOf(signal: AbortSignal): StopReason {
  const r: unknown = signal.reason;
  return r === 'SIGTERM' || r === 'SIGHUP' || r === 'output closed' ? r : 'SIGINT';
}

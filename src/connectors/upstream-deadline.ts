/** A session request's total deadline (login, logout) when the caller gives none: as VsphereClient's per call. */
export const SESSION_TIMEOUT_MS = 60_000;

/**
 * Runs `run` with a signal that aborts at `timeoutMs` after the start (or when `outer` does):
 * one deadline for everything `run` sends and reads, answer headers and body together. The
 * dispatcher's own timeouts do not bound that: its body timeout is between two chunks, so a
 * server that trickles a byte a minute holds a request without end, and one that never
 * answers holds it for the headers timeout. When the deadline fired first, the error is
 * `timedOut(cause)` (a CONN_TIMEOUT naming what did not answer, as VsphereClient and P6 do),
 * not the bare DOMException undici rejects with, which the tools' error policy takes for a
 * bug (D136). A caller's abort stays the caller's: its error passes through.
 */
export async function withUpstreamDeadline<T>(
  timeoutMs: number,
  outer: AbortSignal | undefined,
  timedOut: (cause: unknown) => Error,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    return await run(outer ? AbortSignal.any([outer, deadline]) : deadline);
  } catch (error) {
    if (deadline.aborted && !outer?.aborted) throw timedOut(error);
    throw error;
  }
}

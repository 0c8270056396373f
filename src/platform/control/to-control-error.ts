/** What the control socket sends back for a failed request. */
export interface ControlErrorBody {
  readonly code: string;
  readonly message: string;
}

/** The answer for anything that is not one of our coded errors: no detail leaves the host. */
export const INTERNAL_CONTROL_ERROR: ControlErrorBody = Object.freeze({ code: 'CORE_INTERNAL', message: 'internal error; see the host log' });

const CODED = /^(CORE|CONN)_[A-Z0-9_]{1,64}$/;

/**
 * Map a thrown value to `{code, message}` for the wire (STYLE.md §8).
 *
 * Security: only our coded errors (CoreError `CORE_*`, ConnectorError `CONN_*`) keep their
 * message, because those messages are written to be safe. Anything else (a Node system error
 * with a path, a TypeError from a bug) becomes CORE_INTERNAL: no stack, no detail.
 */
export function toControlError(e: unknown): ControlErrorBody {
  const candidate = e as { code?: unknown; message?: unknown } | null | undefined;
  if (candidate && typeof candidate.code === 'string' && CODED.test(candidate.code) && typeof candidate.message === 'string') {
    // One line: the CLI prints it as is.
    return { code: candidate.code, message: candidate.message.replace(/[\r\n]+/g, ' ').slice(0, 1024) };
  }
  return INTERNAL_CONTROL_ERROR;
}

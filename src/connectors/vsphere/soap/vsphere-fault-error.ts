import { ConnectorError } from '../../connector-error.js';

/**
 * A vim25 fault that is not about the session (InvalidPowerState, ManagedObjectNotFound,
 * ToolsUnavailable…), from a SOAP fault or a failed Task. `faultType` lets callers branch
 * on the fault without parsing the message (issue 5: "faults map to coded errors").
 */
export class VsphereFaultError extends ConnectorError {
  override readonly name = 'VsphereFaultError' as const;

  constructor(
    /** The vim25 fault type, e.g. `InvalidPowerState`; undefined when the server gave no detail. */
    readonly faultType: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('CONN_FAULT', message, options);
  }
}

/** True for a VsphereFaultError of the given type. */
export const isVsphereFault = (e: unknown, type?: string): e is VsphereFaultError =>
  e instanceof VsphereFaultError && (type === undefined || e.faultType === type);

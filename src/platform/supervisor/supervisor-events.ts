import type { ChildProcessHandle, ExitEvent } from './child-process-handle.js';
import type { ServerSpec } from './server-spec.js';

/** A server child was (re)started; listeners attach the broker and gateway to `handle`. */
export interface ChildStartEvent {
  readonly spec: ServerSpec;
  /** The new process lifetime. Its messages arrive on later turns, so attaching here misses none. */
  readonly handle: ChildProcessHandle;
  /** False for the first start after `add`, true for every later one (after a crash or `restart`). */
  readonly restart: boolean;
  /**
   * A server config.json added: the SHA-256 of the code this lifetime was started with
   * (ModuleSnapshot, D2-modulebytes), which its approval is bound to. Absent for a built-in server.
   */
  readonly codeSha256?: string;
}

/** A server child exited, intended or not. */
export interface ChildExitEvent {
  readonly spec: ServerSpec;
  readonly exit: ExitEvent;
  /** True when a new process will follow (backoff after a crash, or a manual restart). */
  readonly willRestart: boolean;
}

import type { Writable } from 'node:stream';

/** What a command may touch: its streams and environment, injected so tests can drive it in-process. */
export interface CliContext {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Resolves when the user asks the process to stop (SIGINT/SIGTERM). */
  readonly stopSignal: AbortSignal;
}

/** One `keybroker` sub-command. */
export interface Command {
  readonly name: string;
  /** One usage line per form, shown by `keybroker help` and on usage errors. */
  readonly usage: readonly string[];
  readonly summary: string;
  run(ctx: CliContext): Promise<number>;
}

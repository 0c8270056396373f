import type { Writable } from 'node:stream';
import type { EndpointKind } from '../base/contracts/names.js';
import type { UpstreamLogin } from '../platform/broker/upstream-login.js';
import type { Keychain } from '../platform/keychain/keychain.js';

/** Services a command would otherwise create itself; tests replace them with fakes. */
export interface CliServices {
  /** The OS keychain; default the home's own (openHomeKeychain), loaded only by commands that need it. */
  readonly keychain?: () => Keychain;
  /** Upstream logins for `endpoint add/update`'s login test; default the broker's vSphere and P6 adapters. */
  readonly logins?: () => Readonly<Record<EndpointKind, UpstreamLogin>>;
  /** Epoch ms now; default `Date.now`. For "age" and "expires in" columns. */
  readonly now?: () => number;
}

/** What a command may touch: its streams and environment, injected so tests can drive it in-process. */
export interface CliContext {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Resolves when the user asks the process to stop (SIGINT/SIGTERM). */
  readonly stopSignal: AbortSignal;
  readonly services?: CliServices;
}

/** One `keybroker` sub-command. */
export interface Command {
  readonly name: string;
  /** One usage line per form, shown by `keybroker help` and on usage errors. */
  readonly usage: readonly string[];
  readonly summary: string;
  run(ctx: CliContext): Promise<number>;
}

import { inspect } from 'node:util';
import { isConnectorError } from '../../../connectors/connector-error.js';
import { McpToolError } from './mcp-tool-error.js';

/** Where a server writes a line of its log: stderr, which the host's supervisor logs as `[name pid] …`. */
export type ToolLog = (line: string) => void;

/** The default log: stderr (stdout carries protocol only, STYLE.md §10). */
export const stderrLog: ToolLog = (line) => void process.stderr.write(`${line}\n`);

/** Code of the one sentence an unexpected failure shows the model. */
export const INTERNAL_ERROR_CODE = 'MCP_INTERNAL_ERROR';

/**
 * An expected failure: ours (McpToolError and its subclasses, the token errors) or the
 * connector's (ConnectorError, checked by code so a second copy in a bundle still counts).
 */
export function isExpectedToolError(error: unknown): error is Error & { code: string } {
  return error instanceof McpToolError || isConnectorError(error);
}

/**
 * An unexpected error for the log: its stack (name and message first), then its causes' the
 * same way. Only those: an error's other own properties (a request's options, a response) may
 * hold a header or a body, so they stay out, and a thrown non-Error is shown one level deep.
 */
export function describeError(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return inspect(error, { depth: 0, breakLength: Infinity });
  const own = error.stack ?? `${error.name}: ${error.message}`;
  if (error.cause === undefined || depth >= 3) return own;
  return `${own}\ncaused by: ${describeError(error.cause, depth + 1)}`;
}

/**
 * The one error policy of every KeyBroker MCP server (issue 13 item 4). An expected failure
 * reaches the model as `CODE: message` (its message is written for the model). Anything
 * else is a bug: the model gets one generic sentence and the log gets the whole error
 * (name, message, stack, cause), so neither a bug's text nor a stack reaches the model.
 */
export class ToolErrorPolicy {
  constructor(
    /** The server, for the log line and the generic sentence: `vsphere`, `p6`. */
    private readonly server: string,
    private readonly log: ToolLog = stderrLog,
  ) {}

  /**
   * True when `tool` failed because its request was cancelled (the client's
   * `notifications/cancelled`, or its transport closing, aborted `signal`): an expected end,
   * logged as one line, not as a bug. The caller then rethrows: the SDK sends no reply to a
   * cancelled request (MCP: a cancelled request gets no response), so no text is made for it.
   */
  cancelled(tool: string, signal: AbortSignal | undefined): boolean {
    if (!signal?.aborted) return false;
    this.log(`${this.server}: ${tool} was cancelled by the client`);
    return true;
  }

  /** The text the model sees for `error`, thrown by `tool`; logs an unexpected one in full. */
  text(error: unknown, tool: string): string {
    if (isExpectedToolError(error)) return `${error.code}: ${error.message}`;
    // Security: a bug's message may quote inputs, upstream bodies or internals; only the log
    // (the host's, never the model's) gets it, with the stack.
    this.log(`${this.server}: ${tool} failed unexpectedly: ${describeError(error)}`);
    return `${INTERNAL_ERROR_CODE}: ${tool} failed because of an internal error in KeyBroker's ${this.server} server (the details are in KeyBroker's log); tell the user, and do not retry the same call.`;
  }
}

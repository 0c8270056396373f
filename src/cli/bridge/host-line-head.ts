import { ERROR_AFTER_ID, RESPONSE_HEAD, RESULT_AFTER_ID } from '../../platform/gateway/response-line-form.js';
import { isRequestId, type RequestId } from './pending-requests.js';

/** What a host line means to the bridge: the request it answers, if any. */
export interface HostLineHead {
  /** The id of the client's request this line answers; undefined for a notification or a request. */
  readonly answers: RequestId | undefined;
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const RESPONSE = bytes(RESPONSE_HEAD);
const RESULT = bytes(RESULT_AFTER_ID);
const ERROR = bytes(ERROR_AFTER_ID);
const METHOD_FIRST = bytes('{"method":');
const METHOD_SECOND = bytes('{"jsonrpc":"2.0","method":');
const decoder = new TextDecoder('utf-8', { fatal: true });
const NOTHING: HostLineHead = { answers: undefined };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** True when `line` holds `part` at `at` (past the end, a byte reads undefined and differs). */
function has(line: Uint8Array, at: number, part: Uint8Array): boolean {
  for (let i = 0; i < part.length; i++) if (line[at + i] !== part[i]) return false;
  return true;
}

/**
 * Where the id token starting at `at` ends: after the closing quote of a string (the line's
 * end if it has none), else at the next comma (-1 if none). Whether the token is an id is
 * JSON.parse's to say.
 */
function idEnd(line: Uint8Array, at: number): number {
  let i = at;
  if (line[i] === QUOTE) {
    // Stryker disable next-line EqualityOperator: one step past the end reads undefined, which ends the loop the same way.
    for (i++; i < line.length; i++) {
      if (line[i] === BACKSLASH) i++;
      else if (line[i] === QUOTE) return i + 1;
    }
    return line.length;
  }
  return line.indexOf(COMMA, at);
}

/** The JSON value of `token`, or undefined when it is not one (the full parse then decides). */
function tokenValue(token: Uint8Array): unknown {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(token));
  } catch {
    // Not a JSON value: undefined, and the full parse decides.
  }
  return value;
}

/**
 * What a line from the host means to the bridge, read from its first bytes without parsing
 * the line (issue 17): a response in the host's fixed form (RESPONSE_HEAD, the id, then
 * `,"result":` or `,"error":`) answers that id; a line whose first key is `method` (a
 * notification or a request of the host's) answers nothing, whatever follows. Undefined for
 * anything else: the caller parses the line and decides as before.
 *
 * Trust: the host is the same user's process behind a 0600 socket, and its encoder
 * (gateway/json-rpc-line.ts) writes the fixed form only for a message of exactly `jsonrpc`,
 * `id` and `result` or `error`, with its own id, so nothing after the head can name another
 * id or a method. A line the host did not write that way (say JSON that is not JSON-RPC) is
 * passed on as before, unparsed here only when its head already decides it.
 */
export function readHostLineHead(line: Uint8Array): HostLineHead | undefined {
  if (has(line, 0, METHOD_FIRST) || has(line, 0, METHOD_SECOND)) return NOTHING;
  if (!has(line, 0, RESPONSE)) return undefined;
  const end = idEnd(line, RESPONSE.length);
  if (!(has(line, end, RESULT) || has(line, end, ERROR))) return undefined;
  const id = tokenValue(line.subarray(RESPONSE.length, end));
  return isRequestId(id) ? { answers: id } : undefined;
}

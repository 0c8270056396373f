// Issue 17 item 3: the host writes a child's tools/call result to the client as the bytes the
// child sent, instead of JSON.stringify of the object it parsed from them. The host still
// parses and checks every child line (the channel's limits, the envelope); only the
// re-encoding is skipped, and only where the bytes provably are that one value.
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, CR, isDigitByte, isMinusZeroAt, LF, LOWER_E, MAX_PLAIN_DIGIT_RUN, MINUS, NINE, OPEN_BRACE, OPEN_BRACKET, QUOTE, UPPER_E, ZERO } from '../../base/framing/json-number-bytes.js';
import { lineScan } from '../supervisor/child-channel.js';

/**
 * Where a parsed result keeps the channel line it came from: a non-enumerable property under a
 * symbol of this module. JSON.stringify, Object.keys, spread, Object.assign and structuredClone
 * do not see or copy it, and JSON.parse cannot make one, so only the very object parsed from
 * the line has it. It is held for one turn of the event loop at most (forgetRemembered): a
 * result that never reaches this encoder (another front door, a cancelled call) kept its
 * megabytes of line as long as the result lived, +50–100 ms of host CPU per P6 walk measured.
 */
const LINE = Symbol('keybroker.childLine');

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
/** The frame our children write: `{ch:'mcp', msg}` with the SDK's response `{result, jsonrpc, id}`. */
const RESULT_FIRST_HEAD = ascii('{"ch":"mcp","msg":{"result":');
const RESULT_FIRST_TAIL = ascii(',"jsonrpc":"2.0","id":');
/** The same response id-first (`{jsonrpc, id, result}`), as another writer may order it. */
const ID_FIRST_HEAD = ascii('{"ch":"mcp","msg":{"jsonrpc":"2.0","id":');
const ID_FIRST_RESULT = ascii(',"result":');


/** True when `line` holds `part` at `at` (outside the line a byte reads undefined and differs). */
function has(line: Uint8Array, at: number, part: Uint8Array): boolean {
  for (let i = 0; i < part.length; i++) if (line[at + i] !== part[i]) return false;
  return true;
}

/**
 * Where the `result` value sits in a child's channel line, for the two fixed forms of a
 * response frame (`{"ch":"mcp","msg":{"result":R,"jsonrpc":"2.0","id":N}}` and
 * `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":N,"result":R}}`, N digits): `[start, end)` of R,
 * or undefined for any other line. Only the bytes around R are read here; that R is one
 * value is isOneJsonObject's to say.
 */
export function resultSpan(line: Uint8Array): readonly [number, number] | undefined {
  const n = line.length;
  if (line[n - 1] !== CLOSE_BRACE || line[n - 2] !== CLOSE_BRACE) return undefined;
  if (has(line, 0, RESULT_FIRST_HEAD)) {
    // Back from the closing braces over the id's digits, then the fixed tail before them.
    let id = n - 2;
    while (isDigitByte(line[id - 1])) id--;
    const end = id - RESULT_FIRST_TAIL.length;
    return id < n - 2 && has(line, end, RESULT_FIRST_TAIL) ? [RESULT_FIRST_HEAD.length, end] : undefined;
  }
  if (has(line, 0, ID_FIRST_HEAD)) {
    let after = ID_FIRST_HEAD.length;
    while (isDigitByte(line[after])) after++;
    return after > ID_FIRST_HEAD.length && has(line, after, ID_FIRST_RESULT) ? [after + ID_FIRST_RESULT.length, n - 2] : undefined;
  }
  return undefined;
}

/**
 * True when `bytes[start, end)` of a line that parsed as JSON is exactly ONE JSON object: it
 * starts with `{`, and a scan that follows strings (and the escapes in them) and the depth of
 * `{[` / `}]` comes back to depth 0 at its last byte and not before. So whatever surrounds
 * it, a JSON parser reads these bytes as that one value and nothing else: they cannot close
 * the envelope around them and add keys or a second message.
 *
 * Also false, so the caller re-encodes, where the bytes would parse to something
 * JSON.stringify of the value does not write: a CR or LF between tokens (a client may split
 * lines there), a number with an exponent or a very long digit run (one past
 * Number.MAX_VALUE is Infinity, which JSON.stringify writes as null), and minus zero.
 */
export function isOneJsonObject(bytes: Uint8Array, start: number, end: number): boolean {
  if (bytes[start] !== OPEN_BRACE) return false;
  let depth = 0;
  let run = 0;
  // Stryker disable next-line EqualityOperator: the byte at `end` can only close a value that did not end before it, which is refused either way (i === end is not end - 1).
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      // A string: skip to its closing quote; an escape's next byte is never the end.
      // Stryker disable next-line EqualityOperator: a string still open at `end` is not one value either way (the scan ends without depth 0).
      for (i++; i < end && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
      run = 0;
      continue;
    }
    if (c >= ZERO && c <= NINE) {
      if (++run > MAX_PLAIN_DIGIT_RUN) return false;
      continue;
    }
    run = 0;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      // Security: the value ends where the depth first comes back to 0, and that must be the last byte.
      if (--depth === 0) return i === end - 1;
    } else if (c === CR || c === LF) return false;
    else if ((c === LOWER_E || c === UPPER_E) && isDigitByte(bytes[i - 1])) return false;
    else if (c === MINUS && bytes[i + 1] === ZERO && isMinusZeroAt(bytes, i)) return false;
  }
  return false;
}

/**
 * Remember that `result` was parsed from the child's channel line `line` (the line the
 * channel reader delivered the frame from; the caller passes the frame's own `msg.result`),
 * until the end of this turn of the event loop.
 */
export function rememberResultLine(result: object, line: Uint8Array): void {
  Object.defineProperty(result, LINE, { value: line, writable: true });
  setImmediate(forget, result);
}

/**
 * Drop the line `result` still holds. The answer to a call is written in the same turn as the
 * child's result arrives (the gateway's path from the child's response to the client's socket
 * is promises only), so a line is held no longer than that turn: the host's memory is what it
 * was without the splice. A result written later (say behind a full socket) is encoded instead.
 */
function forget(result: object): void {
  (result as { [LINE]: Uint8Array | undefined })[LINE] = undefined;
}

/** True when `line`'s result at `span` is one plain JSON object (the channel's scan, or a scan here). */
function isOneObjectAt(line: Uint8Array, span: readonly [number, number]): boolean {
  const scan = lineScan(line);
  // Stryker disable next-line ConditionalExpression: the same answer either way (differential test in child-channel-scan.test.ts); the channel's scan only saves a second pass.
  if (scan === undefined) return isOneJsonObject(line, span[0], span[1]);
  // A long line was scanned once already, while the channel read it (scanJsonLine), and that
  // scan says the same as isOneJsonObject. The head before the result is fixed bytes at depth
  // 2 with no close in them, so the result opens depth 3, and it is one value exactly when the
  // line's first close back to depth 2 is its last byte; the fixed bytes around it hold no CR,
  // LF, exponent, minus zero or long digit run, so `plain` over the line is over the result.
  return scan.plain && line[span[0]] === OPEN_BRACE && scan.firstCloseToDepth2 === span[1] - 1;
}

/**
 * The child's own bytes of `result`, when they can be written in its place: `result` is the
 * very object parsed from a remembered line (identity: its own hidden property), that line is a
 * response frame of a fixed form (resultSpan), and its result bytes are exactly one JSON
 * object (isOneJsonObject). Undefined otherwise, or when the line is shorter than
 * `fromBytes`: the caller encodes `result` itself.
 */
export function forwardedResultBytes(result: unknown, fromBytes = 0): Uint8Array | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  // Security: identity. Only the object parsed from this line has it as its own property; a
  // copy, a gateway-made result or another call's result has none.
  const line = (Object.getOwnPropertyDescriptor(result, LINE)?.value as Uint8Array | undefined);
  if (line === undefined) return undefined;
  // Once asked, forgotten: the bytes are written now or never (a result is answered once).
  forget(result);
  if (line.length < fromBytes) return undefined;
  const span = resultSpan(line);
  return span !== undefined && isOneObjectAt(line, span) ? line.subarray(span[0], span[1]) : undefined;
}

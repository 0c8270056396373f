/** Why a line was dropped: longer than the cap, or not UTF-8 JSON. */
export type InvalidLineReason = 'too-long' | 'invalid-json';

/** What a LineFramer does with each line. */
export interface LineFramerOptions {
  /** Longest accepted line in bytes, newline excluded. */
  readonly maxLineBytes: number;
  /**
   * A complete line that parsed as JSON, with the line's bytes (newline and CR removed), so
   * a pass-through can forward them as they came instead of encoding the value again.
   */
  onValue(value: unknown, line: Uint8Array): void;
  /** A line that was dropped; the stream continues with the next one. */
  onInvalid(reason: InvalidLineReason): void;
  /**
   * Optional check of a complete line's bytes before it is parsed (newline and CR removed).
   * Return false to drop it unparsed; reporting it is then the caller's job.
   */
  acceptLine?(line: Uint8Array): boolean;
}

const NEWLINE = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: true });

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  // Stryker disable next-line ConditionalExpression: copying a single part gives the same bytes; the branch only saves the copy.
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Splits a byte stream into newline-delimited JSON values. Runtime-neutral (Uint8Array and
 * TextDecoder only), so the host and the MCP server children frame their channel with the
 * same code.
 *
 * Security: memory stays bounded by `maxLineBytes` whatever the peer sends. As soon as a
 * line grows past the cap it is reported and the framer skips bytes until the next newline
 * without keeping them, so an 11 MiB line costs one chunk at a time, not 11 MiB.
 */
export class LineFramer {
  private parts: Uint8Array[] = [];
  private partsBytes = 0;
  private skipping = false;

  constructor(private readonly options: LineFramerOptions) {}

  /** Bytes of the unfinished line held right now; never more than `maxLineBytes`. */
  get bufferedBytes(): number {
    return this.partsBytes;
  }

  /** Feed the next chunk; complete lines are delivered synchronously, in order. */
  push(chunk: Uint8Array): void {
    let rest = chunk;
    // Stryker disable next-line EqualityOperator: with nothing left, both branches below return at once.
    while (rest.length > 0) {
      const nl = rest.indexOf(NEWLINE);
      if (this.skipping) {
        if (nl === -1) return; // Still inside the oversized line: drop the whole chunk.
        this.skipping = false;
        rest = rest.subarray(nl + 1);
        continue;
      }
      if (nl === -1) {
        this.keep(rest);
        return;
      }
      if (this.partsBytes + nl > this.options.maxLineBytes) {
        this.drop();
        this.options.onInvalid('too-long');
      } else {
        const head = rest.subarray(0, nl);
        // Stryker disable next-line ConditionalExpression: concat of no parts is the same bytes; the branch only saves a copy.
        const line = this.parts.length === 0 ? head : concat([...this.parts, head], this.partsBytes + nl);
        this.drop();
        this.deliver(line);
      }
      rest = rest.subarray(nl + 1);
    }
  }

  /** The peer finished sending: a last line without a trailing newline still counts. */
  end(): void {
    // With nothing buffered (skipping an oversized line keeps nothing) the line is empty and
    // deliver() drops it as a blank line.
    const line = concat(this.parts, this.partsBytes);
    this.drop();
    this.skipping = false;
    this.deliver(line);
  }

  private keep(piece: Uint8Array): void {
    if (this.partsBytes + piece.length > this.options.maxLineBytes) {
      // Report now rather than at the newline: the peer may never send one.
      this.drop();
      this.skipping = true;
      this.options.onInvalid('too-long');
      return;
    }
    // Copy (a new Uint8Array over a view copies its bytes), so a small remainder does not
    // pin the stream's whole chunk in memory.
    this.parts.push(new Uint8Array(piece));
    this.partsBytes += piece.length;
  }

  private drop(): void {
    this.parts = [];
    this.partsBytes = 0;
  }

  private deliver(line: Uint8Array): void {
    // An empty line has no last byte: line[-1] is undefined, not CR.
    const end = line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    if (end === 0) return; // Blank lines are keep-alives, not frames.
    const bytes = line.subarray(0, end);
    if (this.options.acceptLine && !this.options.acceptLine(bytes)) return;
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(bytes));
    } catch {
      this.options.onInvalid('invalid-json');
      return;
    }
    this.options.onValue(value, bytes);
  }
}

import type { Duplex } from 'node:stream';

/** Options of a ReadWindow. */
export interface ReadWindowOptions<T> {
  /** Counted messages handed on and not yet settled, at most; one more is refused. */
  readonly maxInFlight: number;
  /** Hand one message on (in arrival order). */
  readonly deliver: (value: T) => void;
  /** True for a message that will be answered (and so settled); others are handed on uncounted. */
  readonly counts: (value: T) => boolean;
  /** Answer a counted message at once with a refusal, because `maxInFlight` are being served. */
  readonly refuse: (value: T) => void;
}

/**
 * Backpressure for a host socket that answers requests (the gateway and control sockets).
 * Nothing is handed on while the answers already written wait for the peer to read them
 * (`writableNeedDrain`): messages wait here, in order, and the socket is not read until the
 * peer has read, so what one chunk held is all that can wait. A peer may have at most
 * `maxInFlight` requests being served at once; one more is refused at once (`refuse`),
 * never queued, so the connection stays readable (a cancel still gets through).
 *
 * Security: without it a peer that writes requests and never reads the answers made the
 * host buffer every answer: 9 MiB of `tools/list` lines took a host to 1.1 GB of heap
 * (R9-attack, D168). Node's HTTP server pauses pipelined requests the same way.
 */
export class ReadWindow<T> {
  private readonly queue: T[] = [];
  private head = 0;
  private inFlight = 0;
  private pumping = false;
  private paused = false;
  private started = false;

  constructor(
    private readonly socket: Duplex,
    private readonly options: ReadWindowOptions<T>,
  ) {
    socket.on('drain', () => this.pump());
  }

  /** True while the socket is not read because the peer has not read the answers (tests). */
  get holding(): boolean {
    return this.paused;
  }

  /** Slots of the waiting queue, handed-on ones included until it empties (tests: it must not grow for ever). */
  get queueSlots(): number {
    return this.queue.length;
  }

  /** Counted messages being served now (tests). */
  get serving(): number {
    return this.inFlight;
  }

  /** Start reading the socket (unless answers already wait); call once, when the owner is ready. */
  start(): void {
    this.started = true;
    this.pump();
  }

  /** One message arrived. */
  push(value: T): void {
    if (this.head === this.queue.length && !this.socket.writableNeedDrain) {
      // The common case: nothing waits and the answers are being read, so no queueing at all.
      this.admit(value);
      this.flow();
      return;
    }
    this.queue.push(value);
    this.pump();
  }

  /** A counted message was answered, or will never be (a cancelled request). */
  settle(): void {
    if (this.inFlight > 0) this.inFlight -= 1;
  }

  private admit(value: T): void {
    if (!this.options.counts(value)) return this.options.deliver(value);
    // Security: a full window refuses, so a peer cannot have more than maxInFlight served.
    if (this.inFlight >= this.options.maxInFlight) return this.options.refuse(value);
    this.inFlight += 1;
    this.options.deliver(value);
  }

  private pump(): void {
    if (this.pumping) return; // Re-entered from a message being handed on: the loop below goes on.
    this.pumping = true;
    try {
      while (this.head < this.queue.length && !this.socket.writableNeedDrain) {
        const value = this.queue[this.head] as T;
        this.queue[this.head] = undefined as T; // Let it go as soon as it is handed on.
        this.head += 1;
        this.admit(value);
      }
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      }
    } finally {
      this.pumping = false;
    }
    this.flow();
  }

  /** Read the socket while nothing waits; otherwise stop reading it. */
  private flow(): void {
    if (!this.started) return;
    const shut = this.head < this.queue.length || this.socket.writableNeedDrain;
    if (shut && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!shut && (this.paused || this.socket.isPaused())) {
      this.paused = false;
      this.socket.resume();
    }
  }
}

// withUpstreamDeadline on its own (D139; since W1-deadlines every upstream request's deadline
// goes through it): which error a caller gets when the deadline fires, when its own signal
// aborts, and when both have by the time the request fails. The requests here are promises
// that end with the signal they are given, so each case is decided by the signals alone.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { withUpstreamDeadline } from '../../src/connectors/upstream-deadline.js';

class TimedOut extends Error {
  constructor(readonly original: unknown) {
    super('timed out');
  }
}
const timedOut = (cause: unknown) => new TimedOut(cause);
/** A request that ends only when its signal aborts, with the signal's reason. */
const held = async (signal: AbortSignal): Promise<never> => {
  await once(signal, 'abort');
  throw signal.reason;
};

describe('withUpstreamDeadline', () => {
  // AbortSignal.timeout's timer does not keep the process alive (a real request's socket
  // does): this one does, so the test waits for the deadline instead of ending early.
  let alive: NodeJS.Timeout;
  before(() => (alive = setInterval(() => undefined, 60_000)));
  after(() => clearInterval(alive));

  it("passes the request's answer through", async () => {
    assert.equal(await withUpstreamDeadline(60_000, undefined, timedOut, async () => 'answer'), 'answer');
  });

  it('gives the request a signal that aborts at the deadline, and its own error with the TimeoutError as cause', async () => {
    await assert.rejects(withUpstreamDeadline(20, undefined, timedOut, held), (e: unknown) => {
      assert.ok(e instanceof TimedOut, String(e));
      assert.ok(e.original instanceof Error && e.original.name === 'TimeoutError', String(e.original));
      return true;
    });
  });

  it("also when the caller's signal is there and has not aborted", async () => {
    await assert.rejects(withUpstreamDeadline(20, new AbortController().signal, timedOut, held), TimedOut);
  });

  it("passes the caller's abort through as it is, not as a timeout", async () => {
    const abort = new AbortController();
    const request = withUpstreamDeadline(60_000, abort.signal, timedOut, held);
    abort.abort();
    await assert.rejects(request, (e: unknown) => (e as Error).name === 'AbortError' && !(e instanceof TimedOut));
  });

  it("counts the caller's abort when both have aborted by the time the request fails", async () => {
    const abort = new AbortController();
    // The deadline fires first; the caller gives up before the request's failure is seen.
    const request = withUpstreamDeadline(20, abort.signal, timedOut, async (signal) => {
      await once(signal, 'abort');
      abort.abort();
      throw signal.reason;
    });
    await assert.rejects(request, (e: unknown) => !(e instanceof TimedOut));
  });

  it("passes a failure other than the deadline's through unchanged", async () => {
    const failure = new Error('connection refused');
    await assert.rejects(withUpstreamDeadline(60_000, undefined, timedOut, async () => { throw failure; }), (e: unknown) => e === failure);
  });
});

// SharedRead on its own (D186): one read, several callers each with its own cancellation.
// Its users (Consent's unlock prompt, TokenClient, the kept vSphere inventory) reach only some
// of these paths; found by mutation testing (docs/TESTING.md, broker, round 10).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SharedRead } from '../../../src/base/lifecycle/shared-read.js';

/** A read that settles only when the test says so, and records the signal it got. */
function heldRead() {
  let resolve!: (v: string) => void;
  let reject!: (e: Error) => void;
  let readSignal!: AbortSignal;
  const read = new SharedRead<string>((signal) => {
    readSignal = signal;
    return new Promise<string>((res, rej) => { resolve = res; reject = rej; });
  });
  return { read, resolve, reject, signal: () => readSignal };
}

/** How `p` stands after the turns already queued have run: settled or still pending. */
async function state(p: Promise<unknown>): Promise<string> {
  return Promise.race([p.then((v) => `resolved ${String(v)}`, (e: Error) => `rejected ${e.message}`), new Promise<string>((r) => setImmediate(() => r('pending')))]);
}

describe('SharedRead', () => {
  it('a caller without a signal keeps the read going when every caller with one has gone', async () => {
    const h = heldRead();
    const a = new AbortController();
    const b = new AbortController();
    const first = h.read.join(a.signal);
    const second = h.read.join(b.signal);
    const stays = h.read.join(undefined);
    a.abort(new Error('a went'));
    b.abort(new Error('b went'));
    assert.equal(await state(first), 'rejected a went', 'a caller that went stops waiting at once');
    assert.equal(await state(second), 'rejected b went', 'a caller that went stops waiting at once');
    assert.equal(h.signal().aborted, false, 'the read was aborted while a caller without a signal still waits');
    assert.equal(h.read.abandoned, false, 'abandoned while a caller still waits');
    h.resolve('page');
    assert.equal(await stays, 'page', 'the caller that stayed gets the read');
  });

  it('the last caller gone aborts the read with its reason, and a later join is refused with a line to follow', async () => {
    const h = heldRead();
    const a = new AbortController();
    const p = h.read.join(a.signal);
    a.abort(new Error('cancelled'));
    assert.equal(await state(p), 'rejected cancelled', 'the caller stops waiting');
    assert.equal(h.read.abandoned, true, 'not abandoned after every caller went');
    assert.equal((h.signal().reason as Error).message, 'cancelled', 'the read was not aborted with the last reason');
    await assert.rejects(h.read.join(undefined), { message: 'SharedRead.join after every caller went; start a new read' }, 'an abandoned read took a new caller');
  });

  it('a caller whose signal has already aborted is refused at once and takes no place', async () => {
    const h = heldRead();
    const gone = AbortSignal.abort(new Error('already gone'));
    assert.equal(await state(h.read.join(gone)), 'rejected already gone', 'an aborted caller was made to wait');
    const a = new AbortController();
    const p = h.read.join(a.signal);
    a.abort(new Error('last'));
    await state(p);
    assert.equal(h.read.abandoned, true, 'the refused caller still counted as waiting, so the read went on for nobody');
  });

  it('a read that fails rejects every caller with its error; a signal aborted afterwards changes nothing', async () => {
    const h = heldRead();
    const a = new AbortController();
    const p = h.read.join(a.signal);
    h.reject(new Error('upstream said no'));
    assert.equal(await state(p), 'rejected upstream said no', 'the caller did not get the read\'s error');
    a.abort(new Error('too late'));
    assert.equal(h.read.abandoned, false, 'a caller leaving after the read ended still counted as leaving it');
  });

  it('a read that succeeds answers every caller; a signal aborted afterwards changes nothing', async () => {
    const h = heldRead();
    const a = new AbortController();
    const p = h.read.join(a.signal);
    h.resolve('done');
    assert.equal(await p, 'done', 'the caller did not get the read');
    a.abort(new Error('too late'));
    assert.equal(h.read.abandoned, false, 'a caller leaving after the read ended still counted as leaving it');
  });
});

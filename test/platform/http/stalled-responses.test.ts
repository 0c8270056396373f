// D277: StalledResponses destroys a response whose buffer stayed full for the bound
// with not one drain (a client that never reads and never closes), never one that drains now and
// then, and writes the SSE keep-alive only onto a stream that can take it (the SDK's went onto a
// full one too). Real parts: a real Node HTTP server and client on loopback whose client stops
// reading, so the response really needs a drain; time is a ManualClock.
import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { auditStall, SSE_KEEP_ALIVE_MS, STALLED_RESPONSE_MS, StalledResponses } from '../../../src/platform/http/stalled-responses.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { MemoryAudit } from './http-test-kit.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

const flush = () => new Promise<void>((r) => setImmediate(r));
const TICK = SSE_KEEP_ALIVE_MS;
const STALL = STALLED_RESPONSE_MS;

/**
 * A response on a real socket whose client reads only when told (`read`, `pause`); `head` is
 * what the server writes first (SSE headers by default, `null` for none); `text()` what arrived.
 */
async function response(head: Record<string, string> | null = { 'content-type': 'text/event-stream' }) {
  let served!: (res: ServerResponse) => void;
  const got = new Promise<ServerResponse>((r) => (served = r));
  const server = http.createServer((_req, res) => {
    // As the door does for every response (Vary), so writeHead's headers stay readable by getHeader.
    res.setHeader('Vary', 'Origin');
    if (head) res.writeHead(200, head).write(': open\n\n');
    served(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const req = http.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, agent: false });
  const answered = new Promise<IncomingMessage>((r) => req.on('response', r));
  req.on('error', () => undefined);
  const res = await got;
  cleanups.push(() => {
    req.destroy();
    server.close();
    server.closeAllConnections();
  });
  const incoming = head ? await answered : undefined;
  incoming?.pause();
  let received = '';
  incoming?.on('data', (c: Buffer) => void (received += c.toString('latin1')));
  const chunk = Buffer.alloc(256 * 1024, 'p');
  return {
    res,
    // Until the kernel's buffers are full too: what is left in the response's own buffer after a
    // turn of the event loop stays there until the client reads.
    fill: async () => {
      do {
        while (res.writableLength < 4 * 1024 * 1024) res.write(chunk);
        await flush();
      } while (res.writableLength < 1024 * 1024);
    },
    /** Read until the response drains, then stop reading again. */
    drainOnce: async () => {
      const drained = new Promise<void>((r) => res.once('drain', () => r()));
      incoming!.resume();
      await drained;
      incoming!.pause();
    },
    read: () => void incoming!.resume(),
    text: () => received,
    closed: new Promise<void>((r) => res.once('close', () => r())),
  };
}

function watcher(clock = new ManualClock()) {
  const stalls = new StalledResponses({ clock });
  cleanups.push(() => stalls.dispose());
  return { clock, stalls };
}

describe('StalledResponses (D277)', () => {
  it('Security: a response full for the whole bound with no drain is destroyed and reported once, not one tick before', async () => {
    const { clock, stalls } = watcher();
    const r = await response();
    let stalled = 0;
    stalls.watch(r.res, () => void (stalled += 1));
    await r.fill();
    clock.advance(TICK);
    // First seen full at TICK: the bound counts from there, so it ends at TICK + STALL.
    clock.advance(STALL - TICK);
    assert.equal(r.res.destroyed, false, 'full for one tick less than the bound: kept');
    assert.equal(stalled, 0, 'not reported before the bound');
    clock.advance(TICK);
    assert.equal(r.res.destroyed, true, 'full for the whole bound, no drain: destroyed');
    assert.equal(stalled, 1, 'reported once');
    assert.equal(clock.pendingTimers, 0, 'no tick re-armed once the last response watched was cut');
    await r.closed;
    clock.advance(10 * TICK);
    assert.equal(stalled, 1, 'never reported again');
    assert.equal(stalls.size, 0, 'no longer watched');
    assert.equal(clock.pendingTimers, 0, 'no timer once nothing is watched');
  });

  it('Security: a reader that is slow but drains now and then is never cut, however long it takes', async () => {
    const { clock, stalls } = watcher();
    const r = await response();
    let stalled = 0;
    stalls.watch(r.res, () => void (stalled += 1));
    await r.fill();
    for (let round = 1; round <= 4; round++) {
      // Full at every tick for one tick less than the bound, then one drain between two ticks:
      // the buffer is full again before the next tick sees it.
      clock.advance(STALL);
      assert.equal(stalled, 0, `round ${round}: a reader that drained once per ${STALL / 60_000} minutes was cut`);
      await r.drainOnce();
      await r.fill();
    }
    clock.advance(STALL);
    assert.equal(stalled, 0, 'still not cut one tick before the bound after its last drain');
    assert.equal(r.res.destroyed, false, 'its response is open');
    clock.advance(TICK);
    assert.equal(stalled, 1, 'the same reader that then stops draining is cut at the bound after its last drain');
  });

  it('Security: a keep-alive goes onto an open event stream that can take it, never onto a full one', async () => {
    const { clock, stalls } = watcher();
    // A charset after the type is still an event stream.
    const reading = await response({ 'content-type': 'text/event-stream; charset=utf-8' });
    const full = await response();
    stalls.watch(reading.res, () => undefined);
    stalls.watch(full.res, () => undefined);
    reading.read();
    await full.fill();
    const waiting = full.res.writableLength;
    clock.advance(3 * TICK);
    await flush();
    await flush();
    assert.equal(reading.text().split(': keepalive\n\n').length - 1, 3, `a keep-alive each tick on the stream read: ${JSON.stringify(reading.text())}`);
    assert.equal(full.res.writableLength, waiting, 'nothing more onto the full stream');
  });

  it('writes no keep-alive where it would not be an SSE comment: headers not sent, another content type, an ended stream', async () => {
    const { clock, stalls } = watcher();
    const unsent = await response(null);
    const json = await response({ 'content-type': 'application/json' });
    const ended = await response();
    json.read();
    ended.read();
    for (const r of [unsent, json, ended]) stalls.watch(r.res, () => undefined);
    const errors: unknown[] = [];
    ended.res.on('error', (e) => errors.push(e));
    // Ended, not yet finished (that takes a turn of the event loop): still watched at the tick.
    ended.res.end();
    clock.advance(TICK);
    await flush();
    await flush();
    assert.equal(unsent.res.headersSent, false, 'no write sent the headers of a response not begun');
    assert.equal(json.text(), ': open\n\n', 'nothing after the first write of a JSON response');
    assert.deepEqual(errors, [], 'no write after the end');
  });

  it('lets go of a response at its close (no listener left), ignores a destroyed one and a second watch, and needs no timer once none is watched', async () => {
    const { clock, stalls } = watcher();
    const r = await response();
    const drains = r.res.listenerCount('drain');
    stalls.watch(r.res, () => undefined);
    stalls.watch(r.res, () => undefined);
    assert.equal(stalls.size, 1, 'watched once');
    assert.equal(clock.pendingTimers, 1, 'one timer for all');
    const gone = await response();
    gone.res.destroy();
    stalls.watch(gone.res, () => undefined);
    assert.equal(stalls.size, 1, 'a destroyed response is not watched');
    const other = await response();
    stalls.watch(other.res, () => undefined);
    r.res.destroy();
    await r.closed;
    assert.equal(stalls.size, 1, 'let go at its close');
    assert.equal(clock.pendingTimers, 1, 'the timer stays for the response still watched');
    other.res.destroy();
    await other.closed;
    assert.equal(stalls.size, 0, 'none watched');
    assert.equal(r.res.listenerCount('drain'), drains, 'no drain listener left');
    assert.equal(clock.pendingTimers, 0, 'no timer');
  });

  it('dispose() stops the timer and forgets every response', async () => {
    const { clock, stalls } = watcher();
    const r = await response();
    let stalled = 0;
    stalls.watch(r.res, () => void (stalled += 1));
    await r.fill();
    stalls.dispose();
    assert.deepEqual([clock.pendingTimers, stalls.size], [0, 0], 'no timer, nothing watched');
    clock.advance(2 * STALL);
    assert.equal(stalled, 0, 'nothing cut after dispose');
  });

  it('auditStall writes one gateway.rejected record naming the server, the client and what happened', () => {
    const audit = new MemoryAudit();
    auditStall(audit, 'vsphere', 'claude-ai');
    assert.deepEqual(audit.records, [{ event: 'gateway.rejected', outcome: 'cancelled', code: 'stalled_client', server: 'vsphere', client: 'claude-ai', reason: 'http: read nothing of a full response for 5 minutes; its session was closed and its calls cancelled' }], 'the record');
  });
});

// The HTTP session router's edges that mutation testing left unguarded (docs/TESTING.md,
// "http"): the cap checked again after an eviction (another initialize may have taken the
// room meanwhile), which idle session gives way (least recently used, the older on a tie),
// the idle sweep sparing a session not yet idle, no timer left once the last session is gone,
// and the gateway session of an initialize the transport refused. Ordering is forced with
// gates on the gateway side (a close or an open that waits until released), never by sleeping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { FrontDoor, GatewaySession } from '../../../src/platform/gateway/gateway-sessions.js';
import type { HttpFrontDoor } from '../../../src/platform/http/http-front-door.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { until } from '../../support/wait.js';
import { doorsPerTest, FakeGatewaySessions, initializeBody, mcpHeaders, rawRequest } from './http-test-kit.js';

const { door } = doorsPerTest();
const IDLE_MS = 30 * 60_000;
const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
const use = (d: HttpFrontDoor, id: string) => rawRequest(d.port, { headers: mcpHeaders({ 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' }), body: list });
const initialize = (d: HttpFrontDoor, name: string) => rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody(name) });
async function openRaw(d: HttpFrontDoor, name = 'edge'): Promise<string> {
  const res = await initialize(d, name);
  assert.equal(res.status, 200, res.body);
  return String(res.headers['mcp-session-id']);
}

/** A gate: `wait()` until `open()`; `reached` resolves when someone first waits. */
function gate() {
  let open!: () => void;
  let reached!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const hit = new Promise<void>((r) => (reached = r));
  return { open, reached: hit, wait: async () => { reached(); await opened; } };
}

/** FakeGatewaySessions whose sessions can be held: the close of the session opened as `closeHeld`, the open of `openHeld`. */
class GatedSessions extends FakeGatewaySessions {
  readonly closeGate = gate();
  readonly openGate = gate();
  constructor(private readonly held: { closeHeld?: string; openHeld?: string }) {
    super();
  }

  override async openSession(options: { server: string; clientLabel: string; via: FrontDoor; transport: Transport }): Promise<GatewaySession> {
    if (options.clientLabel === this.held.openHeld) await this.openGate.wait();
    const session = await super.openSession(options);
    if (options.clientLabel !== this.held.closeHeld) return session;
    return { ...session, close: async () => { await this.closeGate.wait(); await session.close(); } };
  }
}

describe('HttpSessionRouter edges (mutation gaps)', () => {
  it('checks the cap again after an eviction: an initialize that took the room meanwhile wins, the evicting one gets 503', async () => {
    const sessions = new GatedSessions({ closeHeld: 'victim', openHeld: 'sneaker' });
    const { door: d, audit } = await door({ clock: new ManualClock(), maxSessions: 1, sessions });
    await openRaw(d, 'victim');
    // B evicts the idle victim and waits for its close; meanwhile C finds the room free and starts opening.
    const b = initialize(d, 'evictor');
    await sessions.closeGate.reached;
    const c = initialize(d, 'sneaker');
    await sessions.openGate.reached;
    // B goes on while C is still opening: one room, one opening, so B must not open a second session.
    sessions.closeGate.open();
    const refused = await b;
    sessions.openGate.open();
    const opened = await c;
    assert.equal(refused.status, 503, refused.body);
    assert.equal(opened.status, 200, opened.body);
    assert.equal(d.sessionCount, 1);
    assert.deepEqual(audit.rejections(), ['too_many_sessions']);
  });

  it('evicts the least recently used idle session, not the first opened', async () => {
    const clock = new ManualClock();
    const { door: d } = await door({ clock, maxSessions: 2 });
    const first = await openRaw(d);
    clock.advance(1000);
    const second = await openRaw(d);
    clock.advance(1000);
    assert.equal((await use(d, first)).status, 200, 'the first is used again: the second is now the least recently used');
    clock.advance(1000);
    await openRaw(d);
    assert.equal((await use(d, second)).status, 404, 'the least recently used one gave way');
    assert.equal((await use(d, first)).status, 200);
  });

  it('on a tie (same last use), the session opened first gives way', async () => {
    const { door: d } = await door({ clock: new ManualClock(), maxSessions: 2 });
    const first = await openRaw(d);
    const second = await openRaw(d);
    await openRaw(d);
    assert.equal((await use(d, first)).status, 404);
    assert.equal((await use(d, second)).status, 200);
  });

  it('the idle sweep closes only the sessions idle for the whole period; a younger one stays until its own time', async () => {
    const clock = new ManualClock();
    const { door: d } = await door({ clock });
    const old = await openRaw(d);
    clock.advance(1000);
    const young = await openRaw(d);
    clock.advance(IDLE_MS - 1000);
    assert.equal(d.sessionCount, 1, 'the first session reached its idle time');
    assert.equal((await use(d, old)).status, 404);
    // Used just now, at IDLE_MS - 1000 after it opened: the young one starts its period again.
    assert.equal((await use(d, young)).status, 200);
    clock.advance(IDLE_MS - 1);
    assert.equal(d.sessionCount, 1);
    clock.advance(1);
    assert.equal(d.sessionCount, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('leaves no idle timer once the last session is closed by its client (DELETE)', async () => {
    const clock = new ManualClock();
    const { door: d, sessions } = await door({ clock });
    const id = await openRaw(d);
    assert.equal(clock.pendingTimers, 1, 'the idle timer of the open session');
    const res = await rawRequest(d.port, { method: 'DELETE', headers: mcpHeaders({ 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' }) });
    assert.equal(res.status, 200, res.body);
    await until('the session to be forgotten', () => d.sessionCount === 0 && sessions.liveCount === 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('names the session after the client as a person may read it: sanitized, trimmed, at most 128 characters, `http-client` when blank', async () => {
    const { door: d, sessions } = await door({ clock: new ManualClock() });
    await openRaw(d, '  claude\u001b[31m\nevil\u202e  ');
    // Trimmed before the cut (leading blanks do not use up the 128), and after it: a NEL is
    // no blank to String.trim() but becomes one when sanitized.
    await openRaw(d, `   ${'x'.repeat(200)}`);
    await openRaw(d, ' \u200b ');
    await openRaw(d, 'claude\u0085');
    const [tampered, long, blank, nel] = sessions.opened.map((o) => o.clientLabel);
    assert.equal(nel, 'claude');
    assert.equal(tampered, 'claude\ufffd[31m evil\ufffd');
    assert.equal([...long!].length, 128);
    assert.ok(long!.endsWith('\u2026'), 'a cut client name ends with an ellipsis');
    assert.equal(blank, '\ufffd', 'an invisible name is shown as tampered, not dropped');
    await openRaw(d, '   ');
    assert.equal(sessions.opened.at(-1)?.clientLabel, 'http-client');
  });

  it('closes the gateway session of an initialize the transport refused (no event stream accepted)', async () => {
    const { door: d, sessions } = await door({ clock: new ManualClock() });
    const res = await rawRequest(d.port, { headers: mcpHeaders({ accept: 'application/json' }), body: initializeBody('json-only') });
    assert.equal(res.status, 406, res.body);
    assert.equal(sessions.opened.length, 1, 'a gateway session was opened for it');
    await until('the refused session to be closed', () => sessions.liveCount === 0);
    assert.equal(d.sessionCount, 0);
  });
});

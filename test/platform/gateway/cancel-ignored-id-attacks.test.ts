// C6-redteam: a local client of the gateway socket (a bridge, or any process of the user) and
// the request ids the SDK's `_oncancel` ignores. The SDK's Server drops a cancel whose
// `requestId` is falsy (`0`, `""`): the request goes on, and stays in the SDK's controller map.
// The gateway's own bookkeeping (JsonLineTransport's window, refuseRepeatedRequestIds) must not
// take such a cancel as the request's end: else the id is free for the next request, which takes
// over the first one's cancellation in the SDK's map (D194), so a client could keep any number
// of calls open past the window (64) with one id, approvals among them, and none of them was
// withdrawn when it went away. Real parts: the real Gateway in front of a real test-server child,
// the real JsonLineTransport on a real Unix socket (so the direct dispatch, D239, serves the
// calls), the headless approver; the client writes its lines by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REPEATED_ID_MESSAGE } from '../../../src/platform/gateway/unique-request-ids.js';
import { until } from '../../support/wait.js';
import { gatewayConfig, makeGateway } from './gateway-harness.js';
import { rawSocketSession } from './raw-socket-session.js';


for (const id of [0, ''] as const) {
  describe(`a client that cancels its request ${JSON.stringify(id)} (an id the SDK's cancel ignores)`, () => {
    it('cannot reuse the id while the first request runs, nor leave approvals behind when it goes', async () => {
      const g = makeGateway(gatewayConfig());
      g.startChild();
      let c: Awaited<ReturnType<typeof rawSocketSession>> | undefined;
      try {
        const s = (c = await rawSocketSession(g.gateway, 'test'));
        const destroy = (target: string) => s.write({ id, method: 'tools/call', params: { name: 'destroy', arguments: { target, endpoint: 'vc1' } } });
        destroy('first');
        await until('the first approval', () => g.pending.list().length === 1);
        s.write({ method: 'notifications/cancelled', params: { requestId: id, reason: 'never mind' } });
        // The same id again, while the first runs: it must never reach the approver.
        destroy('second');
        // Then a call of a fresh id: the approvals open in the order the calls came.
        s.write({ id: 'probe', method: 'tools/call', params: { name: 'destroy', arguments: { target: 'third', endpoint: 'vc1' } } });
        const shows = (target: string) => g.pending.list().some((r) => JSON.stringify(r).includes(target));
        await until("the probe's approval", () => shows('third'));
        assert.equal(shows('second'), false, `a second approval opened for the reused id ${JSON.stringify(id)} while its first request still ran`);
        assert.ok(shows('first'), 'the first request still waits for its approval');
        const refused = s.lines.filter((l) => l.id === id && l.error?.message === REPEATED_ID_MESSAGE);
        assert.ok(refused.length <= 1, 'at most one refusal for the repeated id');
        // Gone: the session's close aborts every request it still serves at once (the SDK's
        // _onclose), so once the probe's approval is withdrawn, the first one's is too.
        await s.end();
        await until("the probe's approval withdrawn with the session", () => !shows('third'));
        assert.equal(shows('first'), false, 'the first request outlived its session: its approval is still up');
      } finally {
        await c?.end();
        await g.dispose();
      }
    });
  });
}

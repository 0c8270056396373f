// Security rule (issue 12): the child's token client refuses a cached token past its expiry
// even if no revoke arrived (the host's timer runs late after a sleep, or the frame is lost).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toDisposable } from '../../../src/base/lifecycle/disposable.js';
import type { HostChannel } from '../../../src/mcp/runtime/host-channel.js';
import { TokenClient } from '../../../src/mcp/runtime/token-client.js';
import { ManualClock } from '../../mocks/manual-clock.js';

/** An in-memory host end: records the requests and answers each with a grant when told. */
function fakeHost() {
  const sent: { t: string; id: string; endpoint: string }[] = [];
  let deliver: (m: unknown) => void = () => undefined;
  const channel: HostChannel = {
    send: (frame) => void sent.push(frame as (typeof sent)[number]),
    onMessage: (l) => ((deliver = l), toDisposable(() => (deliver = () => undefined))),
    onClose: () => toDisposable(() => undefined),
  };
  const grant = (n: number, expiresAt: number) => {
    const req = sent[n]!;
    deliver({ ch: 'broker', t: 'token.grant', id: req.id, endpoint: req.endpoint, token: `tok-${n}`, expiresAt, upstream: { url: 'https://vc1.corp.example/sdk' } });
  };
  return { channel, sent, grant };
}

describe('TokenClient expiry', () => {
  it('reuses a live token, and asks the host again once it has expired though no revoke came', async () => {
    const clock = new ManualClock();
    const host = fakeHost();
    const client = new TokenClient(host.channel, () => clock.now());
    try {
      const first = client.get('vc1');
      host.grant(0, clock.now() + 60 * 60_000);
      assert.equal((await first).token, 'tok-0');
      assert.equal((await client.get('vc1')).token, 'tok-0');
      assert.equal(host.sent.length, 1, 'served from the cache while live');

      clock.jump(60 * 60_000); // Slept through the expiry; no token.revoke was delivered.
      const second = client.get('vc1');
      assert.equal(host.sent.length, 2, 'an expired token is not served from the cache');
      assert.equal(host.sent[1]?.t, 'token.request');
      host.grant(1, clock.now() + 60 * 60_000);
      assert.equal((await second).token, 'tok-1');
    } finally {
      client.dispose();
    }
  });

  it('does not start a call on a token about to expire (5 s early)', async () => {
    const clock = new ManualClock();
    const host = fakeHost();
    const client = new TokenClient(host.channel, () => clock.now());
    try {
      const first = client.get('vc1');
      host.grant(0, clock.now() + 60_000);
      await first;
      clock.jump(55_000 - 1);
      assert.equal((await client.get('vc1')).token, 'tok-0');
      clock.jump(1);
      client.get('vc1').catch(() => undefined); // Left pending: dispose() rejects it.
      assert.equal(host.sent.length, 2);
    } finally {
      client.dispose();
    }
  });
});

// TokenClient.listEndpoints (issue 16) against the real Broker, wired in-process through a
// channel pair: the child's request and the host's answer both pass their zod contracts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toDisposable } from '../../src/base/lifecycle/disposable.js';
import type { HostChannel } from '../../src/mcp/runtime/host-channel.js';
import { TokenClient, TokenDeniedError } from '../../src/mcp/runtime/token-client.js';
import { makeBroker, recordingLink } from '../platform/broker/broker-harness.js';

/** A child channel whose frames go to `deliver`, and a function to hand the child a host frame. */
function channelPair(deliver: (frame: unknown) => void): { channel: HostChannel; toChild: (frame: unknown) => void } {
  const listeners = new Set<(m: unknown) => void>();
  return {
    channel: {
      send: (frame) => queueMicrotask(() => deliver(JSON.parse(JSON.stringify(frame)))),
      onMessage: (l) => { listeners.add(l); return toDisposable(() => listeners.delete(l)); },
      onClose: () => toDisposable(() => undefined),
    },
    toChild: (frame) => { for (const l of listeners) l(JSON.parse(JSON.stringify(frame))); },
  };
}

describe('TokenClient.listEndpoints()', () => {
  it('gets the endpoints of its own kind from the broker, without a prompt', async () => {
    const { broker, approver } = makeBroker();
    const link = recordingLink('p6');
    let toChild: (frame: unknown) => void = () => undefined;
    const attached = broker.attachChild({ ...link, send: (f) => toChild(f) });
    const pair = channelPair((frame) => attached.accept(frame));
    toChild = pair.toChild;
    const client = new TokenClient(pair.channel);
    try {
      assert.deepEqual(await client.listEndpoints(), [{ name: 'pm', host: 'p6.other.example', readOnly: false, state: 'locked' }]);
      assert.equal(approver.prompts.length, 0);
    } finally {
      client.dispose();
      attached.dispose();
    }
  });

  it('ignores answers to other ids and rejects what is still pending when disposed', async () => {
    const sent: unknown[] = [];
    const pair = channelPair((frame) => sent.push(frame));
    const client = new TokenClient(pair.channel);
    const pending = client.listEndpoints();
    await new Promise<void>((r) => setImmediate(r));
    assert.deepEqual(sent, [{ ch: 'broker', t: 'endpoints.request', id: 'e1' }]);
    pair.toChild({ ch: 'broker', t: 'endpoints.list', id: 'e999', endpoints: [] });
    // A frame that breaks the contract is never acted on.
    pair.toChild({ ch: 'broker', t: 'endpoints.list', id: 'e1', endpoints: [{ name: 'x', host: 'h', readOnly: 'yes', state: 'open' }] });
    client.dispose();
    await assert.rejects(pending, TokenDeniedError);
  });
});

// `endpoints.request` (issue 16): a child learns the endpoints of its own kind with host,
// read-only and lock state, never another kind's, never a secret, and asking prompts no one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { askAnswered, makeBroker, recordingLink } from './broker-harness.js';

describe('Broker endpoints.request', () => {
  const list = async (broker: ReturnType<typeof makeBroker>['broker'], link: ReturnType<typeof recordingLink>, id: string) => {
    broker.attachChild(link).accept({ ch: 'broker', t: 'endpoints.request', id });
    // The answer is sent synchronously inside the frame handler's promise.
    await new Promise<void>((r) => setImmediate(r));
    const frame = link.frames.find((f) => f.t === 'endpoints.list' && f.id === id);
    assert.ok(frame && frame.t === 'endpoints.list', JSON.stringify(link.frames));
    return frame.endpoints;
  };

  it('answers a vSphere child with the vSphere endpoints only, with host, read-only and lock state', async () => {
    const { broker, approver } = makeBroker();
    const endpoints = await list(broker, recordingLink('vsphere'), 'e1');
    assert.deepEqual(endpoints, [
      { name: 'vc1', host: 'vc1.corp.example', readOnly: false, state: 'locked' },
      { name: 'vc2', host: 'vc2.corp.example', readOnly: true, state: 'locked' },
    ]);
    assert.equal(approver.prompts.length, 0);
    // Security: no user name, credential id or URL path in the frame.
    assert.ok(!/svc|domain:|\/sdk|planner|pm/.test(JSON.stringify(endpoints)), 'no user name, credential id or URL path is in the frame');
  });

  it('answers a P6 child with the P6 endpoints only, and shows an unlock', async () => {
    const { broker, approver } = makeBroker();
    const link = recordingLink('p6');
    assert.equal((await askAnswered(broker, approver, link, 'pm', 'a', 'allow-ttl')).t, 'token.grant');
    assert.deepEqual(await list(broker, link, 'e2'), [{ name: 'pm', host: 'p6.other.example', readOnly: false, state: 'unlocked' }]);
  });
});

// Y5-redteam: what a child's token.cancel may do (D186, D196). Through the real
// Broker and Consent with the harness's scripted approver, ManualClock and recording links.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHILD_CANCELS_PER_MINUTE } from '../../../src/platform/broker/broker.js';
import { makeBroker, recordingLink } from './broker-harness.js';

/** Let queued jobs run (no clock involved). */
async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** A vSphere child on the harness's broker, and one round of its loop: request `r<i>`, then cancel it. */
function requestAndCancel() {
  const { broker, approver, audit, clock } = makeBroker();
  const link = recordingLink('vsphere');
  const child = broker.attachChild(link);
  const cycle = async (i: number): Promise<void> => {
    child.accept({ ch: 'broker', t: 'token.request', id: `r${i}`, endpoint: 'vc1' });
    await drain();
    child.accept({ ch: 'broker', t: 'token.cancel', id: `r${i}` });
    await drain();
  };
  return { broker, approver, audit, clock, link, child, cycle };
}

describe('Broker attacks: a child that raises and withdraws unlock prompts in a loop (Y5-redteam)', () => {
  it('token.cancel withdraws at most CHILD_CANCELS_PER_MINUTE prompts a minute; past it the prompt stays up as before token.cancel, so the popup and the audit are not flooded', async () => {
    const { broker, approver, audit, clock, link, child, cycle } = requestAndCancel();
    for (let i = 0; i < 200; i++) await cycle(i);
    const events = (name: string) => audit.filter((r) => r.event === name).length;
    // Each withdrawn prompt is one more popup and three audit records; before, 200 of each.
    assert.equal(approver.prompts.length, CHILD_CANCELS_PER_MINUTE + 1, `prompts shown: ${approver.prompts.length}`);
    assert.equal(events('unlock.denied'), CHILD_CANCELS_PER_MINUTE, `prompts withdrawn: ${events('unlock.denied')}`);
    assert.equal(events('token.denied'), CHILD_CANCELS_PER_MINUTE, `requests ended as cancelled: ${events('token.denied')}`);
    // The last prompt is still up for every request sent since; answering it serves them all once.
    approver.answer('allow-ttl');
    await drain();
    const grants = link.frames.filter((f) => f.t === 'token.grant').length;
    assert.equal(grants, 200 - CHILD_CANCELS_PER_MINUTE, `the requests past the budget were answered by the one prompt: ${grants}`);
    // A minute on, a cancel withdraws a prompt again (D186 for honest use).
    await broker.lock();
    await drain();
    clock.advance(60_000);
    const shown = approver.prompts.length;
    await cycle(1000);
    assert.equal(approver.prompts.length, shown + 1, 'the next request raised a prompt');
    assert.equal(events('unlock.denied'), CHILD_CANCELS_PER_MINUTE + 1, 'a minute later the cancel withdrew its prompt');
    child.dispose();
  });
});

describe('token.cancel\'s minute after the wall clock stepped back (D7-redteam)', () => {
  it('a cancel withdraws its prompt again a minute after the budget ran out, even when the clock stepped back an hour meanwhile', async () => {
    const { broker, approver, audit, clock, child, cycle } = requestAndCancel();
    for (let i = 0; i <= CHILD_CANCELS_PER_MINUTE; i++) await cycle(i);
    const withdrawn = () => audit.filter((r) => r.event === 'unlock.denied').length;
    assert.equal(withdrawn(), CHILD_CANCELS_PER_MINUTE, 'the budget ran out');
    await broker.lock();
    await drain();
    clock.jump(-3_600_000); // An NTP step back of an hour (a wake with a wrong clock, then a sync).
    clock.advance(60_000);
    const shown = approver.prompts.length;
    const before = withdrawn();
    await cycle(1000);
    assert.equal(approver.prompts.length, shown + 1, 'the next request raised a prompt');
    // Before: the window only reset once the clock passed its start again: an hour of cancels ignored.
    assert.equal(withdrawn(), before + 1, 'a minute later the cancel withdrew its prompt');
    child.dispose();
  });
});

describe('Broker attacks: token.cancel naming what is not the child\'s (held)', () => {
  it('cancels of unknown, answered or another child\'s ids withdraw nothing, answer nothing, audit nothing and use none of the cancel budget', async () => {
    const { broker, approver, audit } = makeBroker();
    const honest = recordingLink('vsphere', 'vsphere#1');
    const hostile = recordingLink('vsphere', 'vsphere#2');
    const h = broker.attachChild(honest);
    const x = broker.attachChild(hostile);
    const shown = approver.nextPrompt();
    h.accept({ ch: 'broker', t: 'token.request', id: 't1', endpoint: 'vc1' });
    await shown;
    const before = audit.length;
    for (let i = 0; i < 500; i++) x.accept({ ch: 'broker', t: 'token.cancel', id: i % 2 ? 't1' : `guess-${i}` });
    await drain();
    assert.equal(audit.length, before, `audited: ${JSON.stringify(audit.slice(before))}`);
    assert.equal(hostile.frames.length, 0, 'the hostile child got answers');
    // Its own request's cancel still withdraws (the 500 used none of its budget); the honest
    // request keeps the shared prompt up.
    x.accept({ ch: 'broker', t: 'token.request', id: 'own', endpoint: 'vc2' });
    await drain();
    x.accept({ ch: 'broker', t: 'token.cancel', id: 'own' });
    await drain();
    assert.equal(audit.filter((r) => r.event === 'token.denied' && r.outcome === 'cancelled').length, 1, 'its own request was cancelled');
    assert.equal(approver.prompts.length, 1, 'one prompt, shared, still up');
    approver.answer('allow-ttl');
    await drain();
    assert.ok(honest.frames.some((f) => f.t === 'token.grant' && f.id === 't1'), 'the honest child was granted');
    h.dispose();
    x.dispose();
  });
  it('cancels of a child\'s own answered requests use none of its cancel budget: a finished request is forgotten', async () => {
    const { broker, approver, audit } = makeBroker();
    const link = recordingLink('vsphere');
    const child = broker.attachChild(link);
    const shown = approver.nextPrompt();
    child.accept({ ch: 'broker', t: 'token.request', id: 'done', endpoint: 'vc1' });
    await shown;
    approver.answer('allow-once');
    await drain();
    assert.ok(link.frames.some((f) => f.t === 'token.grant' && f.id === 'done'), 'the first request was granted');
    for (let i = 0; i < 50; i++) child.accept({ ch: 'broker', t: 'token.cancel', id: 'done' });
    await drain();
    assert.ok(!audit.some((r) => r.outcome === 'cancelled'), 'an answered request was cancelled');
    const next = approver.nextPrompt();
    child.accept({ ch: 'broker', t: 'token.request', id: 'own', endpoint: 'vc2' });
    await next;
    child.accept({ ch: 'broker', t: 'token.cancel', id: 'own' });
    await drain();
    assert.equal(audit.filter((r) => r.event === 'token.denied' && r.outcome === 'cancelled').length, 1, 'its waiting request was cancelled: the cancels of the answered one took no budget');
    child.dispose();
  });
});

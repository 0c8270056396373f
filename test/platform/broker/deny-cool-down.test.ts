// Y2-auditflood (b): after the person denies an unlock, a child asking again at once must not
// raise the prompt again (prompt bombing wears people down into clicking yes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DENY_COOLDOWN_MS } from '../../../src/platform/broker/consent.js';
import { COOL_DOWN_AUDIT_INTERVAL_MS } from '../../../src/platform/broker/cool-down-refusals.js';
import { ask, askAnswered, makeBroker, recordingLink, type ScriptedApprover } from './broker-harness.js';
import type { Broker } from '../../../src/platform/broker/broker.js';

/** {@link ask}; a prompt it raises (there should be none) is denied, so a missing cool-down fails the test instead of hanging it. */
async function askExpectingNoPrompt(broker: Broker, approver: ScriptedApprover, link: ReturnType<typeof recordingLink>, id: string) {
  const shown = approver.nextPrompt().then(() => approver.answer('deny'));
  void shown;
  return ask(broker, link, 'vc1', id);
}

describe('a deny\'s cool-down', () => {
  it('refuses the same child\'s and a restarted child\'s requests without a prompt, with one clear line, audited coalesced', async () => {
    const { broker, approver, audit, clock } = makeBroker();
    const first = await askAnswered(broker, approver, recordingLink('vsphere', 'vsphere#1'), 'vc1', 'a', 'deny');
    assert.equal(first.t, 'token.deny', 'the person said no');
    assert.equal(approver.prompts.length, 1, 'one prompt so far');
    const replies = [];
    for (let i = 0; i < 200; i++) replies.push(await askExpectingNoPrompt(broker, approver, recordingLink('vsphere', 'vsphere#1'), `b${i}`));
    // A restart of the child: another link, another pid, the same server and credential.
    const restarted = await askExpectingNoPrompt(broker, approver, recordingLink('vsphere', 'vsphere#2'), 'c');
    assert.equal(approver.prompts.length, 1, `the child raised the prompt again ${approver.prompts.length - 1} times right after the deny`);
    for (const r of [...replies, restarted]) assert.ok(r.t === 'token.deny' && r.code === 'denied', `refused: ${JSON.stringify(r)}`);
    const line = restarted.t === 'token.deny' ? restarted.message : '';
    assert.match(line, /^access to vc1 was denied by the user; KeyBroker will not ask them again for 120 s \(or until they run 'keybroker lock vc1'\)$/, 'one line saying what happens and what ends it');
    const denied = audit.filter((a) => a.event === 'token.denied');
    assert.equal(denied.length, 2, `the deny in full and the first refusal of the cool-down, not one line per request: ${denied.length}`);
    clock.advance(COOL_DOWN_AUDIT_INTERVAL_MS);
    assert.equal(audit.filter((a) => a.event === 'token.denied').at(-1)!.count, 200, 'the other 200 refusals in one summary');
    broker.dispose();
  });

  it('ends after DENY_COOLDOWN_MS, or at once when the person locks the endpoint', async () => {
    const { broker, approver, clock } = makeBroker();
    const link = recordingLink('vsphere');
    await askAnswered(broker, approver, link, 'vc1', 'a', 'deny');
    clock.advance(DENY_COOLDOWN_MS - 1);
    assert.equal((await ask(broker, link, 'vc1', 'b')).t, 'token.deny', 'still cooling down');
    clock.advance(1);
    const again = await askAnswered(broker, approver, link, 'vc1', 'c', 'deny');
    assert.equal(approver.prompts.length, 2, 'asked again once the cool-down is over');
    assert.equal(again.t, 'token.deny', 'denied again');
    assert.equal((await ask(broker, link, 'vc1', 'd')).t, 'token.deny', 'a new cool-down');
    await broker.lock('vc1');
    const allowed = await askAnswered(broker, approver, link, 'vc1', 'e', 'allow-ttl');
    assert.equal(approver.prompts.length, 3, 'the person\'s lock ended the cool-down: asked at once');
    assert.equal(allowed.t, 'token.grant', 'and allowed');
    broker.dispose();
  });

  it('starts only on the person\'s deny, not on an unanswered prompt, and keeps other credentials apart', async () => {
    const { broker, approver, clock } = makeBroker();
    const link = recordingLink('vsphere');
    const shown = approver.nextPrompt();
    const timedOut = ask(broker, link, 'vc1', 'a');
    await shown;
    clock.advance(10 * 60_000); // past any prompt timeout
    assert.equal((await timedOut).t, 'token.deny', 'nobody answered');
    const after = await askAnswered(broker, approver, link, 'vc1', 'b', 'allow-ttl');
    assert.equal(after.t, 'token.grant', 'an unanswered prompt starts no cool-down');
    await askAnswered(broker, approver, recordingLink('p6'), 'pm', 'c', 'deny');
    assert.equal((await ask(broker, link, 'vc1', 'd')).t, 'token.grant', 'a deny of pm does not touch vc1');
    broker.dispose();
  });

  it('Security: lasts DENY_COOLDOWN_MS of monotonic time whatever the wall clock does: a step forward ends it no earlier, a step back makes it no longer (E3-tidy)', async () => {
    const { broker, approver, clock } = makeBroker();
    const link = recordingLink('vsphere');
    await askAnswered(broker, approver, link, 'vc1', 'a', 'deny');
    clock.jump(DENY_COOLDOWN_MS + 60 * 60_000); // A wake or an NTP correction an hour and two minutes ahead.
    const forward = await askExpectingNoPrompt(broker, approver, link, 'b');
    assert.equal(approver.prompts.length, 1, 'a step of the wall clock forward ended the cool-down: a prompt again');
    assert.match(forward.t === 'token.deny' ? forward.message : '', /will not ask them again for 120 s/, 'still the whole cool-down left');
    clock.jump(-2 * 60 * 60_000); // And two hours back.
    clock.advance(DENY_COOLDOWN_MS - 1_000);
    const back = await askExpectingNoPrompt(broker, approver, link, 'c');
    assert.match(back.t === 'token.deny' ? back.message : '', /will not ask them again for 1 s /, 'a step back did not lengthen it: one second left');
    clock.advance(1_000);
    // The prompt this raises is denied by the waits askExpectingNoPrompt left armed.
    await ask(broker, link, 'vc1', 'd');
    assert.equal(approver.prompts.length, 2, 'asked again once DENY_COOLDOWN_MS had passed, though the wall clock says an hour earlier');
    broker.dispose();
  });
});

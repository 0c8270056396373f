// C7-firstuse: a server config.json added gets a credential's session only after a prompt that
// named it. Before, whoever could write config.json added a server of a kind whose credential
// the person had unlocked for the built-in server, and the broker handed it that session with no
// prompt. Through the real Broker, Consent and UnlockCache, with the harness's scripted approver,
// ManualClock and recording links; end to end (serve, bridge, CLI) in
// test/integration/extra-server-consent.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHILD_CANCELS_PER_MINUTE } from '../../../src/platform/broker/broker.js';
import { DENY_COOLDOWN_MS } from '../../../src/platform/broker/consent.js';
import { ask, askAnswered, CODE_A, CODE_B, configServerLink, makeBroker, recordingLink } from './broker-harness.js';

const COMMAND = 'node --import tsx /home/u/vs-extra/index.ts';

/** Let queued jobs run (no clock involved). */
async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('a server config.json added and the unlock of a credential (C7-firstuse)', () => {
  it('is not served by an unlock the person allowed for the built-in server: it raises a prompt naming it, with its command, and its grant is audited with its name', async () => {
    const { broker, approver, audit, vsphere } = makeBroker();
    const builtIn = await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    assert.equal(builtIn.t, 'token.grant', 'the built-in server got its session');
    const extra = configServerLink('vsphere', 'vs-extra', COMMAND);
    const shown = approver.nextPrompt();
    const asked = ask(broker, extra, 'vc1', 'b');
    await shown; // Before: no prompt; the request was granted the built-in server's session at once.
    const prompt = approver.prompts[1]!;
    assert.deepEqual([prompt.server, prompt.endpoint, prompt.subject.kind], ['vs-extra', 'vc1', 'unlock'], 'the prompt names the server that asks');
    assert.deepEqual(prompt.subject.kind === 'unlock' && prompt.subject.fromConfig, { command: COMMAND, codeSha256: CODE_A }, 'as one config.json added, with its command and the digest of its code');
    approver.answerOne(prompt.id, 'allow-ttl');
    const granted = await asked;
    assert.ok(granted.t === 'token.grant' && builtIn.t === 'token.grant' && granted.token === builtIn.token, 'it got the session the built-in server holds');
    assert.equal(vsphere.logins, 1, 'no second login: the built-in server keeps its token');
    const requested = audit.find((r) => r.event === 'unlock.requested' && r.server === 'vs-extra');
    assert.equal(requested?.command, COMMAND, 'the request is audited with the command');
    const approved = audit.filter((r) => r.event === 'unlock.approved').map((r) => [r.server, r.command]);
    assert.deepEqual(approved, [['vsphere', undefined], ['vs-extra', COMMAND]], 'each allow names the server it was for');
    assert.ok(audit.some((r) => r.event === 'token.granted' && r.server === 'vs-extra' && r.endpoint === 'vc1'), 'the grant names the server');
    // Allowed for the TTL: its next request of this unlock is served without a prompt; so is the built-in's.
    assert.equal((await ask(broker, extra, 'vc1', 'c')).t, 'token.grant', 'served again');
    assert.equal((await ask(broker, recordingLink('vsphere'), 'vc1', 'd')).t, 'token.grant', 'the built-in server too');
    assert.equal(approver.prompts.length, 2, 'with no further prompt');
    broker.dispose();
  });

  it('"allow once" serves that request only; a lock ends what the person allowed for it', async () => {
    const { broker, approver } = makeBroker();
    await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    const extra = configServerLink('vsphere', 'vs-extra');
    assert.equal((await askAnswered(broker, approver, extra, 'vc1', 'b', 'allow-once')).t, 'token.grant', 'allowed once');
    assert.equal((await askAnswered(broker, approver, extra, 'vc1', 'c', 'allow-ttl')).t, 'token.grant', 'the next request asked again');
    assert.equal(approver.prompts.length, 3, 'one prompt per allow');
    await broker.lock('vc1');
    // The person unlocks for the built-in server again: the server config.json added is asked about anew.
    await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'd', 'allow-ttl');
    const shown = approver.nextPrompt();
    const asked = ask(broker, extra, 'vc1', 'e');
    await shown;
    assert.equal(approver.prompts.at(-1)!.server, 'vs-extra', 'a lock forgot the allow');
    approver.answer('deny');
    assert.equal((await asked).t, 'token.deny', 'denied');
    broker.dispose();
  });

  it('another server config.json added, or the same name with another command, is asked about on its own', async () => {
    const { broker, approver } = makeBroker();
    await askAnswered(broker, approver, configServerLink('vsphere', 'vs-extra', COMMAND), 'vc1', 'a', 'allow-ttl');
    const changed = configServerLink('vsphere', 'vs-extra', 'node /tmp/other.js', 'vs-extra#2');
    const shown = approver.nextPrompt();
    const asked = ask(broker, changed, 'vc1', 'b');
    await shown;
    assert.equal(approver.prompts.length, 2, 'the allow named another command');
    approver.answer('allow-once');
    assert.equal((await asked).t, 'token.grant', 'allowed once');
    // The unlock its own prompt allowed also serves the built-in servers (the person allowed the unlock).
    assert.equal((await ask(broker, recordingLink('vsphere'), 'vc1', 'c')).t, 'token.grant', 'the built-in server is served');
    assert.equal(approver.prompts.length, 2, 'without a prompt');
    broker.dispose();
  });

  it('is allowed for its code, not its command: started again with a rewritten module it asks again, and the prompt and its record say its code changed (D2-modulebytes)', async () => {
    const { broker, approver, audit } = makeBroker();
    await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    assert.equal((await askAnswered(broker, approver, configServerLink('vsphere', 'vs-extra', COMMAND), 'vc1', 'b', 'allow-ttl')).t, 'token.grant', 'allowed for the TTL');
    // The writer rewrote its module; the server was started again (a crash, an idle stop, a restart).
    const rewritten = configServerLink('vsphere', 'vs-extra', COMMAND, 'vs-extra#2', CODE_B);
    const shown = approver.nextPrompt();
    const asked = ask(broker, rewritten, 'vc1', 'c');
    await shown; // Before: no prompt; the allow of the command served the new code.
    const prompt = approver.prompts.at(-1)!;
    assert.equal(prompt.server, 'vs-extra', 'the prompt names the server');
    assert.deepEqual(prompt.subject.kind === 'unlock' && prompt.subject.fromConfig, { command: COMMAND, codeSha256: CODE_B, codeChanged: true }, 'and says its code changed since it was allowed');
    const requested = audit.filter((r) => r.event === 'unlock.requested' && r.server === 'vs-extra').map((r) => r.codeSha256);
    assert.deepEqual(requested, [CODE_A, CODE_B], 'each request is audited with the code it was for');
    // Meanwhile the code allowed before (the process still running it) is served without a prompt.
    assert.equal((await ask(broker, configServerLink('vsphere', 'vs-extra', COMMAND), 'vc1', 'd')).t, 'token.grant', 'the code allowed is still served');
    approver.answerOne(prompt.id, 'allow-ttl');
    assert.equal((await asked).t, 'token.grant', 'the new code, once allowed');
    assert.equal((await ask(broker, rewritten, 'vc1', 'e')).t, 'token.grant', 'and again without a prompt');
    assert.equal(approver.prompts.length, 3, 'one prompt for the new code');
    broker.dispose();
  });

  it('a deny of its new code cools down the server, whatever code it runs next; the code allowed before is still served (D2-modulebytes)', async () => {
    const { broker, approver } = makeBroker();
    await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    await askAnswered(broker, approver, configServerLink('vsphere', 'vs-extra', COMMAND), 'vc1', 'b', 'allow-ttl');
    const rewritten = configServerLink('vsphere', 'vs-extra', COMMAND, 'vs-extra#2', CODE_B);
    assert.equal((await askAnswered(broker, approver, rewritten, 'vc1', 'c', 'deny')).t, 'token.deny', 'the new code denied');
    // The writer rewrites it once more and restarts it: no new prompt in the cool-down.
    const shown = approver.nextPrompt().then(() => 'a prompt' as const);
    const asked = ask(broker, configServerLink('vsphere', 'vs-extra', COMMAND, 'vs-extra#3', 'd'.repeat(64)), 'vc1', 'd');
    const again = await Promise.race([asked, shown]);
    if (again === 'a prompt') approver.answer('deny'); // Before: a new prompt per rewrite; answered so the test ends.
    assert.ok(again !== 'a prompt' && again.t === 'token.deny' && /will not ask them again/.test(again.message), `refused without a prompt: ${JSON.stringify(again)}`);
    assert.equal(approver.prompts.length, 3, 'no prompt for the third code');
    assert.equal((await ask(broker, configServerLink('vsphere', 'vs-extra', COMMAND), 'vc1', 'e')).t, 'token.grant', 'the code allowed before is served');
    broker.dispose();
  });

  it('does not share a prompt that names a built-in server: while the credential is locked each has its own, and one allow does not serve the other', async () => {
    const { broker, approver } = makeBroker();
    const first = approver.nextPrompt();
    const builtIn = ask(broker, recordingLink('vsphere'), 'vc1', 'a');
    await first;
    const extra = ask(broker, configServerLink('vsphere', 'vs-extra'), 'vc1', 'b');
    await drain();
    // Before: it joined the built-in server's prompt and was served by its answer.
    assert.deepEqual(approver.prompts.map((p) => p.server), ['vsphere', 'vs-extra'], 'two prompts, each naming its server');
    approver.answerOne(approver.prompts[0]!.id, 'allow-ttl');
    assert.equal((await builtIn).t, 'token.grant', 'the built-in server is served');
    await drain();
    approver.answerOne(approver.prompts[1]!.id, 'deny');
    assert.equal((await extra).t, 'token.deny', 'the other waited for its own answer');
    broker.dispose();
  });

  it('a deny of its prompt starts a cool-down for that server only (D203); a deny of the built-in server\'s covers it too', async () => {
    const { broker, approver, clock } = makeBroker();
    const extra = configServerLink('vsphere', 'vs-extra');
    assert.equal((await askAnswered(broker, approver, extra, 'vc1', 'a', 'deny')).t, 'token.deny', 'denied');
    const refused = await ask(broker, extra, 'vc1', 'b');
    assert.ok(refused.t === 'token.deny' && /will not ask them again for 120 s/.test(refused.message), `refused without a prompt: ${JSON.stringify(refused)}`);
    assert.equal(approver.prompts.length, 1, 'no new prompt in the cool-down');
    assert.equal((await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'c', 'deny')).t, 'token.deny', 'the built-in server is still asked');
    clock.advance(DENY_COOLDOWN_MS);
    await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'd', 'deny');
    const alsoRefused = await ask(broker, configServerLink('vsphere', 'vs-other'), 'vc1', 'e');
    assert.equal(alsoRefused.t, 'token.deny', 'the built-in server\'s deny refuses a server config.json added too');
    assert.equal(approver.prompts.length, 3, 'without a prompt');
    await broker.lock('vc1');
    assert.equal((await askAnswered(broker, approver, extra, 'vc1', 'f', 'allow-once')).t, 'token.grant', 'the person\'s lock ends both cool-downs');
    broker.dispose();
  });

  it('its cool-down is its own: another server config.json added is still asked, a prompt on screen for a built-in server is not joined, and a lock ends it while it runs and ends no other credential\'s (E1-consentmut)', async () => {
    const { broker, approver } = makeBroker();
    const extra = configServerLink('vsphere', 'vs-extra');
    assert.equal((await askAnswered(broker, approver, extra, 'vc1', 'a', 'deny')).t, 'token.deny', 'denied');
    // Before (coolDownKey's text dropped): every server config.json added shared one cool-down.
    assert.equal((await askAnswered(broker, approver, configServerLink('vsphere', 'vs-other'), 'vc1', 'b', 'deny')).t, 'token.deny', 'another server config.json added is asked');
    assert.equal(approver.prompts.length, 2, 'with a prompt of its own');
    const shown = approver.nextPrompt();
    const builtIn = ask(broker, recordingLink('vsphere'), 'vc1', 'c');
    await shown;
    const refused = await ask(broker, extra, 'vc1', 'd');
    assert.ok(refused.t === 'token.deny' && /will not ask them again/.test(refused.message), `a built-in server's prompt on screen is not its way past its cool-down: ${JSON.stringify(refused)}`);
    approver.answer('deny');
    assert.equal((await builtIn).t, 'token.deny', 'the built-in server was denied');
    assert.equal((await askAnswered(broker, approver, recordingLink('p6'), 'pm', 'e', 'deny')).t, 'token.deny', "pm's credential denied");
    const before = approver.prompts.length;
    await broker.lock('vc1');
    assert.equal((await askAnswered(broker, approver, extra, 'vc1', 'f', 'allow-once')).t, 'token.grant', 'the lock ended its cool-down while it ran');
    assert.equal(approver.prompts.length, before + 1, 'after a prompt');
    const other = await ask(broker, recordingLink('p6'), 'pm', 'g');
    assert.ok(other.t === 'token.deny' && /will not ask them again/.test(other.message), `a lock of vc1 ends no cool-down of another credential: ${JSON.stringify(other)}`);
    broker.dispose();
  });

  it('two servers config.json added asking at once get a prompt each, and an allow of one does not serve the other (E1-consentmut)', async () => {
    const { broker, approver } = makeBroker();
    const first = approver.nextPrompt();
    const x = ask(broker, configServerLink('vsphere', 'vs-extra'), 'vc1', 'a');
    await first;
    const y = ask(broker, configServerLink('vsphere', 'vs-other'), 'vc1', 'b');
    await drain();
    // Before (the prompt key without the server): the second joined the first one's prompt.
    assert.deepEqual(approver.prompts.map((p) => p.server), ['vs-extra', 'vs-other'], 'two prompts, each naming its server');
    approver.answerOne(approver.prompts[0]!.id, 'allow-ttl');
    assert.equal((await x).t, 'token.grant', 'the one allowed is served');
    await drain();
    approver.answerOne(approver.prompts[1]!.id, 'deny');
    assert.equal((await y).t, 'token.deny', 'the other waited for its own answer');
    broker.dispose();
  });

  it('withdraws at most CHILD_CANCELS_PER_MINUTE of its prompts a minute (D196)', async () => {
    const { broker, approver } = makeBroker();
    await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    const link = configServerLink('vsphere', 'vs-extra');
    const child = broker.attachChild(link);
    for (let i = 0; i < 50; i++) {
      child.accept({ ch: 'broker', t: 'token.request', id: `r${i}`, endpoint: 'vc1' });
      await drain();
      child.accept({ ch: 'broker', t: 'token.cancel', id: `r${i}` });
      await drain();
    }
    assert.equal(approver.prompts.length, 1 + CHILD_CANCELS_PER_MINUTE + 1, `prompts shown: ${approver.prompts.length}`);
    approver.answer('allow-ttl');
    await drain();
    assert.equal(link.frames.filter((f) => f.t === 'token.grant').length, 50 - CHILD_CANCELS_PER_MINUTE, 'the rest were served by the one prompt left up');
    child.dispose();
    broker.dispose();
  });

  it('a renew asks too when the unlock did not name it', async () => {
    const { broker, approver } = makeBroker();
    await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    const extra = configServerLink('vsphere', 'vs-extra');
    assert.equal((await askAnswered(broker, approver, extra, 'vc1', 'b', 'allow-once')).t, 'token.grant', 'allowed once');
    const shown = approver.nextPrompt();
    const renewed = ask(broker, extra, 'vc1', 'c', 'a-token-it-calls-stale');
    await shown;
    assert.equal(approver.prompts.at(-1)!.server, 'vs-extra', 'the renew is asked about');
    approver.answer('deny');
    assert.equal((await renewed).t, 'token.deny', 'denied');
    broker.dispose();
  });
});

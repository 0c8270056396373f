import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/base/contracts/approval.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { ElectronApprover } from '../../../src/main/approvals/electron-approver.js';
import { chooseApprovalMethod, MAX_TOUCH_ID_REASON_CHARS, touchIdReason } from '../../../src/main/approvals/touch-id.js';
import { FakeSystemPreferences } from '../../mocks/electron.js';

const unlock: ApprovalRequest = {
  id: '0000000a', client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
  subject: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 4 * 3600, hosts: ['vcenter-prod-01.corp.example.com'] }, createdAt: 0, expiresAt: 60_000,
};
const tool: ApprovalRequest = { ...unlock, id: '0000000b', subject: { kind: 'tool', tool: 'power-off-vm', argsPreview: '{"vm":"web-01"}', changes: true } };

function setup(platform: NodeJS.Platform, prefs?: FakeSystemPreferences) {
  const queue = new PendingApprovals();
  let popups = 0;
  const approver = new ElectronApprover({ platform, touchId: prefs, queue, showPopup: () => void popups++ });
  return { queue, approver, popups: () => popups };
}

describe('chooseApprovalMethod()', () => {
  it('uses Touch ID for an unlock on macOS when it can prompt', () => {
    assert.equal(chooseApprovalMethod(unlock, 'darwin', new FakeSystemPreferences(true)), 'touch-id');
  });
  it('uses the popup on macOS without Touch ID hardware', () => {
    assert.equal(chooseApprovalMethod(unlock, 'darwin', new FakeSystemPreferences(false)), 'popup');
  });
  it('uses the popup on Linux and Windows', () => {
    assert.equal(chooseApprovalMethod(unlock, 'linux', new FakeSystemPreferences(true)), 'popup');
    assert.equal(chooseApprovalMethod(unlock, 'win32', undefined), 'popup');
  });
  it('always uses the popup for tool calls', () => {
    assert.equal(chooseApprovalMethod(tool, 'darwin', new FakeSystemPreferences(true)), 'popup');
  });
  it('always uses the popup for a policy consent: a fingerprint sheet cannot list what the rule allows (D1-policyconsent)', () => {
    const policy: ApprovalRequest = { ...unlock, id: '0000000c', subject: { kind: 'policy', loosenings: ['config.json now lets vsphere_power run on vc1 without asking (policy.allow names vsphere/vsphere_power)'], hash: 'ab'.repeat(32) } };
    assert.equal(chooseApprovalMethod(policy, 'darwin', new FakeSystemPreferences(true)), 'popup');
  });
  it('uses the popup for an unlock whose hosts do not all fit the Touch ID reason (Y7-bindpw)', () => {
    const prefs = new FakeSystemPreferences(true);
    const subject = unlock.subject as Extract<ApprovalRequest['subject'], { kind: 'unlock' }>;
    const two = { ...unlock, subject: { ...subject, hosts: ['vc1.corp.example', 'vc2.corp.example'] } };
    assert.equal(chooseApprovalMethod(two, 'darwin', prefs), 'touch-id', 'two short hosts fit the reason');
    assert.equal(chooseApprovalMethod({ ...two, subject: { ...two.subject, moreHosts: 1 } }, 'darwin', prefs), 'popup', 'a host the reason cannot name means the popup');
    const long = { ...unlock, subject: { ...subject, hosts: ['a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60)] } };
    assert.ok(touchIdReason(long).length > MAX_TOUCH_ID_REASON_CHARS, 'the test reason is over the limit');
    assert.equal(chooseApprovalMethod(long, 'darwin', prefs), 'popup', 'a reason over the limit means the popup');
    assert.ok(touchIdReason(two).length <= MAX_TOUCH_ID_REASON_CHARS, touchIdReason(two));
  });
  it('uses the popup for an unlock a server config.json added asks for: a fingerprint sheet cannot show its command (C7-firstuse)', () => {
    const subject = unlock.subject as Extract<ApprovalRequest['subject'], { kind: 'unlock' }>;
    const extra = { ...unlock, server: 'x', subject: { ...subject, fromConfig: { command: 'node /x.js' } } };
    assert.ok(touchIdReason(extra).length <= MAX_TOUCH_ID_REASON_CHARS, 'a reason that would fit');
    assert.equal(chooseApprovalMethod(extra, 'darwin', new FakeSystemPreferences(true)), 'popup');
  });
  it('falls back to the popup when canPromptTouchID throws', () => {
    const prefs = new FakeSystemPreferences(true);
    prefs.canPromptTouchID = () => {
      throw new Error('LAContext failed');
    };
    assert.equal(chooseApprovalMethod(unlock, 'darwin', prefs), 'popup');
  });
});

describe('touchIdReason()', () => {
  it('names the endpoint, the host its password goes to, the client and the duration, on one line', () => {
    assert.equal(touchIdReason(unlock), 'unlock "vc1" at vcenter-prod-01.corp.example.com for a client that calls itself "claude-ai" (vsphere) for 4h');
  });
  it('names every host of a shared credential, each made safe (Y7-bindpw)', () => {
    const subject = { ...unlock.subject, hosts: ['vc1.corp.example', 'evil.example\u202e', 'vc3.corp.example'] } as ApprovalRequest['subject'];
    assert.match(touchIdReason({ ...unlock, subject }), /^unlock "vc1" at vc1\.corp\.example, evil\.example\uFFFD and vc3\.corp\.example for /);
  });
  it('says a fingerprint binds a password with no recorded servers yet to the hosts it names (D222)', () => {
    const subject = { ...unlock.subject, unbound: true } as ApprovalRequest['subject'];
    const reason = touchIdReason({ ...unlock, subject });
    assert.equal(reason, 'bind the password of "vc1" (no recorded servers yet) to vcenter-prod-01.corp.example.com and unlock it for a client that calls itself "claude-ai" (vsphere) for 4h');
    assert.ok(reason.length <= MAX_TOUCH_ID_REASON_CHARS, 'fits, so Touch ID may ask it');
  });
  it('keeps control characters from a client name out of the prompt', () => {
    assert.doesNotMatch(touchIdReason({ ...unlock, client: 'evil\nclient' }), /\n/);
  });
  it('shows a right-to-left override in a client or server name as U+FFFD (issue 11)', () => {
    // Read with the override active, "claude-ai\u202Eexe.pxe" would look like "claude-aiexp.exe".
    const reason = touchIdReason({ ...unlock, client: 'claude-ai\u202eexe.pxe', server: 'vsphere\u2066' });
    assert.doesNotMatch(reason, /[\u202a-\u202e\u2066-\u2069]/);
    assert.match(reason, /claude-ai\uFFFDexe\.pxe/);
    assert.match(reason, /vsphere\uFFFD/);
  });
  it('marks a self-declared client as such, a verified one by its name', () => {
    assert.match(touchIdReason(unlock), /a client that calls itself "claude-ai"/);
    assert.doesNotMatch(touchIdReason({ ...unlock, clientVerified: true }), /calls itself/);
  });
});

describe('ElectronApprover.request()', () => {
  it('allows for the TTL after a successful Touch ID prompt, without a popup', async () => {
    const prefs = new FakeSystemPreferences(true, 'approve');
    const { approver, popups, queue } = setup('darwin', prefs);
    assert.equal(await approver.request(unlock, new AbortController().signal), 'allow-ttl');
    assert.equal(prefs.reasons.length, 1);
    assert.equal(popups(), 0);
    queue.dispose();
  });

  it('denies when Touch ID is cancelled', async () => {
    const { approver, queue } = setup('darwin', new FakeSystemPreferences(true, 'cancel'));
    assert.equal(await approver.request(unlock, new AbortController().signal), 'deny');
    queue.dispose();
  });

  it('denies when the request is aborted while Touch ID waits', async () => {
    const { approver, queue } = setup('darwin', new FakeSystemPreferences(true, 'never'));
    const ac = new AbortController();
    const p = approver.request(unlock, ac.signal);
    ac.abort();
    assert.equal(await p, 'deny');
    queue.dispose();
  });

  it('queues a tool call for the popup, and the popup answer resolves it', async () => {
    const prefs = new FakeSystemPreferences(true);
    const { approver, popups, queue } = setup('darwin', prefs);
    const p = approver.request(tool, new AbortController().signal);
    assert.equal(popups(), 1);
    assert.deepEqual(queue.list().map((r) => r.id), [tool.id]);
    queue.decide(tool.id, 'allow-once');
    assert.equal(await p, 'allow-once');
    assert.equal(prefs.reasons.length, 0);
    queue.dispose();
  });

  it('queues several requests visibly in order', async () => {
    const { approver, queue } = setup('linux');
    const a = approver.request(unlock, new AbortController().signal);
    const b = approver.request(tool, new AbortController().signal);
    assert.deepEqual(queue.list().map((r) => r.id), [unlock.id, tool.id]);
    queue.decide(tool.id, 'deny');
    queue.decide(unlock.id, 'allow-ttl');
    assert.deepEqual(await Promise.all([a, b]), ['allow-ttl', 'deny']);
    queue.dispose();
  });
});

describe('ElectronApprover.retarget (Z3-renew)', () => {
  it('renames a popup request in the queue, and reports a Touch ID prompt as unchanged (its text cannot change)', async () => {
    const popup = setup('linux');
    void popup.approver.request(unlock, new AbortController().signal);
    assert.equal(popup.approver.retarget('0000000a', { client: 'cursor', server: 'p6' }), true, 'the popup request was not renamed');
    assert.deepEqual(popup.queue.list().map((r) => [r.client, r.server]), [['cursor', 'p6']]);
    const touch = setup('darwin', new FakeSystemPreferences(true));
    void touch.approver.request(unlock, new AbortController().signal);
    assert.equal(touch.approver.retarget('0000000a', { client: 'cursor', server: 'p6' }), false, 'a Touch ID prompt claims to name the new requester');
    popup.queue.dispose();
    touch.queue.dispose();
  });
});

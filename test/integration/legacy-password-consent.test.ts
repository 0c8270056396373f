// D222: a password stored by KeyBroker 0.1 (a bare keychain item, no recorded
// servers) is bound by the person's consent, not by its first login alone. Real parts: the
// private Secret Service holds the bare item, the real CLI lists and answers the approval, a
// real token child asks, and the P6 fake over TLS is the server. The approval says in plain
// words that the password has no recorded servers yet and names where allowing binds it; a
// deny leaves it bare, an approval binds it there.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';
import { decodePassword } from '../../src/platform/keychain/password-envelope.js';
import { openHomeKeychain } from '../../src/platform/keychain/open-home-keychain.js';
import type { Keychain } from '../../src/platform/keychain/keychain.js';
import { firstPendingApproval, runKeybroker } from '../support/keybroker-cli.js';
import { startP6HomeWorld, type P6HomeWorld } from '../support/p6-home-world.js';
import { startTokenChild } from '../support/token-child.js';
import { readAudit } from '../support/audit-file.js';

const PASSWORD = 'legacy-Password-from-0.1';

describe('a legacy password is bound by consent (D222)', () => {
  let world: P6HomeWorld;
  let keychain: Keychain;
  let host: string;
  /** The fake's login attempts after `endpoint add` tested its login. */
  let attemptsBefore: number;

  before(async () => {
    world = await startP6HomeWorld({
      password: PASSWORD, prefix: 'kb-legacy-consent-',
      // The item as 0.1 left it: the bare password, no servers recorded.
      prepare: async (home) => {
        ({ keychain } = await openHomeKeychain(home));
        await keychain.set('endpoint:pm', PASSWORD);
      },
    });
    host = new URL(world.fake.origin).host;
    attemptsBefore = world.fake.loginAttempts('planner');
  });

  after(async () => {
    await world?.stop();
  });

  const pendingApproval = () => firstPendingApproval<ApprovalRequest>(world.env);

  it('says in `keybroker approvals` that approving binds it, and a deny leaves it unbound', async (t) => {
    const child = await startTokenChild(world.host, 'p6');
    t.after(() => child.stop());
    const asked = child.token('pm');
    const approval = await pendingApproval();
    assert.deepEqual(approval.subject, { kind: 'unlock', credential: 'endpoint:pm', ttlSeconds: 4 * 3600, hosts: [host], unbound: true }, 'the approval says the password has no recorded servers');
    const listed = await runKeybroker(['approvals'], { env: world.env });
    assert.ok(listed.stdout.includes(`bind and unlock endpoint:pm at ${host} for 4h`), listed.stdout);
    assert.ok(listed.stdout.includes(`this password has no recorded servers yet; approving binds it to ${host}, and it goes nowhere else after that`), listed.stdout);
    assert.equal((await runKeybroker(['deny', approval.id], { env: world.env })).code, 0);
    const r = await asked;
    assert.equal(!r.ok && r.code, 'denied', JSON.stringify(r));
    assert.equal(await keychain.get('endpoint:pm'), PASSWORD, 'the item is still the bare password: nothing was bound');
    assert.equal(world.fake.loginAttempts('planner'), attemptsBefore, 'no login');
  });

  it('binds it to the server the approval named once the person approves, audited', async (t) => {
    // The deny above started D203's cool-down; the person's own lock ends it.
    assert.equal((await runKeybroker(['lock', 'pm'], { env: world.env })).code, 0);
    const child = await startTokenChild(world.host, 'p6');
    t.after(() => child.stop());
    const asked = child.token('pm');
    const approval = await pendingApproval();
    assert.equal(approval.subject.kind === 'unlock' && approval.subject.unbound, true, 'asked again, saying so again');
    assert.equal((await runKeybroker(['approve', approval.id], { env: world.env })).code, 0);
    const r = await asked;
    assert.equal(r.ok, true, JSON.stringify(r));
    const ca = crypto.createHash('sha256').update(fs.readFileSync(world.fake.caFile!, 'utf8')).digest('hex');
    assert.deepEqual(decodePassword((await keychain.get('endpoint:pm'))!), { password: PASSWORD, bindings: [{ origin: world.fake.origin, ca }] }, 'bound to the named server and its CA');
    world.host.audit.flush();
    const audit = readAudit(world.home);
    assert.ok(audit.some((a) => a.event === 'config.changed' && a.endpoint === 'pm' && a.reason === `stored password bound to ${world.fake.origin}`), 'the binding is audited');
    assert.ok(!JSON.stringify(audit).includes(PASSWORD), 'no password in the audit');
  });

  it('asks as a plain unlock once the password is bound', async (t) => {
    assert.equal((await runKeybroker(['lock', 'pm'], { env: world.env })).code, 0);
    const child = await startTokenChild(world.host, 'p6');
    t.after(() => child.stop());
    const asked = child.token('pm');
    const approval = await pendingApproval();
    assert.deepEqual(approval.subject, { kind: 'unlock', credential: 'endpoint:pm', ttlSeconds: 4 * 3600, hosts: [host] }, 'no binding to consent to');
    assert.equal((await runKeybroker(['approve', approval.id], { env: world.env })).code, 0);
    assert.equal((await asked).ok, true);
  });

  it('`keybroker audit` says of each unlock request whether it asked to bind the password', async () => {
    world.host.audit.flush();
    const printed = await runKeybroker(['audit', '--event', 'unlock.requested', '--endpoint', 'pm'], { env: world.env });
    assert.equal(printed.code, 0, printed.stderr);
    const lines = printed.stdout.trim().split('\n');
    // The three unlocks above: the denied binding prompt, the approved one, then a plain unlock.
    assert.equal(lines.length, 3, printed.stdout);
    assert.deepEqual(lines.map((l) => l.includes(` hosts=${host} unbound=true `)), [true, true, false], printed.stdout);
    assert.ok(!lines[2]!.includes('unbound'), `the plain unlock says nothing of it: ${lines[2]}`);
    const json = await runKeybroker(['audit', '--json', '--event', 'unlock.requested', '--endpoint', 'pm'], { env: world.env });
    assert.deepEqual(json.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { unbound?: boolean }).unbound), [true, true, undefined], json.stdout);
  });
});

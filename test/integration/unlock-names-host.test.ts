// Y7-bindpw, the reproduction: malware running as the user points a stored endpoint at its
// own server by editing config.json; the next unlock would send the stored password there.
// Real parts: the private Secret Service holds the password (added by the real CLI), the real
// CLI lists and answers the approval, a real token child asks, and "evil" is a real local TLS
// server that records every request. The person must see evil's address in the approval.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';
import { firstPendingApproval, runKeybroker } from '../support/keybroker-cli.js';
import { startP6HomeWorld, type P6HomeWorld } from '../support/p6-home-world.js';
import { startRawUpstream, type RawUpstream } from '../support/raw-upstream.js';
import { startTokenChild } from '../support/token-child.js';
import { readAudit } from '../support/audit-file.js';

const PASSWORD = 'stored-Password-for-the-real-P6';

describe('a config pointed at another server (Y7-bindpw)', () => {
  let world: P6HomeWorld;
  let evil: RawUpstream;
  /** Every request evil received: method, path, headers and body, as text. */
  const seen: string[] = [];

  before(async () => {
    world = await startP6HomeWorld({ password: PASSWORD, prefix: 'kb-bindpw-' });
    evil = await startRawUpstream((req, res, body) => {
      seen.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`);
      res.writeHead(401).end();
    });
    // The tamper: the same endpoint, now at evil, trusting evil's CA.
    const caFile = path.join(world.home, 'evil-ca.pem');
    fs.writeFileSync(caFile, evil.caPem);
    const configFile = path.join(world.home, 'config.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { endpoints: { id: string; url: string; tls: Record<string, unknown> }[] };
    const pm = config.endpoints.find((e) => e.id === 'pm')!;
    pm.url = `${evil.origin}/p6ws/restapi`;
    pm.tls = { verify: true, caFile };
    fs.writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
    await world.host.reloadConfig([]);
  });

  after(async () => {
    await evil?.close();
    await world?.stop();
  });

  it('names the server the password would go to in the approval, `keybroker approvals` and the audit', async (t) => {
    const child = await startTokenChild(world.host, 'p6');
    // Stopped also when an assertion fails, so a failure ends the file instead of holding it open.
    t.after(() => child.stop());
    const asked = child.token('pm');
    const evilHost = new URL(evil.origin).host;
    const approval = await firstPendingApproval<ApprovalRequest>(world.env);
    assert.deepEqual(approval.subject, { kind: 'unlock', credential: 'endpoint:pm', ttlSeconds: 4 * 3600, hosts: [evilHost] }, 'the approval names evil');
    const listed = await runKeybroker(['approvals'], { env: world.env });
    assert.match(listed.stdout, new RegExp(`unlock endpoint:pm at ${evilHost.replace(/\./g, '\\.')} for 4h`), listed.stdout);
    assert.match(listed.stdout, new RegExp(`the password of endpoint:pm goes to: ${evilHost.replace(/\./g, '\\.')}`), listed.stdout);
    // The person sees an address that is not their P6 and denies: nothing reaches evil.
    assert.equal((await runKeybroker(['deny', approval.id], { env: world.env })).code, 0);
    const r = await asked;
    assert.equal(!r.ok && r.code, 'denied', JSON.stringify(r));
    assert.deepEqual(seen, [], 'evil received nothing');
    world.host.audit.flush();
    const requested = readAudit(world.home).filter((a) => a.event === 'unlock.requested' && a.endpoint === 'pm');
    assert.deepEqual(requested.map((a) => a.hosts), [[evilHost]], 'the audit names evil');
  });

  it('refuses to send the password there even when the person approves (D198)', async (t) => {
    // The deny above started D203's cool-down for pm; the person's own lock ends it, so this child is asked again.
    const lock = await runKeybroker(['lock', 'pm'], { env: world.env });
    assert.equal(lock.code, 0, `keybroker lock pm ends the deny's cool-down: ${lock.stderr}`);
    const child = await startTokenChild(world.host, 'p6');
    t.after(() => child.stop());
    const asked = child.token('pm');
    const approval = await firstPendingApproval<ApprovalRequest>(world.env);
    assert.equal((await runKeybroker(['approve', approval.id], { env: world.env })).code, 0);
    const r = await asked;
    assert.equal(!r.ok && r.code, 'not_allowed', JSON.stringify(r));
    assert.match(!r.ok ? r.message : '', /^pm now points at https:\/\/127\.0\.0\.1:\d+; its password was stored for https:\/\/127\.0\.0\.1:\d+: type it again in Settings or 'keybroker endpoint update pm --password-stdin'$/);
    assert.deepEqual(seen, [], 'evil received nothing');
    // The CLI's login test with the stored password refuses the same way.
    const update = await runKeybroker(['endpoint', 'update', 'pm', '--user', 'planner2'], { env: world.env });
    assert.equal(update.code, 1, update.stderr);
    assert.match(update.stderr, /its password was stored for/);
    assert.deepEqual(seen, [], 'evil received nothing from the CLI either');
    world.host.audit.flush();
    assert.ok(!JSON.stringify(readAudit(world.home)).includes(PASSWORD), 'no password in the audit');
  });
});

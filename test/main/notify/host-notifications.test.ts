import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditRecord } from '../../../src/base/contracts/audit-event.js';
import { Emitter } from '../../../src/base/events/emitter.js';
import { watchHostNotifications, type HostNotice } from '../../../src/main/notify/host-notifications.js';

describe('watchHostNotifications()', () => {
  it('notifies on a rejected login and a failed server, nothing else, and unsubscribes', () => {
    const audit = new Emitter<AuditRecord>();
    const fail = new Emitter<{ name: string }>();
    const notices: HostNotice[] = [];
    const d = watchHostNotifications({ onDidAppend: audit.event, onDidFail: fail.event, notify: (n) => notices.push(n) });
    audit.fire({ ts: '2026-11-24T10:00:00.000Z', event: 'session.failed', endpoint: 'vc1', code: 'login_failed', reason: 'incorrect user name or password' });
    audit.fire({ ts: '2026-11-24T10:00:00.000Z', event: 'session.failed', endpoint: 'p6', code: 'unreachable' });
    audit.fire({ ts: '2026-11-24T10:00:00.000Z', event: 'tool.called', endpoint: 'vc1' });
    fail.fire({ name: 'vsphere' });
    assert.deepEqual(notices.map((n) => n.title), ['KeyBroker: login rejected', 'KeyBroker: endpoint unreachable', 'KeyBroker: server failed']);
    assert.match(notices[0]!.body, /vc1/);
    d.dispose();
    assert.equal(audit.hasListeners() || fail.hasListeners(), false);
  });
});

import type { AuditRecord } from '../../base/contracts/audit-event.js';
import type { Event } from '../../base/events/emitter.js';
import { DisposableStore, type Disposable } from '../../base/lifecycle/disposable.js';
import { sanitizeText } from '../../base/sanitize-text.js';

/** A notification to show: `new Notification({ title, body }).show()` in the app. */
export interface HostNotice {
  readonly title: string;
  readonly body: string;
}

/** Maps audit records to notices: a rejected login, a server given up on. */
export function noticeFor(record: AuditRecord): HostNotice | undefined {
  if (record.event !== 'session.failed') return undefined;
  const endpoint = record.endpoint ?? 'An endpoint';
  if (record.code === 'unreachable') {
    return { title: 'KeyBroker: endpoint unreachable', body: `${endpoint} could not be reached${record.reason ? `: ${record.reason}` : ''}. Check the URL and the network.` };
  }
  return { title: 'KeyBroker: login rejected', body: `${endpoint} refused the login${record.reason ? `: ${record.reason}` : ''}. Check the credentials in Settings.` };
}

/**
 * Notifications (issue 7) when a server fails for good or an upstream login is rejected.
 * The bodies carry names and reasons only; audit records never hold secrets.
 */
export function watchHostNotifications(deps: {
  onDidAppend: Event<AuditRecord>;
  onDidFail: Event<{ readonly name: string }>;
  notify: (notice: HostNotice) => void;
}): Disposable {
  const store = new DisposableStore();
  store.add(deps.onDidAppend((record) => {
    const notice = noticeFor(record);
    // Security: reasons are an upstream's words; the shared sanitizer keeps bidi and controls out of the banner.
    if (notice) deps.notify({ title: notice.title, body: sanitizeText(notice.body, { maxChars: 300 }) });
  }));
  store.add(deps.onDidFail((spec) => deps.notify({ title: 'KeyBroker: server failed', body: `The ${spec.name} server keeps crashing and was stopped. Restart it from the menu.` })));
  return store;
}

/** The scheme and host every KeyBroker page is served from (see windows/app-protocol.ts). */
export const APP_SCHEME = 'app';
/** Host part of our page URLs: `app://keybroker/popup.html`. */
export const APP_HOST = 'keybroker';

/**
 * True when `url` is one of our own pages. Anything else (a navigated-away frame, a
 * `file://` page, an iframe from elsewhere) must not reach an IPC handler.
 */
export function isTrustedSenderUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    // Security: exact scheme and host; no prefix or suffix match an attacker could satisfy.
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
